import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { parseRegistrarEvent, type RegistrarEvent } from '../record-outcome/input.js';
import { FAILURE_DETAIL_TYPES } from '../shared/event-types.js';
import { alertKey } from './key.js';
import { alertMessage, alertSubject } from './message.js';
import { decide, reopen, type WindowDecision, type WindowDependencies } from './window.js';

export interface GateDependencies extends WindowDependencies {
  sns: SNSClient;
  topicArn: string;
  hubAccountId: string;
  now?: () => Date;
}

export interface GateResult {
  /** The window item the failure counted in. */
  key: string;
  decision: WindowDecision['decision'];
  /** For an alert: the failures folded into it. */
  folded?: number;
}

/**
 * Gates one failure event the alert rule delivers: it alerts when it opens its account's, function's
 * and error's window (or the window is 0) and is otherwise only counted, so a member account that
 * floods the hub with failing signals pages once per window. The event itself stays on the bus for
 * every other reader. An alert that cannot be published reopens the window and throws, so Lambda's
 * retry alerts instead of folding into an alert that never went out.
 *
 * @example await gateAlert(event, { dynamodb, tableName, windowMinutes: 60, sns, topicArn, hubAccountId })
 */
export async function gateAlert(event: unknown, deps: GateDependencies): Promise<GateResult> {
  const failure = parseFailureEvent(event, deps.hubAccountId);
  const key = alertKey(failure.detail);
  const now = (deps.now ?? (() => new Date()))();
  const decision: WindowDecision =
    deps.windowMinutes === 0 ? { decision: 'alert', folded: 0 } : await decide(deps, key, failure.id, now);
  if (decision.decision === 'fold') return { key, decision: 'fold' };
  try {
    await publish(deps, failure, decision.folded, decision.previousAlertAt);
  } catch (error) {
    if (deps.windowMinutes > 0) await reopen(deps, key, failure.id, decision);
    throw error;
  }
  return { key, decision: 'alert', folded: decision.folded };
}

/** The registrar's failure events only (events/rules/alert-workflow-failed.json matches the same). */
function parseFailureEvent(event: unknown, hubAccountId: string): RegistrarEvent {
  return parseRegistrarEvent(event, hubAccountId, FAILURE_DETAIL_TYPES);
}

async function publish(
  deps: GateDependencies,
  failure: RegistrarEvent,
  folded: number,
  previousAlertAt: string | undefined,
): Promise<void> {
  await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.topicArn,
      Subject: alertSubject(failure),
      Message: alertMessage(failure, {
        folded,
        windowMinutes: deps.windowMinutes,
        ...(previousAlertAt !== undefined ? { previousAlertAt } : {}),
      }),
      // The bus event the alert is about, for subscribers that look it up or filter on it.
      MessageAttributes: { eventId: { DataType: 'String', StringValue: failure.id } },
    }),
  );
}
