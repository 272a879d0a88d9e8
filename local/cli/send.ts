import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type Sample, toPutEventsEntry } from '../events/sample.js';
import type { Stack } from '../stack.js';

/** The bus a sample's event reaches and who puts it there. */
export interface Delivery {
  eventId?: string;
  /** Set when EventBridge refused the entry (ErrorCode). */
  refusedWith?: string;
  refusedMessage?: string;
}

/**
 * Puts a sample's event through the emulated EventBridge the way it would reach the hub: an event
 * of the hub account on its default bus (where CloudTrail and CloudFormation deliver it), an event
 * of a member account on the hub bus by ARN (where the spoke's forwarding rule delivers it). aws.*
 * events are put by the account's AWS-service stand-in, since only AWS may use those sources.
 */
export async function sendSample(stack: Stack, sample: Sample): Promise<Delivery> {
  const awsService = sample.entry.Source.startsWith('aws.');
  const inHub = sample.account === stack.world.hub.accountId;
  const hub = stack.hubIn(sample.region);
  const client = new EventBridgeClient({
    ...stack.clientConfig(sample.account, sample.region, { awsService }),
    maxAttempts: 1,
  });
  try {
    const { Entries = [] } = await client.send(
      new PutEventsCommand({
        Entries: [{ ...toPutEventsEntry(sample), EventBusName: inHub ? 'default' : hub.eventBus.arn }],
      }),
    );
    const [entry] = Entries;
    if (entry?.ErrorCode) return { refusedWith: entry.ErrorCode, refusedMessage: entry.ErrorMessage ?? '' };
    return entry?.EventId ? { eventId: entry.EventId } : {};
  } catch (error) {
    // The whole call refused (e.g. AccessDeniedException): the event never reached a bus.
    return { refusedWith: (error as Error).name, refusedMessage: (error as Error).message };
  } finally {
    client.destroy();
  }
}
