import type { AppflowClient } from '@aws-sdk/client-appflow';
import { describeCustomConnector } from '../shared/describe-connector.js';
import { listCustomConnectors } from '../shared/list-connectors.js';
import type { Registration } from './classify.js';

/**
 * Registrations of the registrar described at most in one sweep: each is one paced AppFlow request,
 * and all must fit in one invocation with the pacer's waits (ClassifyAccount's timeout,
 * serverless.yml). The rest wait for the next sweep.
 */
export const MAX_SWEEP_DESCRIBED = 100;

/** The account's and Region's custom connectors, and whether all of them were read. */
export interface Registrations {
  registrations: Registration[];
  /** Custom connectors listed. */
  listed: number;
  /** Registrations described. */
  described: number;
  /** Labels of the registrar past the bounds: not read, so never classified. */
  unread: string[];
  /** Whether ListConnectors was read to its end: if not, a label it did not reach may be registered. */
  listedAll: boolean;
  complete: boolean;
}

/**
 * Every custom connector of the client's account and Region, with one DescribeConnector for each the
 * registrar registered (ListConnectors names who did, not the Lambda); anyone else's is never
 * described, since it is never touched. A label unregistered between the listing and its
 * description is left out. Labels past the bounds are left out too, and `complete` says so: a
 * label the sweep did not read is neither repaired nor called missing.
 *
 * @example const { registrations } = await readRegistrations(appflow, (by) => isRegistrarPrincipal(by, accountId, identity));
 */
export async function readRegistrations(
  appflow: AppflowClient,
  isRegistrar: (registeredBy: string | undefined) => boolean,
): Promise<Registrations> {
  const { connectors, complete } = await listCustomConnectors(appflow);
  const registrations: Registration[] = [];
  let described = 0;
  const unread: string[] = [];
  for (const connector of connectors) {
    const connectorLabel = connector.connectorLabel as string;
    if (!isRegistrar(connector.registeredBy)) {
      registrations.push({ connectorLabel, byRegistrar: false });
      continue;
    }
    if (described >= MAX_SWEEP_DESCRIBED) {
      unread.push(connectorLabel);
      continue;
    }
    described += 1;
    const configuration = await describeCustomConnector(appflow, connectorLabel);
    if (configuration === undefined) continue;
    registrations.push({
      connectorLabel,
      byRegistrar: isRegistrar(configuration.registeredBy),
      lambdaArn: configuration.connectorProvisioningConfig?.lambda?.lambdaArn,
      description: configuration.connectorDescription,
    });
  }
  return {
    registrations,
    listed: connectors.length,
    described,
    unread,
    listedAll: complete,
    complete: complete && unread.length === 0,
  };
}
