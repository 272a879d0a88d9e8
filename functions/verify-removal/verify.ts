import type { Logger } from '@aws-lambda-powertools/logger';
import type { ClientFactory } from '../shared/clients.js';
import type { HubConfig } from '../shared/config.js';
import { Tags } from '../shared/event-types.js';
import { guardFunction } from '../shared/guards.js';
import { isRegistrarPrincipal, type RegistrarIdentity } from '../shared/registrar-principal.js';
import { removalClaimOf } from '../shared/removal-signals.js';
import { printable } from '../shared/text.js';
import type { NothingToUnregister, RemovalOutput, RemovalReason } from '../shared/types.js';
import { parseVerifyInput } from '../shared/workflow-input.js';
import { type Presence, readPresence } from './presence.js';
import { findRegistrationsOf, type RegistrationSearch } from './registrations.js';

/**
 * Registrations one execution unregisters at most (each one is a Map iteration); more are logged
 * and left for the next signal or the sweep. A function rarely holds more than one.
 */
export const MAX_REGISTRATIONS_PER_EXECUTION = 5;

// Labels a message names at most; the count says how many more.
const NAMED_AT_MOST = 5;

/** What verifyRemoval works with; the handler passes the module-scope ones, a test its own. */
export interface RemovalDependencies {
  clientsFor: ClientFactory;
  hub: Pick<HubConfig, 'allowedAccountIds' | 'servedRegions' | 'partition'>;
  identity: RegistrarIdentity;
  logger: Pick<Logger, 'info' | 'warn' | 'appendKeys'>;
}

/**
 * VerifyRemoval's work: a removal signal is a hint, and AWS's present state decides. After the
 * guards (before any AWS call: the function's account and Region are the envelope's, the hub serves
 * them, the ARN is of this partition), it reads the function: a deletion signal stands only if the
 * function is gone; a tag signal only as far as the function no longer carries a label. Then it
 * finds the registrations that point at exactly this function, made by the registrar
 * (registrar-principal.ts), whose label the function does not carry now: those are answered, with
 * the reason the present state gives (deleted, untagged, relabelled). Anything else is
 * NothingToUnregister, with why; errors are thrown under a name the state machine retries or alerts on.
 */
export async function verifyRemoval(event: unknown, deps: RemovalDependencies): Promise<RemovalOutput> {
  const { logger } = deps;
  try {
    const input = parseVerifyInput(event);
    const claim = removalClaimOf(input.trigger);
    const { lambdaArn, strippedQualifier } = guardFunction(input, deps.hub);
    logger.appendKeys({ lambdaArn });
    if (strippedQualifier !== undefined) {
      return skip(
        logger,
        lambdaArn,
        `DeleteFunction deleted version ${strippedQualifier} of ${lambdaArn}, not the function: nothing to unregister.`,
      );
    }

    const { accountId, region } = input;
    const { lambda, appflow } = deps.clientsFor({ accountId, region, executionArn: input.executionArn });
    const presence = await readPresence(lambda, lambdaArn);
    if (claim === 'deleted' && presence.present) {
      return skip(
        logger,
        lambdaArn,
        `${lambdaArn} still exists: the signal that it was deleted (${input.trigger.kind} ${printable(input.trigger.name)}) is stale, replayed or forged. Nothing is unregistered.`,
      );
    }

    const search = await findRegistrationsOf(
      appflow,
      lambdaArn,
      (registeredBy) => isRegistrarPrincipal(registeredBy, accountId, deps.identity),
      logger,
    );
    const keptLabel = presence.present ? presence.connectorLabel : undefined;
    const stale = search.pointing.filter(
      (registration) => registration.byRegistrar && registration.connectorLabel !== keptLabel,
    );
    if (stale.length === 0) return skip(logger, lambdaArn, nothingStale(lambdaArn, presence, search));

    const registrations = stale.slice(0, MAX_REGISTRATIONS_PER_EXECUTION);
    if (stale.length > registrations.length) {
      logger.warn('More registrations to unregister than one execution takes; the rest wait', {
        found: stale.length,
        unregisteredNow: registrations.length,
      });
    }
    const answer: RemovalOutput = {
      unregister: true,
      accountId,
      region,
      lambdaArn,
      reason: claim === 'orphaned' ? 'orphaned' : reasonOf(presence),
      registrations: registrations.map(({ connectorLabel, connectorArn, registeredAt }) => ({
        connectorLabel,
        connectorArn,
        registeredAt,
      })),
    };
    logger.info('Registrations to unregister', {
      decision: 'unregister',
      ...answer,
      keptLabel,
      searchTruncated: search.truncated,
      trigger: input.trigger,
    });
    return answer;
  } catch (error) {
    // Logged for the operator reading this function's logs; rethrown so the state machine decides.
    logger.warn('Removal not verified', {
      decision: 'refused',
      errorName: (error as Error).name,
      errorMessage: (error as Error).message,
    });
    throw error;
  }
}

/** The reason AWS's present state gives: gone, no label tag, or another label. */
export function reasonOf(presence: Presence): RemovalReason {
  if (!presence.present) return 'deleted';
  return presence.connectorLabel === undefined ? 'untagged' : 'relabelled';
}

function nothingStale(lambdaArn: string, presence: Presence, search: RegistrationSearch): string {
  const state = !presence.present
    ? `${lambdaArn} is gone`
    : presence.connectorLabel === undefined
      ? `${lambdaArn} has no ${Tags.connectorLabel} tag`
      : `${lambdaArn} carries ${Tags.connectorLabel} "${printable(presence.connectorLabel)}"`;
  const others = search.pointing.filter((registration) => !registration.byRegistrar);
  const named = others.slice(0, NAMED_AT_MOST).map((registration) => registration.connectorLabel);
  const more = others.length > named.length ? ` and ${others.length - named.length} more` : '';
  const leftAlone =
    others.length === 0
      ? ''
      : ` ${others.length} registration(s) that point at it were not made by the registrar (${named.join(', ')}${more}): never touched.`;
  const bounded = search.truncated
    ? ' The search stopped at its bounds; what it did not read is left for a later signal or the drift sweep.'
    : '';
  return `${state}, and no other registration made by the registrar points at it (${search.listed} custom connector(s) listed, ${search.described} described).${leftAlone}${bounded}`;
}

function skip(logger: RemovalDependencies['logger'], lambdaArn: string, why: string): NothingToUnregister {
  logger.info('Nothing to unregister: skipped', { decision: 'skipped', lambdaArn, why });
  return { unregister: false, lambdaArn, why };
}
