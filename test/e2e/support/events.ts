import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { vi } from 'vitest';
import {
  busOf,
  loadSample,
  type PublishedEvent,
  type Sample,
  type Stack,
  toPutEventsEntry,
} from '../../../local/index.js';
import type { StackClients } from './clients.js';

/** What PutEvents answered for one sample's entry. */
export interface Put {
  sample: Sample;
  /** Set when the bus accepted the event. */
  eventId?: string;
  /** Set when the bus refused it (the entry's ErrorCode, or the whole call's error name). */
  refusedWith?: string;
}

export interface PutOptions {
  /** Put it on the hub bus even from the hub account (where the workflow publishes its own events). */
  onHubBus?: boolean;
}

/**
 * Puts a sample's event through the stack's EventBridge where AWS puts it: on the default bus of the
 * sample's account and Region (where CloudTrail, CloudFormation and pipelines put it; the spoke's
 * forwarding rules carry a member account's on to the hub bus), or on the hub bus of that Region when
 * the sample says so. aws.* sources are put by the account's AWS-service stand-in.
 */
export async function putSample(
  stack: Stack,
  clients: StackClients,
  sample: Sample,
  options: PutOptions = {},
): Promise<Put> {
  const onHubBus = options.onHubBus ?? busOf(sample) === 'hub';
  const bus = onHubBus ? stack.hubIn(sample.region).eventBus.arn : 'default';
  const client = clients.events(sample.account, sample.region, {
    asAwsService: sample.entry.Source.startsWith('aws.'),
  });
  try {
    const { Entries = [] } = await client.send(
      new PutEventsCommand({ Entries: [{ ...toPutEventsEntry(sample), EventBusName: bus }] }),
    );
    const [entry] = Entries;
    if (entry?.ErrorCode) return { sample, refusedWith: entry.ErrorCode };
    if (!entry?.EventId)
      throw new Error(`PutEvents answered neither EventId nor ErrorCode for ${sample.description}`);
    return { sample, eventId: entry.EventId };
  } catch (error) {
    return { sample, refusedWith: (error as Error).name };
  }
}

/** Where an accepted event came from: what the expectations need to find what it started. */
export interface Origin {
  eventId: string;
  /** The account that put it (the envelope's account). */
  account: string;
  /** The Region of the bus it was put on. */
  region: string;
}

/** The origin of an accepted event; fails the test, naming the refusal, when the bus refused it. */
export function origin(put: Put | undefined): Origin {
  if (put?.eventId === undefined) {
    throw new Error(`The bus refused "${put?.sample.description ?? 'the event'}" with ${put?.refusedWith}`);
  }
  return { eventId: put.eventId, account: put.sample.account, region: put.sample.region };
}

/** Reads sample files and puts them all at the same moment. */
export async function putSampleFiles(
  stack: Stack,
  clients: StackClients,
  files: string[],
  options: PutOptions = {},
): Promise<Put[]> {
  const samples = await Promise.all(files.map((file) => loadSample(file)));
  return Promise.all(samples.map((sample) => putSample(stack, clients, sample, options)));
}

/** Puts sample files at the same moment and waits until every execution they started has ended. */
export async function deliver(
  stack: Stack,
  clients: StackClients,
  files: string[],
  options: PutOptions = {},
): Promise<Put[]> {
  const puts = await putSampleFiles(stack, clients, files, options);
  await stack.idle();
  return puts;
}

/** Puts one sample file and waits until every execution it started has ended. */
export async function deliverOne(
  stack: Stack,
  clients: StackClients,
  file: string,
  options: PutOptions = {},
): Promise<Put> {
  const [put] = await deliver(stack, clients, [file], options);
  if (!put) throw new Error(`Nothing was put for ${file}`);
  return put;
}

/**
 * Waits for the CloudTrail TagResource event of a function on the default bus of its account and
 * Region, where CloudTrail's stand-in puts it once a TagResource call has answered.
 */
export function waitForTagResourceEvent(
  stack: Stack,
  accountId: string,
  region: string,
  functionArn: string,
): Promise<PublishedEvent> {
  const tagEvent = () =>
    stack.events.publishedEvents({ accountId, region, busName: 'default' }).find(({ event }) => {
      const detail = event.detail as { eventName?: string; requestParameters?: { resource?: string } };
      return (
        detail.eventName?.startsWith('TagResource') === true &&
        detail.requestParameters?.resource === functionArn
      );
    });
  return vi.waitFor(() => tagEvent() ?? Promise.reject(new Error('no TagResource event yet')));
}
