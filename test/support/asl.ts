import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The ASL file the workflow tests prove, the same one serverless.yml deploys. */
export const ASL_PATH = fileURLToPath(
  new URL('../../statemachine/register-connector.asl.json', import.meta.url),
);

/** The unregistration workflow's ASL file, deployed by serverless.yml as the second state machine. */
export const UNREGISTER_ASL_PATH = fileURLToPath(
  new URL('../../statemachine/unregister-connector.asl.json', import.meta.url),
);

export const SWEEP_ASL_PATH = fileURLToPath(
  new URL('../../statemachine/sweep-connectors.asl.json', import.meta.url),
);

/** Stand-ins for the definitionSubstitutions serverless.yml fills in on deploy. */
export const FAKE_SUBSTITUTIONS = {
  VerifyFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:registrar-verify-function',
  RegisterConnectorFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:registrar-register-connector',
  EventBusName: 'appflow-connector-registrar-hub',
} as const;

export type Substitutions = Record<keyof typeof FAKE_SUBSTITUTIONS, string>;

/** Stand-ins for the unregistration workflow's definitionSubstitutions. */
export const UNREGISTER_SUBSTITUTIONS = {
  VerifyRemovalFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:registrar-verify-removal',
  UnregisterConnectorFunctionArn:
    'arn:aws:lambda:eu-west-1:111122223333:function:registrar-unregister-connector',
  EventBusName: FAKE_SUBSTITUTIONS.EventBusName,
} as const;

/** Stand-ins for the sweep workflow's definitionSubstitutions. */
export const SWEEP_SUBSTITUTIONS = {
  ClassifyAccountFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:registrar-classify-account',
  RegisterConnectorStateMachineArn:
    'arn:aws:states:eu-west-1:111122223333:stateMachine:appflow-connector-registrar-register-connector',
  UnregisterConnectorStateMachineArn:
    'arn:aws:states:eu-west-1:111122223333:stateMachine:appflow-connector-registrar-unregister-connector',
  EventBusName: FAKE_SUBSTITUTIONS.EventBusName,
} as const;

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
  /** A Map state's iteration: its own StartAt and States. */
  ItemProcessor?: { StartAt: string; States: Record<string, AslState> };
  ItemsPath?: string;
  ItemSelector?: Record<string, unknown>;
  MaxConcurrency?: number;
  End?: boolean;
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
  return loadAslFile(ASL_PATH, substitutions);
}

/** The unregistration workflow's ASL, its placeholders filled the same way. */
export function loadUnregisterAsl(): AslDefinition {
  return loadAslFile(UNREGISTER_ASL_PATH, UNREGISTER_SUBSTITUTIONS);
}

/** The sweep workflow's ASL, its placeholders filled the same way. */
export function loadSweepAsl(): AslDefinition {
  return loadAslFile(SWEEP_ASL_PATH, SWEEP_SUBSTITUTIONS);
}

/** An ASL file with its `${Name}` placeholders filled; a placeholder left over is an error. */
export function loadAslFile(path: string, substitutions: Record<string, string>): AslDefinition {
  let text = readFileSync(path, 'utf8');
  for (const [name, value] of Object.entries(substitutions)) {
    // JSON-escape the value, minus the quotes, so any string lands intact inside the JSON text.
    text = text.replaceAll(`\${${name}}`, JSON.stringify(value).slice(1, -1));
  }
  const leftOver = text.match(/\$\{[^}]*\}/g);
  if (leftOver) throw new Error(`${path} has substitutions the tests do not fill: ${leftOver.join(', ')}`);
  return JSON.parse(text) as AslDefinition;
}

/** The placeholder names (`${Name}`) the raw ASL uses. */
export function placeholdersInAsl(path = ASL_PATH): string[] {
  const text = readFileSync(path, 'utf8');
  return [...new Set([...text.matchAll(/\$\{([^}]*)\}/g)].map((match) => match[1] ?? ''))].sort();
}

/** One state by name, nested ones included, failing with the names that do exist when it is missing. */
export function stateOf(definition: AslDefinition, name: string): AslState {
  const state = Object.fromEntries(statesOf(definition))[name];
  if (!state)
    throw new Error(
      `No state ${name}; the ASL has ${statesOf(definition)
        .map(([n]) => n)
        .join(', ')}`,
    );
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

/**
 * Every state by name, the states of Map iterations included (state names are unique across a
 * definition, and the interpreter keys its task overrides by them).
 */
export function statesOf(definition: Pick<AslDefinition, 'States'>): [string, AslState][] {
  return Object.entries(definition.States).flatMap(([name, state]): [string, AslState][] => [
    [name, state],
    ...(state.ItemProcessor ? statesOf(state.ItemProcessor) : []),
  ]);
}
