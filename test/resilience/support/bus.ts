import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Stack } from '../../../local/index.js';
import type { Signal } from './signals.js';

/** What PutEvents answered for one signal: its event id, or the entry's (or the call's) error. */
export interface Delivery {
  signal: Signal;
  eventId?: string;
  refusedWith?: string;
  refusedMessage?: string;
}

/**
 * Puts signals where AWS would deliver them, through the stack's EventBridge with real SDK clients:
 * a hub-account event on the hub's default bus (where CloudTrail and CloudFormation deliver it), a
 * member account's on the hub bus by ARN (where the spoke's forwarding rule puts it). aws.* sources
 * are put by the account's AWS-service stand-in, the only caller allowed to use them.
 */
export class SignalBus {
  private readonly clients = new Map<string, EventBridgeClient>();

  constructor(private readonly stack: Stack) {}

  /** Puts one signal as its own PutEvents call. */
  async put(signal: Signal): Promise<Delivery> {
    const { Source, Detail } = signal.entry;
    const awsService = signal.putBy
      ? signal.putBy === 'aws-service'
      : typeof Source === 'string' && Source.startsWith('aws.');
    const inHub = signal.account === this.stack.world.hub.accountId;
    const client = this.clientFor(signal.account, signal.region, awsService);
    try {
      const { Entries = [] } = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              ...signal.entry,
              Detail: typeof Detail === 'string' ? Detail : JSON.stringify(Detail),
              EventBusName: inHub ? 'default' : this.stack.hubIn(signal.region).eventBus.arn,
            },
          ],
        }),
      );
      const [entry] = Entries;
      if (entry?.ErrorCode) {
        return { signal, refusedWith: entry.ErrorCode, refusedMessage: entry.ErrorMessage ?? '' };
      }
      return entry?.EventId ? { signal, eventId: entry.EventId } : { signal };
    } catch (error) {
      // The whole call was refused (validation, access): the event reached no bus.
      return { signal, refusedWith: (error as Error).name, refusedMessage: (error as Error).message };
    }
  }

  /** Puts every signal at once, in the given order, each as its own call. */
  putAll(signals: readonly Signal[]): Promise<Delivery[]> {
    return Promise.all(signals.map((signal) => this.put(signal)));
  }

  /**
   * Puts the signals in order, holding the next one back while `maxInFlight` deliveries and
   * executions are under way: a steady stream the emulation absorbs on two cores. A burst of
   * hundreds at once would only measure the emulation: the state machine's waits for a throttled
   * Lambda are scaled by timeScale while the emulated concurrency is not, so VerifyFunction's
   * retries would run out in a third of a second.
   */
  async putPaced(signals: readonly (Signal | readonly Signal[])[], maxInFlight: number): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    for (const item of signals) {
      while (this.inFlight() >= maxInFlight) await sleep(2);
      // A group (the signals of one deploy) goes out at once, as AWS emits them within moments.
      deliveries.push(...(Array.isArray(item) ? await this.putAll(item) : [await this.put(item as Signal)]));
    }
    return deliveries;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private inFlight(): number {
    const pending = this.stack.events.deliveries().filter((delivery) => delivery.status === 'pending');
    return pending.length + this.stack.states.executions({ status: 'RUNNING' }).length;
  }

  private clientFor(account: string, region: string, awsService: boolean): EventBridgeClient {
    const key = `${account}/${region}/${awsService}`;
    let client = this.clients.get(key);
    if (!client) {
      // One attempt: a refused entry is an outcome to record, not something to retry.
      client = new EventBridgeClient({
        ...this.stack.clientConfig(account, region, { awsService }),
        maxAttempts: 1,
      });
      this.clients.set(key, client);
    }
    return client;
  }
}
