import { readFileSync } from 'node:fs';
import type {
  NothingToUnregister,
  NotOptedIn,
  RegisterOutput,
  RegistrationsToUnregister,
  UnregisterOutput,
  VerifiedConnector,
  WorkflowInput,
} from '../../functions/shared/types.js';

function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A fresh copy of each fixture per call, so a test may change its copy freely. */
export const fixtures = {
  /** The normalized deploy signal: a spoke account's UpdateFunctionCode. */
  workflowInput: () => readFixture<WorkflowInput>('workflow-input.json'),
  /** VerifyFunction's answer for that function, a tagged connector. */
  verifiedConnector: () => readFixture<VerifiedConnector>('verified-connector.json'),
  /** VerifyFunction's answer for a function without the opt-in tag. */
  notOptedIn: () => readFixture<NotOptedIn>('not-opted-in.json'),
  /** RegisterConnector's answer for that connector. */
  registration: () => readFixture<RegisterOutput>('registration.json'),
  /** The normalized removal signal: a spoke account's CloudTrail DeleteFunction, naming the function. */
  removalInput: () => readFixture<WorkflowInput>('removal-input.json'),
  /** VerifyRemoval's answer for that function: one registration of the registrar to unregister. */
  registrationsToUnregister: () => readFixture<RegistrationsToUnregister>('registrations-to-unregister.json'),
  /** VerifyRemoval's answer when the function still exists. */
  nothingToUnregister: () => readFixture<NothingToUnregister>('nothing-to-unregister.json'),
  /** UnregisterConnector's answer for that registration. */
  unregistration: () => readFixture<UnregisterOutput>('unregistration.json'),
  /** Values for the rules' InputPathsMap names, as the event of one deploy would give them. */
  ruleInputValues: () => readFixture<Record<string, unknown>>('rule-input-values.json'),
};
