import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type AppflowClient,
  type ConnectorConfiguration,
  UnregisterConnectorCommand,
} from '@aws-sdk/client-appflow';
import { describeCustomConnector } from '../shared/describe-connector.js';
import { ConnectorInUseError, RegistrationChangedError } from '../shared/errors.js';
import { logger as defaultLogger } from '../shared/logger.js';
import { printable } from '../shared/text.js';
import type { UnregisterInput, UnregisterOutput } from '../shared/types.js';
import type { InUsePolicy } from './config.js';
import { findUsers, inUse, type Usage } from './usage.js';

/** Names of profiles and flows an alert lists at most; it counts the rest. */
export const NAMED_USERS_AT_MOST = 10;

/** What unregisterConnector works with: the input's AppFlow client and the hub's settings. */
export interface UnregisterDeps {
  appflow: AppflowClient;
  /** Hub parameter unregisterInUse. */
  inUse: InUsePolicy;
  /** Whether AppFlow's registeredBy names the registrar in the input's account (registrar-principal.ts). */
  isRegistrar: (registeredBy: string | undefined) => boolean;
  log?: Logger;
}

/**
 * Unregisters one registration VerifyRemoval confirmed, checking it once more first, since time
 * passed (the pacer, retries): a label that now points at another function, was registered by
 * someone else, or registered again since, is left alone (RegistrationChangedError, which the state
 * machine ends Skipped). Then, before UnregisterConnector (forceDelete false), the connector
 * profiles and flows that use the label: if any do, ConnectorInUseError names them (bounded) and
 * nothing is unregistered, unless the hub parameter unregisterInUse is `force`. A label AppFlow no
 * longer holds counts as unregistered: this is what a retry after a crash finds. AppFlow's
 * ConflictException (the label is in use after all) is ConnectorInUseError too; other AppFlow
 * errors are rethrown unchanged for the state machine to retry or alert on.
 *
 * @example const output = await unregisterConnector(parseUnregisterInput(event), { appflow, inUse: 'alert', isRegistrar });
 */
export async function unregisterConnector(
  input: UnregisterInput,
  deps: UnregisterDeps,
): Promise<UnregisterOutput> {
  const { appflow, log = defaultLogger } = deps;
  const current = await describeCustomConnector(appflow, input.connectorLabel);
  if (!current) {
    log.info('DescribeConnector: the label is no longer registered; nothing left to unregister', {
      action: 'already-unregistered',
    });
    return outputFor(input, false);
  }
  const change = changeOf(current, input, deps.isRegistrar);
  if (change) {
    log.warn('The registration changed since it was verified; leaving it alone', { change });
    throw new RegistrationChangedError(
      `Connector label "${input.connectorLabel}" in account ${input.accountId}, Region ${input.region} ${change} since VerifyRemoval read it, so it is left alone.`,
    );
  }

  const usage = await findUsers(appflow, input.connectorLabel);
  const used = inUse(usage);
  if (used && deps.inUse === 'alert') {
    log.warn('The label is in use; not unregistered', { ...usage });
    throw new ConnectorInUseError(inUseMessage(input, describeUsage(usage)));
  }
  if (used) log.warn('The label is in use; unregistering it anyway (unregisterInUse force)', { ...usage });

  const forceDelete = deps.inUse === 'force';
  try {
    await appflow.send(new UnregisterConnectorCommand({ connectorLabel: input.connectorLabel, forceDelete }));
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ResourceNotFoundException') {
      log.info('UnregisterConnector: the label was gone already', { action: 'already-unregistered' });
      return outputFor(input, false);
    }
    log.info('UnregisterConnector failed', { error: name, forceDelete });
    if (name === 'ConflictException' && !forceDelete) {
      throw new ConnectorInUseError(
        inUseMessage(input, `what AppFlow names: ${printable((error as Error).message, 300)}`),
        { cause: error },
      );
    }
    throw error;
  }
  log.info('UnregisterConnector: connector unregistered', {
    action: 'unregistered',
    forceDelete,
    forced: used,
    usageComplete: usage.complete,
  });
  return outputFor(input, used);
}

/**
 * How the registration AppFlow holds now differs from the one VerifyRemoval confirmed, or undefined
 * when it is the same: the same function (exactly), the registrar's, registered at the same time.
 */
export function changeOf(
  current: ConnectorConfiguration,
  input: UnregisterInput,
  isRegistrar: UnregisterDeps['isRegistrar'],
): string | undefined {
  const lambdaArn = current.connectorProvisioningConfig?.lambda?.lambdaArn;
  if (lambdaArn !== input.lambdaArn) {
    return `now points at ${printable(lambdaArn ?? 'no Lambda AppFlow names')}, not ${input.lambdaArn},`;
  }
  if (!isRegistrar(current.registeredBy)) {
    return `was registered by ${printable(current.registeredBy ?? 'someone AppFlow does not name')}, not the registrar,`;
  }
  const registeredAt = current.registeredAt?.getTime();
  if (registeredAt !== Date.parse(input.registeredAt)) {
    const at = registeredAt === undefined ? 'an unknown time' : new Date(registeredAt).toISOString();
    return `was registered again (at ${at}; VerifyRemoval read ${input.registeredAt})`;
  }
  return undefined;
}

function inUseMessage(input: UnregisterInput, users: string): string {
  return `Connector label "${input.connectorLabel}" in account ${input.accountId}, Region ${input.region} was not unregistered, though its Lambda ${input.lambdaArn} is ${input.reason}: it is still used by ${users}. AppFlow does not document what becomes of them once it is gone. Delete them or move them to another connector, then unregister it: aws appflow unregister-connector --connector-label ${input.connectorLabel} --region ${input.region} (in that account); or set the hub parameter unregisterInUse to force.`;
}

/** "connector profile(s) a, b and flow(s) c (and N more)", bounded, for the alert. */
export function describeUsage(usage: Usage): string {
  const part = (kind: string, names: string[]) => {
    const named = names.slice(0, NAMED_USERS_AT_MOST).map((name) => printable(name, 256));
    const more = names.length > named.length ? ` and ${names.length - named.length} more` : '';
    return `${kind} ${named.join(', ')}${more}`;
  };
  const parts = [
    ...(usage.profiles.length > 0 ? [part('connector profile(s)', usage.profiles)] : []),
    ...(usage.flows.length > 0 ? [part('flow(s)', usage.flows)] : []),
  ];
  const unread = usage.complete ? '' : ' (the listings stopped at their bounds: there may be more)';
  return `${parts.join(' and ')}${unread}`;
}

function outputFor(input: UnregisterInput, forced: boolean): UnregisterOutput {
  return {
    connectorArn: input.connectorArn,
    connectorLabel: input.connectorLabel,
    lambdaArn: input.lambdaArn,
    accountId: input.accountId,
    region: input.region,
    reason: input.reason,
    forced,
  };
}
