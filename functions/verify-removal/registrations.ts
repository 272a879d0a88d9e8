import type { Logger } from '@aws-lambda-powertools/logger';
import type { AppflowClient } from '@aws-sdk/client-appflow';
import { describeCustomConnector } from '../shared/describe-connector.js';
import { listCustomConnectors, MAX_LIST_PAGES } from '../shared/list-connectors.js';
import type { StaleRegistration } from '../shared/types.js';

/**
 * Registrations described at most: each is one paced AppFlow request, and all of them must fit in
 * one invocation with the pacer's waits (at 5 requests a second, 50 take 10 s of a 30 s timeout).
 */
export const MAX_DESCRIBED = 50;

/** A registration that points at exactly the function, with who made it. */
export interface PointingRegistration extends StaleRegistration {
  registeredBy: string | undefined;
  byRegistrar: boolean;
}

/** What the search found, and how far it got. */
export interface RegistrationSearch {
  /** Registrations of the account and Region whose lambdaArn is exactly the function's, in label order. */
  pointing: PointingRegistration[];
  /** Custom connectors listed. */
  listed: number;
  /** Registrations described (the registrar's, as ListConnectors names who registered them). */
  described: number;
  /** Whether a bound stopped the search before every registration of the registrar was read. */
  truncated: boolean;
}

/**
 * Finds the custom connectors of the client's account and Region whose registration points at
 * exactly `lambdaArn`. ListConnectors names each label's registrant but not its Lambda, so the
 * labels the registrar registered (or whose registrant ListConnectors leaves out) are described one
 * by one; registrations of anyone else are never described, since they are never touched. A label
 * unregistered between the listing and its description is passed over. Bounded by MAX_LIST_PAGES
 * and MAX_DESCRIBED: past them the search stops and says so (`truncated`), and what it missed is
 * left for the next signal or the sweep. AppFlow errors are rethrown for the state machine.
 *
 * @example const { pointing } = await findRegistrationsOf(appflow, lambdaArn, (by) => isRegistrarPrincipal(by, accountId, identity), logger);
 */
export async function findRegistrationsOf(
  appflow: AppflowClient,
  lambdaArn: string,
  isRegistrar: (registeredBy: string | undefined) => boolean,
  log: Pick<Logger, 'warn'>,
): Promise<RegistrationSearch> {
  const { connectors, complete } = await listCustomConnectors(appflow);
  const candidates = connectors.filter(
    (connector) => connector.registeredBy === undefined || isRegistrar(connector.registeredBy),
  );
  const toDescribe = candidates.slice(0, MAX_DESCRIBED);
  const truncated = !complete || candidates.length > toDescribe.length;
  if (truncated) {
    log.warn('Search for the registrations of a function stopped at its bounds', {
      listed: connectors.length,
      listingComplete: complete,
      registrarConnectors: candidates.length,
      described: toDescribe.length,
      maxListPages: MAX_LIST_PAGES,
      maxDescribed: MAX_DESCRIBED,
    });
  }

  const pointing: PointingRegistration[] = [];
  for (const connector of toDescribe) {
    const configuration = await describeCustomConnector(appflow, connector.connectorLabel as string);
    if (configuration?.connectorProvisioningConfig?.lambda?.lambdaArn !== lambdaArn) continue;
    const registeredAt = configuration.registeredAt;
    if (!configuration.connectorArn || !registeredAt || Number.isNaN(registeredAt.getTime())) {
      throw new Error(
        `DescribeConnector answered for label ${configuration.connectorLabel ?? connector.connectorLabel} without a connectorArn or registeredAt; the AppFlow API (or the emulation it was pointed at) broke its contract.`,
      );
    }
    pointing.push({
      connectorLabel: connector.connectorLabel as string,
      connectorArn: configuration.connectorArn,
      registeredAt: registeredAt.toISOString(),
      registeredBy: configuration.registeredBy,
      byRegistrar: isRegistrar(configuration.registeredBy),
    });
  }
  pointing.sort((a, b) => (a.connectorLabel < b.connectorLabel ? -1 : 1));
  return { pointing, listed: connectors.length, described: toDescribe.length, truncated };
}
