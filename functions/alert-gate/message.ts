import type { RegistrarEvent } from '../record-outcome/input.js';
import { printable } from '../shared/text.js';

/** The detail fields the alert carries, in the order a person reads them. */
const FIELDS = [
  'error',
  'connectorLabel',
  'lambdaArn',
  'accountId',
  'region',
  'executionArn',
  'cause',
] as const;
/** Longer than any cause the handlers write; a longer one is cut so the message stays readable. */
const VALUE_MAX = 8000;
const WHAT_TO_DO =
  'Fix the cause (the execution history shows every step). To retry a registration, deploy or tag the function again (or send a Connector Lambda Deployed event); to finish an unregistration, run the command the cause names in that account and Region; to sweep an account again, run registrar sweep --account with it.';

export interface AlertFolding {
  /** Failures of this account, function and error counted, not alerted, since the previous alert. */
  folded: number;
  /** When that alert went out (ISO 8601). */
  previousAlertAt?: string;
  /** How long failures of the key are now folded into the next alert; 0: never. */
  windowMinutes: number;
}

/**
 * The alert a person reads: the wording and fields the alert rule's input transformer wrote before
 * the gate existed, so subscribers parse the same JSON, plus how many failures were folded into it.
 * Every value is quoted as JSON and written in printable ASCII (\uXXXX beyond it), so no event value
 * can break the message or forge a line of it.
 *
 * @example JSON.parse(alertMessage(event, { folded: 0, windowMinutes: 60 })).error // 'MissingAppFlowPermissionError'
 */
export function alertMessage(event: RegistrarEvent, folding: AlertFolding): string {
  const message: Record<string, unknown> = {
    alert: 'The AppFlow connector registrar could not finish',
    event: event.detailType,
  };
  for (const name of FIELDS) message[name] = cut(event.published[name]);
  message.whatToDo = WHAT_TO_DO;
  message.folded = folding.folded;
  if (folding.folded > 0) {
    message.foldedNote = `${folding.folded} more failures of this account, function and error were folded since the last alert at ${folding.previousAlertAt ?? 'an unknown time'}; the hub bus and \`registrar status\` keep each of them.`;
  }
  if (folding.windowMinutes > 0) {
    message.window = `Further failures of this account, function and error in the next ${folding.windowMinutes} minutes are counted into the next alert instead of alerting.`;
  }
  return asciiJson(message);
}

/**
 * The e-mail subject: the error and where, in printable ASCII within SNS's limit.
 *
 * @example alertSubject(event) // 'Registrar: MissingAppFlowPermissionError in 222222222222 eu-west-1'
 */
export function alertSubject(event: RegistrarEvent): string {
  const { error, accountId, region } = event.detail;
  return `Registrar: ${printable(error ?? 'unknown', 40)} in ${accountId} ${region}`;
}

function cut(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.length <= VALUE_MAX) return value;
  return `${value.slice(0, VALUE_MAX)}...(${value.length} chars)`;
}

function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
