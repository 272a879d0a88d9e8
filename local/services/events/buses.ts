import type { BusPolicyStatement, DeployedRule, Deployment } from '../../deploy/serverless.js';
import type { Caller } from '../../types.js';
import type { BusRef } from './types.js';

/**
 * The event buses of the emulated accounts: every account has a `default` bus in every Region; the
 * hub has its custom bus (and the rules serverless.yml deploys on both) in each hub Region. Putting
 * on another account's bus is allowed only if that bus's resource policy allows the caller.
 */

/** What the buses need from the world file. */
export interface EventsWorld {
  organizationId: string;
  accounts: readonly { accountId: string; inOrganization?: boolean }[];
}

export interface Bus extends BusRef {
  policy: BusPolicyStatement[];
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
  private readonly defaultRules = new Map<string, DeployedRule[]>();
  private readonly createdAt = new Date().toISOString();

  constructor(
    private readonly world: EventsWorld,
    deployments: readonly Deployment[],
    private readonly partition = 'aws',
  ) {
    for (const deployment of deployments) {
      const { accountId, region } = deployment;
      for (const bus of deployment.eventBuses) {
        this.custom.set(key(accountId, region, bus.name), {
          accountId,
          region,
          name: bus.name,
          arn: bus.arn,
          policy: bus.policy,
          rules: deployment.rules.filter((rule) => rule.eventBusName === bus.name),
          createdAt: this.createdAt,
        });
      }
      const onDefault = deployment.rules.filter((rule) => rule.eventBusName === 'default');
      if (onDefault.length > 0) {
        this.defaultRules.set(key(accountId, region, 'default'), [
          ...(this.defaultRules.get(key(accountId, region, 'default')) ?? []),
          ...onDefault,
        ]);
      }
    }
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
    return {
      accountId,
      region,
      name,
      arn: busArn(this.partition, region, accountId, name),
      policy: [],
      rules: this.defaultRules.get(key(accountId, region, name)) ?? [],
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
   * Whether the caller may put events on the bus: always in its own account (the emulation grants
   * every principal events:PutEvents on its own buses); across accounts only when the bus policy allows
   * it and denies nothing, with aws:PrincipalOrgID and aws:PrincipalAccount conditions evaluated.
   */
  allowsPut(bus: Bus, caller: Caller): boolean {
    if (bus.accountId === caller.accountId) return true;
    const applicable = bus.policy.filter((statement) => this.applies(statement, caller));
    return applicable.some((s) => s.Effect === 'Allow') && !applicable.some((s) => s.Effect === 'Deny');
  }

  private applies(statement: BusPolicyStatement, caller: Caller): boolean {
    const actions = list(statement.Action);
    if (!actions.some((action) => action === '*' || action === 'events:*' || action === 'events:PutEvents'))
      return false;
    if (!principalMatches(statement.Principal, caller)) return false;
    return conditionsHold(statement.Condition ?? {}, {
      'aws:principalorgid': this.organizationOf(caller.accountId),
      'aws:principalaccount': caller.accountId,
      'aws:principalarn': caller.roleArn ?? caller.principalArn,
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

function list<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function principalMatches(principal: BusPolicyStatement['Principal'], caller: Caller): boolean {
  if (principal === '*') return true;
  return list(principal.AWS).some(
    (value) =>
      value === '*' ||
      value === caller.accountId ||
      value === `arn:aws:iam::${caller.accountId}:root` ||
      value === caller.principalArn ||
      value === caller.roleArn,
  );
}

/**
 * IAM condition operators a bus policy uses. A key the emulation does not know makes the condition
 * false, so an unmodelled policy refuses rather than admits.
 */
function conditionsHold(
  conditions: Record<string, Record<string, string | string[]>>,
  context: Record<string, string | undefined>,
): boolean {
  return Object.entries(conditions).every(([operator, tests]) =>
    Object.entries(tests).every(([conditionKey, expected]) => {
      const actual = context[conditionKey.toLowerCase()];
      if (actual === undefined) return false;
      const values = list(expected);
      switch (operator) {
        case 'StringEquals':
        case 'ArnEquals':
          return values.includes(actual);
        case 'StringNotEquals':
          return !values.includes(actual);
        case 'StringLike':
        case 'ArnLike':
          return values.some((pattern) => globMatches(pattern, actual));
        default:
          return false;
      }
    }),
  );
}

function globMatches(pattern: string, text: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(text);
}
