import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The ASL file the workflow tests prove, the same one serverless.yml deploys. */
export const ASL_PATH = fileURLToPath(
  new URL('../../statemachine/register-connector.asl.json', import.meta.url),
);

/** Stand-ins for the definitionSubstitutions serverless.yml fills in on deploy. */
export const FAKE_SUBSTITUTIONS = {
  VerifyFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:registrar-verify-function',
  RegisterConnectorFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:registrar-register-connector',
  EventBusName: 'appflow-connector-registrar-hub',
} as const;

export type Substitutions = Record<keyof typeof FAKE_SUBSTITUTIONS, string>;

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

/** The fields of a state the tests read; the interpreter and asl-validator check the rest. */
export interface AslState {
  Type: 'Task' | 'Choice' | 'Pass' | 'Succeed' | 'Fail' | 'Wait' | 'Parallel' | 'Map';
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  ErrorPath?: string;
  CausePath?: string;
}

export interface AslDefinition {
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, AslState>;
}

/** The Task states that call Lambda functions. */
export type LambdaTask = 'VerifyFunction' | 'RegisterConnector';

/** The putEvents states: one announces success, the other alerts. */
export const PUBLISH_STATES = ['PublishConnectorRegistered', 'PublishRegistrationFailed'] as const;

export type PublishState = (typeof PUBLISH_STATES)[number];

/** The states a registration that succeeds enters, in order (a retried state appears once). */
export const REGISTERED_PATH = [
  'VerifyFunction',
  'OptedIn',
  'RegisterConnector',
  'PublishConnectorRegistered',
  'Registered',
] as const;

/**
 * Reads the ASL and fills in `${Name}` placeholders the way serverless-step-functions'
 * definitionSubstitutions do (plain text replacement), failing on any placeholder left over so a
 * new substitution cannot slip through untested.
 */
export function loadAsl(substitutions: Substitutions = FAKE_SUBSTITUTIONS): AslDefinition {
  let text = readFileSync(ASL_PATH, 'utf8');
  for (const [name, value] of Object.entries(substitutions)) {
    // JSON-escape the value, minus the quotes, so any string lands intact inside the JSON text.
    text = text.replaceAll(`\${${name}}`, JSON.stringify(value).slice(1, -1));
  }
  const leftOver = text.match(/\$\{[^}]*\}/g);
  if (leftOver)
    throw new Error(`${ASL_PATH} has substitutions the tests do not fill: ${leftOver.join(', ')}`);
  return JSON.parse(text) as AslDefinition;
}

/** The placeholder names (`${Name}`) the raw ASL uses. */
export function placeholdersInAsl(): string[] {
  const text = readFileSync(ASL_PATH, 'utf8');
  return [...new Set([...text.matchAll(/\$\{([^}]*)\}/g)].map((match) => match[1] ?? ''))].sort();
}

/** One state by name, failing with the names that do exist when it is missing. */
export function stateOf(definition: AslDefinition, name: string): AslState {
  const state = definition.States[name];
  if (!state) throw new Error(`No state ${name}; the ASL has ${Object.keys(definition.States).join(', ')}`);
  return state;
}

/** The ErrorEquals names of a state's Retry (or Catch) field, flattened, in order. */
export function errorNamesOf(handlers: readonly { ErrorEquals: string[] }[] | undefined): string[] {
  return (handlers ?? []).flatMap((handler) => handler.ErrorEquals);
}

/** The names a state catches on purpose: its Catch list without the States.* wildcards. */
export function explicitlyCaught(definition: AslDefinition, stateName: string): string[] {
  return errorNamesOf(stateOf(definition, stateName).Catch).filter((name) => !name.startsWith('States.'));
}

/** The names a state retries on purpose: its Retry list without the States.* wildcards. */
export function explicitlyRetried(definition: AslDefinition, stateName: string): string[] {
  return errorNamesOf(stateOf(definition, stateName).Retry).filter((name) => !name.startsWith('States.'));
}

/** The retrier of a state that matches an error name exactly, as Step Functions picks it (first match). */
export function retrierFor(definition: AslDefinition, stateName: string, errorName: string): Retrier {
  const retrier = stateOf(definition, stateName).Retry?.find((candidate) =>
    candidate.ErrorEquals.includes(errorName),
  );
  if (!retrier) throw new Error(`${stateName} has no retrier for ${errorName}`);
  return retrier;
}

/** Every state, by name. */
export function statesOf(definition: AslDefinition): [string, AslState][] {
  return Object.entries(definition.States);
}
