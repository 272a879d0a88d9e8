import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { busOf, type Sample, toPutEventsEntry } from '../events/sample.js';
import type { Stack } from '../stack.js';

/** The bus a sample's event reaches and who puts it there. */
export interface Delivery {
  eventId?: string;
  /** Set when EventBridge refused the entry (ErrorCode). */
  refusedWith?: string;
  refusedMessage?: string;
}

/**
 * Puts a sample's event where AWS would (busOf): on the default bus of its account and Region, where
 * CloudTrail, CloudFormation and pipelines put it (a member account's spoke forwards it to the hub
 * bus), or, when the sample says `"bus": "hub"`, straight on the hub bus by ARN. aws.* events are put
 * by the account's AWS-service stand-in, since only AWS may use those sources.
 */
export async function sendSample(stack: Stack, sample: Sample): Promise<Delivery> {
  const awsService = sample.entry.Source.startsWith('aws.');
  const onHubBus = busOf(sample) === 'hub';
  const client = new EventBridgeClient({
    ...stack.clientConfig(sample.account, sample.region, { awsService }),
    maxAttempts: 1,
  });
  try {
    const { Entries = [] } = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            ...toPutEventsEntry(sample),
            EventBusName: onHubBus ? stack.hubIn(sample.region).eventBus.arn : 'default',
          },
        ],
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
