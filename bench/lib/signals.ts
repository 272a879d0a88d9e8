import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Stack } from '../../local/index.js';

/** One deploy of one connector function. */
export interface DeploySignal {
  accountId: string;
  region: string;
  functionArn: string;
}

export interface SentSignal extends DeploySignal {
  eventId: string;
  /** Date.now() when PutEvents answered. */
  sentAt: number;
}

/** PutEvents takes at most 10 entries per call. */
const BATCH = 10;

/**
 * The "Connector Lambda Deployed" event a deploy pipeline puts (events/rules/pipeline-connector-deployed.json):
 * a custom event, so the pipeline's own credentials may put it.
 */
export function pipelineEntry(functionArn: string): Omit<PutEventsRequestEntry, 'EventBusName'> {
  return {
    Source: 'com.example.connector-pipeline',
    DetailType: 'Connector Lambda Deployed',
    Detail: JSON.stringify({ functionArn }),
    Resources: [],
  };
}

/**
 * Puts the deploy signals through the stack's EventBridge as they reach the hub: the hub account's
 * own on its default bus, a member account's on the hub bus by ARN (where its forwarding rule puts
 * them). All batches are sent at once; a refused entry fails the benchmark, since it would be lost.
 */
export async function sendDeploySignals(
  stack: Stack,
  signals: readonly DeploySignal[],
): Promise<SentSignal[]> {
  const groups = new Map<string, DeploySignal[]>();
  for (const signal of signals) {
    const key = `${signal.accountId}/${signal.region}`;
    groups.set(key, [...(groups.get(key) ?? []), signal]);
  }
  const batches: DeploySignal[][] = [];
  for (const group of groups.values()) {
    for (let at = 0; at < group.length; at += BATCH) batches.push(group.slice(at, at + BATCH));
  }
  const clients = new Map<string, EventBridgeClient>();
  const clientFor = (accountId: string, region: string) => {
    const key = `${accountId}/${region}`;
    let client = clients.get(key);
    if (!client) {
      client = new EventBridgeClient({ ...stack.clientConfig(accountId, region), maxAttempts: 1 });
      clients.set(key, client);
    }
    return client;
  };
  try {
    const sent = await Promise.all(
      batches.map(async (batch) => {
        const [first] = batch as [DeploySignal];
        const bus =
          first.accountId === stack.world.hub.accountId ? 'default' : stack.hubIn(first.region).eventBus.arn;
        const { Entries = [], FailedEntryCount = 0 } = await clientFor(first.accountId, first.region).send(
          new PutEventsCommand({
            Entries: batch.map((signal) => ({ ...pipelineEntry(signal.functionArn), EventBusName: bus })),
          }),
        );
        if (FailedEntryCount > 0) {
          const failed = Entries.find((entry) => entry.ErrorCode);
          throw new Error(
            `PutEvents refused ${FailedEntryCount} deploy signals of ${first.accountId}/${first.region}: ${failed?.ErrorCode} ${failed?.ErrorMessage}`,
          );
        }
        const sentAt = Date.now();
        return batch.map((signal, index) => ({ ...signal, eventId: Entries[index]?.EventId ?? '', sentAt }));
      }),
    );
    return sent.flat();
  } finally {
    for (const client of clients.values()) client.destroy();
  }
}

/** The trigger event id an execution was started for (WorkflowInput.trigger.eventId). */
export function triggerEventIdOf(executionInput: string): string | undefined {
  try {
    return (JSON.parse(executionInput) as { trigger?: { eventId?: string } }).trigger?.eventId;
  } catch {
    return undefined;
  }
}
