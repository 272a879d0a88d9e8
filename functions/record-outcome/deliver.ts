import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { REGISTRAR_SOURCE } from '../shared/event-types.js';
import type { MemberDelivery } from '../shared/inventory.js';
import type { RecordInput } from './input.js';
import { partitionOf } from './row.js';

const ERROR_MAX = 500;

export interface DeliveryResult {
  memberDelivery: MemberDelivery;
  memberDeliveryError?: string;
}

/** The default bus of an account in a Region: where its own rules see the outcome. */
export function defaultBusArn(partition: string, accountId: string, region: string): string {
  return `arn:${partition}:events:${region}:${accountId}:event-bus/default`;
}

/**
 * Puts the outcome event, its detail as the hub bus received it, on the default bus of the connector's
 * own account and Region, so the team that deployed it hears the outcome without access to the hub.
 * The client must be in that Region (EventBridge takes a bus ARN of the caller's Region only). A
 * refusal (the spoke stack predates its bus policy) or a failed entry is returned, not thrown: the
 * inventory records it and `registrar status` shows it, while a retry would only be refused again.
 *
 * @example await tellConnectorAccount(eventsIn('eu-west-1'), input)
 */
export async function tellConnectorAccount(
  events: EventBridgeClient,
  input: RecordInput,
): Promise<DeliveryResult> {
  const { accountId, region, executionArn } = input.detail;
  try {
    const answer = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: defaultBusArn(partitionOf(executionArn), accountId, region),
            Source: REGISTRAR_SOURCE,
            DetailType: input.detailType,
            Detail: JSON.stringify(input.published ?? input.detail),
          },
        ],
      }),
    );
    const [entry] = answer.Entries ?? [];
    if ((answer.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode) {
      return failed(`${entry?.ErrorCode ?? 'FailedEntry'}: ${entry?.ErrorMessage ?? 'no message'}`);
    }
    return { memberDelivery: 'delivered' };
  } catch (error) {
    return failed(`${(error as Error).name}: ${(error as Error).message}`);
  }
}

function failed(reason: string): DeliveryResult {
  return {
    memberDelivery: 'failed',
    memberDeliveryError: reason.length > ERROR_MAX ? `${reason.slice(0, ERROR_MAX)}...` : reason,
  };
}
