import type { Logger } from '@aws-lambda-powertools/logger';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { AccountClientConfig, ClientFactory } from '../shared/clients.js';
import type { HubConfig } from '../shared/config.js';
import { guardAccount } from '../shared/guards.js';
import { isRegistrarPrincipal, type RegistrarIdentity } from '../shared/registrar-principal.js';
import type { WorkflowInput } from '../shared/types.js';
import { classifyLabels, DRIFT_CLASSES, type DriftClass, type LabelVerdict } from './classify.js';
import type { SweepInput } from './input.js';
import { readRegistrations } from './registrations.js';
import { readTaggedFunctions } from './tagged-functions.js';

/** Repairs one sweep starts at most, of each workflow; the rest wait for the next sweep. */
export const MAX_REPAIRS = 50;
/** Labels the report names per class at most; the counts are always whole. */
export const NAMED_PER_CLASS = 20;

/** ClassifyAccount's answer: the report, and the workflow inputs of the repairs. */
export interface SweepOutput {
  accountId: string;
  region: string;
  dryRun: boolean;
  counts: Record<DriftClass, number>;
  /** In label order, at most NAMED_PER_CLASS each. */
  labels: Record<DriftClass, string[]>;
  /** Inputs of the registration workflow (missing and stale labels), at most MAX_REPAIRS. */
  register: WorkflowInput[];
  /** Inputs of the unregistration workflow (orphaned labels, one per function), at most MAX_REPAIRS. */
  unregister: WorkflowInput[];
  repairs: { register: number; unregister: number };
  /** Whether a bound left labels unread or repairs for the next sweep. */
  truncated: boolean;
}

/** What sweepAccount works with; the handler passes the module-scope ones, a test its own. */
export interface SweepDependencies {
  clientsFor: ClientFactory;
  /** The tag query's client, built with the account's client config. */
  taggingClient: (config: AccountClientConfig) => ResourceGroupsTaggingAPIClient;
  hub: Pick<HubConfig, 'allowedAccountIds' | 'servedRegions'>;
  identity: RegistrarIdentity;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: () => Date;
}

/**
 * ClassifyAccount's work: after the allow-lists, reads the labelled functions (one tag query) and
 * the custom connectors (ListConnectors, DescribeConnector for each of the registrar's) of the
 * account and Region, classifies every label, and answers the repairs as inputs of the existing
 * workflows, which verify everything again against AWS before acting: a sweep only ever starts what
 * a signal could. Errors are thrown under the names the state machine retries or reports.
 */
export async function sweepAccount(input: SweepInput, deps: SweepDependencies): Promise<SweepOutput> {
  const { accountId, region } = input;
  guardAccount(input, deps.hub);
  const { appflow, config } = deps.clientsFor(input);
  const tagged = await readTaggedFunctions(deps.taggingClient(config));
  const connectors = await readRegistrations(appflow, (registeredBy) =>
    isRegistrarPrincipal(registeredBy, accountId, deps.identity),
  );
  const unread = new Set(connectors.unread);
  const verdicts = classifyLabels(tagged.functions, connectors.registrations).filter(
    (verdict) => !unread.has(verdict.connectorLabel),
  );

  const time = (deps.now ?? (() => new Date()))().toISOString();
  const workflowInput = (verdict: LabelVerdict): WorkflowInput => ({
    accountId,
    region,
    functionArn: verdict.lambdaArn as string,
    hints: null,
    trigger: { kind: 'sweep', eventId: input.executionArn, name: verdict.driftClass, time },
  });
  // With the connector listing cut short, a label it did not reach may be registered already (by
  // anyone): nothing is called missing then, or each sweep would start a registration for it.
  const toRegister = verdicts.filter(
    (v) => (v.driftClass === 'missing' && connectors.listedAll) || v.driftClass === 'stale',
  );
  // A function the tag query did not reach may still carry its label: with the listing cut short,
  // nothing is unregistered (VerifyRemoval would find the label kept, at the cost of an execution each).
  const orphaned = tagged.complete ? verdicts.filter((v) => v.driftClass === 'orphaned') : [];
  const toUnregister = uniqueByFunction(orphaned);
  const register = toRegister.slice(0, MAX_REPAIRS).map(workflowInput);
  const unregister = toUnregister.slice(0, MAX_REPAIRS).map(workflowInput);
  const truncated =
    !tagged.complete ||
    !connectors.complete ||
    register.length < toRegister.length ||
    unregister.length < toUnregister.length;

  const output: SweepOutput = {
    accountId,
    region,
    dryRun: input.dryRun,
    counts: tally(verdicts, (list) => list.length),
    labels: tally(verdicts, (list) => list.slice(0, NAMED_PER_CLASS).map((v) => v.connectorLabel)),
    register,
    unregister,
    repairs: { register: register.length, unregister: unregister.length },
    truncated,
  };
  deps.logger.info('Account swept', {
    counts: output.counts,
    repairs: output.repairs,
    dryRun: input.dryRun,
    labelledFunctions: tagged.functions.length,
    connectorsListed: connectors.listed,
    connectorsDescribed: connectors.described,
    truncated,
  });
  if (truncated) deps.logger.warn('The sweep stopped at its bounds; the rest waits for the next sweep');
  return output;
}

// One unregistration per function: VerifyRemoval finds every registration of the registrar that
// points at it, so a second execution would only find the same ones.
function uniqueByFunction(verdicts: LabelVerdict[]): LabelVerdict[] {
  const seen = new Set<string | null>();
  return verdicts.filter((verdict) => !seen.has(verdict.lambdaArn) && seen.add(verdict.lambdaArn));
}

function tally<T>(verdicts: LabelVerdict[], summary: (list: LabelVerdict[]) => T): Record<DriftClass, T> {
  return Object.fromEntries(
    DRIFT_CLASSES.map((driftClass) => [
      driftClass,
      summary(verdicts.filter((v) => v.driftClass === driftClass)),
    ]),
  ) as Record<DriftClass, T>;
}
