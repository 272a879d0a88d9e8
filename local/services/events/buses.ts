import type { DeployedStack } from '../../deploy/deploy.js';
import type { DeployedRule } from '../../deploy/resources.js';
import { allows, type PolicyStatement } from '../../iam/policy.js';
import { principalOf } from '../../iam/roles.js';
import type { BusEvent, Caller } from '../../types.js';
import type { BusRef } from './types.js';

/**
 * The event buses of the emulated accounts: every account has a `default` bus in every Region; the
 * deployed stacks add custom buses, bus policies and rules (the hub's bus and rules, each spoke's
 * forwarding rules on its default bus). Putting on another account's bus is allowed only if that
 * bus's resource policy allows the caller.
 */

/** What the buses need from the world file. */
export interface EventsWorld {
  organizationId: string;
  accounts: readonly { accountId: string; inOrganization?: boolean }[];
}

export interface Bus extends BusRef {
  policy: PolicyStatement[];
  rules: DeployedRule[];
  /** ISO 8601: when the stack started (what DescribeEventBus calls CreationTime). */
  createdAt: string;
}

export type BusLookup =
  | { found: true; bus: Bus }
  | { found: false; errorCode: 'ResourceNotFoundException' | 'InvalidArgument'; message: string };

const BUS_ARN = /^arn:(aws[a-z-]*):events:([a-z0-9-]+):(\d{12}):event-bus\/([.\-_A-Za-z0-9/]+)$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;

export function busArn(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:events:${region}:${accountId}:event-bus/${name}`;
}

export class BusRegistry {
  private readonly custom = new Map<string, Bus>();
  private readonly defaults = new Map<string, { policy: PolicyStatement[]; rules: DeployedRule[] }>();
  private readonly createdAt = new Date().toISOString();

  constructor(
    private readonly world: EventsWorld,
    private readonly partition = 'aws',
  ) {}

  /** Adds a deployed stack's buses, bus policies and rules. */
  deploy(stack: DeployedStack): void {
    const { accountId, region } = stack;
    for (const bus of stack.eventBuses) {
      this.custom.set(key(accountId, region, bus.name), {
        accountId,
        region,
        name: bus.name,
        arn: bus.arn,
        policy: [...bus.policy],
        rules: [],
        createdAt: this.createdAt,
      });
    }
    for (const { busName, statements } of stack.busPolicies)
      this.placeOf(accountId, region, busName)?.policy.push(...statements);
    for (const rule of stack.rules) {
      const place = this.placeOf(accountId, region, rule.eventBusName);
      if (place === undefined) {
        throw new Error(
          `${stack.stackName}: rule ${rule.logicalId} is on bus ${rule.eventBusName}, which does not exist in ${accountId}/${region}.`,
        );
      }
      place.rules.push(rule);
    }
  }

  /** Where a bus's policy and rules are kept: the custom bus itself, or the default bus's slot. */
  private placeOf(
    accountId: string,
    region: string,
    name: string,
  ): { policy: PolicyStatement[]; rules: DeployedRule[] } | undefined {
    if (name !== 'default') return this.custom.get(key(accountId, region, name));
    const slot = key(accountId, region, name);
    let place = this.defaults.get(slot);
    if (place === undefined) {
      place = { policy: [], rules: [] };
      this.defaults.set(slot, place);
    }
    return place;
  }

  /** Finds the bus an entry names (name or ARN; absent means the caller's default bus in the Region). */
  lookup(nameOrArn: string | undefined, callerAccountId: string, region: string): BusLookup {
    const text = nameOrArn === undefined || nameOrArn === '' ? 'default' : nameOrArn;
    let accountId = callerAccountId;
    let name = text;
    if (text.startsWith('arn:')) {
      const match = BUS_ARN.exec(text);
      if (!match) {
        return {
          found: false,
          errorCode: 'InvalidArgument',
          message: `Parameter EventBusName is not valid. Reason: ${text} is not a valid event bus ARN.`,
        };
      }
      const [, , arnRegion = '', arnAccount = '', arnName = ''] = match;
      if (arnRegion !== region) {
        return {
          found: false,
          errorCode: 'InvalidArgument',
          message: `Parameter EventBusName is not valid. Reason: the event bus ${text} is not in the Region of the request (${region}).`,
        };
      }
      accountId = arnAccount;
      name = arnName;
    } else if (!BUS_NAME.test(text)) {
      return {
        found: false,
        errorCode: 'InvalidArgument',
        message: `Parameter EventBusName is not valid. Reason: ${text} is not a valid event bus name.`,
      };
    }
    const bus = this.get(accountId, region, name);
    if (bus === undefined) {
      return {
        found: false,
        errorCode: 'ResourceNotFoundException',
        message: `Event bus ${name} does not exist.`,
      };
    }
    return { found: true, bus };
  }

  /** A bus by account, Region and name, if it exists. */
  get(accountId: string, region: string, name: string): Bus | undefined {
    if (name !== 'default') return this.custom.get(key(accountId, region, name));
    const place = this.defaults.get(key(accountId, region, name));
    return {
      accountId,
      region,
      name,
      arn: busArn(this.partition, region, accountId, name),
      policy: place?.policy ?? [],
      rules: place?.rules ?? [],
      createdAt: this.createdAt,
    };
  }

  /** The buses of an account in a Region: default first. */
  list(accountId: string, region: string): Bus[] {
    const buses = [this.get(accountId, region, 'default') as Bus];
    for (const bus of this.custom.values())
      if (bus.accountId === accountId && bus.region === region) buses.push(bus);
    return buses;
  }

  /**
   * Whether the caller may put this event on the bus: always in its own account (the emulation grants
   * every principal events:PutEvents on its own buses); across accounts only when the bus policy
   * allows it and denies nothing, its conditions evaluated with the caller's organization and the
   * event's source and detail-type (events:source, events:detail-type).
   */
  allowsPut(bus: Bus, caller: Caller, event: Pick<BusEvent, 'source' | 'detail-type'>): boolean {
    if (bus.accountId === caller.accountId) return true;
    return allows(bus.policy, {
      action: 'events:PutEvents',
      resource: bus.arn,
      principal: principalOf(caller),
      context: {
        'aws:PrincipalOrgID': this.organizationOf(caller.accountId),
        'aws:PrincipalAccount': caller.accountId,
        'aws:PrincipalArn': caller.roleArn ?? caller.principalArn,
        'events:source': event.source,
        'events:detail-type': event['detail-type'],
      },
    });
  }

  private organizationOf(accountId: string): string | undefined {
    const account = this.world.accounts.find((candidate) => candidate.accountId === accountId);
    if (account === undefined || account.inOrganization === false) return undefined;
    return this.world.organizationId;
  }
}

function key(accountId: string, region: string, name: string): string {
  return `${accountId}/${region}/${name}`;
}
