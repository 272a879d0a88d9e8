import { randomUUID } from 'node:crypto';
import type { DeployedStack } from '../deploy/deploy.js';
import type { DeployedRule, DeployedTarget } from '../deploy/resources.js';
import { InvalidEventPatternError, matchesPattern, validatePattern } from '../events/pattern.js';
import { type AwsJsonOperation, awsJsonHandler } from '../http/aws-json.js';
import { AwsServiceError } from '../http/errors.js';
import type { RoleRegistry } from '../iam/roles.js';
import type { AwsRequest, BusEvent, Caller, EmulatedService } from '../types.js';
import { type Bus, BusRegistry, type EventsWorld } from './events/buses.js';
import { Deliverer, type DeliveryOptions } from './events/delivery.js';
import { detailOf, entryProblem, eventTime, readEntries } from './events/put-events.js';
import { InvalidScheduleExpressionError } from './events/schedule-expression.js';
import { type ScheduledRule, Scheduler } from './events/scheduler.js';
import type {
  AlertMessage,
  DeadLetter,
  Delivery,
  EventPublisher,
  ExecutionStarter,
  PublishedEvent,
  PutEventsEntry,
  PutEventsResult,
  PutEventsResultEntry,
} from './events/types.js';

export type { EventsWorld } from './events/buses.js';
export type { ScheduledRule } from './events/scheduler.js';
export { settle } from './events/settle.js';
export type * from './events/types.js';

/**
 * The emulated EventBridge (awsJson 1.1, X-Amz-Target AWSEvents.*): PutEvents with AWS's per-entry
 * failures and cross-account bus policies, the rules of the deployed stacks (the hub's on its bus and
 * its account's default bus, each spoke's forwarding rules) delivered to their targets under the
 * targets' roles, schedule rules (rate and cron) firing their targets on their schedule scaled by
 * timeScale, TestEventPattern, and the read-only calls a person uses to look around
 * (DescribeEventBus, ListEventBuses, ListRules, DescribeRule, ListTargetsByRule). Rules come from the
 * deployed templates: PutRule and friends are not emulated.
 */

export interface EventsServiceOptions {
  world: EventsWorld;
  /** The roles rule targets name: EventBridge assumes them to deliver. */
  roles: RoleRegistry;
  /** Invokes Lambda targets (the Lambda service's event invocation). */
  invokeFunction?: DeliveryOptions['invokeFunction'];
  /** Starts executions for state-machine targets: the states service. */
  executions: ExecutionStarter;
  /** Multiplies EventBridge's retry waits: 0.01 for demos and tests, 1 = AWS timing. */
  timeScale?: number;
  now?: () => Date;
  random?: () => number;
  /**
   * Where messages to SNS topics are kept, shared with the SNS service so alerts() lists what rules
   * and Publish callers (the alert gate) sent alike. Default: a list of its own.
   */
  alerts?: AlertMessage[];
  /**
   * Where dead-letter messages are kept, shared with the Lambda service so deadLetters() lists the
   * records of failed asynchronous invocations beside the events rules could not deliver.
   */
  deadLetters?: DeadLetter[];
  /** Events kept per bus for listing. Default 500. */
  maxEventsPerBus?: number;
  partition?: string;
}

export interface EventsService extends EmulatedService, EventPublisher {
  /**
   * Adds a deployed stack's buses, bus policies and rules, and starts its schedule rules; throws for a
   * schedule EventBridge refuses, or one on a custom bus (EventBridge schedules only on the default bus).
   */
  deploy(stack: DeployedStack): void;
  /**
   * Runs a schedule rule now, outside its schedule: its targets get the "Scheduled Event" it returns,
   * delivered like any other (await idle() for them). Throws for a rule that has no schedule or is
   * DISABLED. What tests and the CLI use to run a daily job on demand.
   *
   * @example stack.events.fireScheduledRule('arn:aws:events:eu-west-1:111111111111:rule/drift-sweep'); await stack.idle();
   */
  fireScheduledRule(ruleArn: string): BusEvent;
  /** The deployed schedule rules and when each runs next. */
  scheduledRules(): ScheduledRule[];
  /** The events a bus accepted, oldest first (all buses when no filter). */
  publishedEvents(filter?: { accountId?: string; region?: string; busName?: string }): PublishedEvent[];
  /** Messages published to SNS topics (the alert topic): by rules, and by SNS Publish when shared. */
  alerts(): readonly AlertMessage[];
  /** Events rules could not deliver, and (when shared) records of failed asynchronous invocations. */
  deadLetters(): readonly DeadLetter[];
  /** Every delivery to a target, latest 1000. */
  deliveries(): readonly Delivery[];
  /** Resolves when no delivery (or retry) is pending. */
  idle(): Promise<void>;
  /** True while a delivery (or retry) is pending. */
  busy(): boolean;
  /** Stops pending retries and every schedule. */
  close(): void;
}

const TARGET_PREFIX = 'AWSEvents.';
const MANDATORY_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

/**
 * Creates the EventBridge service. Wire it with the states service, each calling the other lazily:
 *
 * @example
 * let events: EventsService;
 * const states = createStatesService({ ..., events: { putEvents: (...a) => events.putEvents(...a) } });
 * events = createEventsService({ world, roles, executions: states, timeScale: 0.01 });
 * events.deploy(hubStack);
 */
export function createEventsService(options: EventsServiceOptions): EventsService {
  const now = options.now ?? (() => new Date());
  const partition = options.partition ?? 'aws';
  const maxEventsPerBus = options.maxEventsPerBus ?? 500;
  const buses = new BusRegistry(options.world, partition);
  const published = new Map<string, PublishedEvent[]>();
  const alerts: AlertMessage[] = options.alerts ?? [];
  const deadLetters: DeadLetter[] = options.deadLetters ?? [];

  const accept = (bus: Bus, event: BusEvent, putBy: Caller): void => {
    const receivedAt = now();
    const matched = bus.rules.filter(
      (rule) =>
        rule.state === 'ENABLED' &&
        rule.eventPattern !== undefined &&
        matchesPattern(rule.eventPattern, event),
    );
    const kept = published.get(bus.arn) ?? [];
    kept.push({
      bus: { accountId: bus.accountId, region: bus.region, name: bus.name, arn: bus.arn },
      event,
      receivedAt: receivedAt.toISOString(),
      putBy: putBy.principalArn,
      matchedRules: matched.map((rule) => rule.name),
    });
    if (kept.length > maxEventsPerBus) kept.shift();
    published.set(bus.arn, kept);
    for (const rule of matched) {
      for (const target of rule.targets) deliverer.deliver(rule, target, event, receivedAt);
    }
  };

  const deliverer = new Deliverer({
    executions: options.executions,
    roles: options.roles,
    ...(options.invokeFunction ? { invokeFunction: options.invokeFunction } : {}),
    timeScale: options.timeScale ?? 1,
    now,
    random: options.random ?? Math.random,
    maxDeliveries: 1000,
    onAlert: (alert) => alerts.push(alert),
    onDeadLetter: (deadLetter) => deadLetters.push(deadLetter),
    forward: async (targetArn, event, caller) => {
      const region = targetArn.split(':')[3] ?? '';
      const lookup = buses.lookup(targetArn, caller.accountId, region);
      if (!lookup.found) throw new AwsServiceError(404, 'ResourceNotFoundException', lookup.message);
      if (!buses.allowsPut(lookup.bus, caller, event)) throw accessDenied(caller, lookup.bus);
      accept(lookup.bus, event, caller);
    },
  });

  const scheduler = new Scheduler({
    timeScale: options.timeScale ?? 1,
    now,
    fire: (rule, event) => {
      for (const target of rule.targets) deliverer.deliver(rule, target, event, now());
    },
  });

  const deploy = (stack: DeployedStack): void => {
    buses.deploy(stack);
    for (const rule of stack.rules) {
      if (rule.scheduleExpression === undefined) continue;
      if (rule.eventBusName !== 'default') {
        throw new Error(
          `${stack.stackName}: rule ${rule.logicalId} has a ScheduleExpression on the event bus ${rule.eventBusName}; EventBridge runs schedules only on the default event bus.`,
        );
      }
      try {
        scheduler.add(rule);
      } catch (error) {
        if (error instanceof InvalidScheduleExpressionError)
          throw new Error(`${stack.stackName}: rule ${rule.logicalId}: ${error.message}`, { cause: error });
        throw error;
      }
    }
  };

  const putOne = (caller: Caller, region: string, entry: PutEventsEntry): PutEventsResultEntry => {
    const problem = entryProblem(entry);
    if (problem) return problem;
    const lookup = buses.lookup(entry.EventBusName, caller.accountId, region);
    if (!lookup.found) return { ErrorCode: lookup.errorCode, ErrorMessage: lookup.message };
    const { bus } = lookup;
    if (
      !buses.allowsPut(bus, caller, {
        source: entry.Source as string,
        'detail-type': entry.DetailType as string,
      })
    ) {
      const denied = accessDenied(caller, bus);
      return { ErrorCode: denied.code, ErrorMessage: denied.message };
    }
    const source = entry.Source as string;
    // Only AWS services publish aws.* events (CloudTrail, CloudFormation): the LOCALAWSSERVICE key.
    if (source.startsWith('aws.') && caller.awsService !== true) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    }
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType as string,
      source,
      account: caller.accountId,
      time: eventTime(entry, now()),
      region,
      resources: [...(entry.Resources ?? [])],
      detail: detailOf(entry),
    };
    accept(bus, event, caller);
    return { EventId: event.id };
  };

  const putEvents = async (
    caller: Caller,
    region: string,
    entries: PutEventsEntry[],
  ): Promise<PutEventsResult> => {
    const checked = readEntries(entries);
    // The caller's own policies are evaluated for every bus it names, before any entry is put.
    for (const entry of checked) {
      const lookup = buses.lookup(entry.EventBusName, caller.accountId, region);
      const denied = lookup.found
        ? options.roles.denial(caller, 'events:PutEvents', lookup.bus.arn, 400, {
            'events:source': typeof entry.Source === 'string' ? entry.Source : undefined,
            'events:detail-type': typeof entry.DetailType === 'string' ? entry.DetailType : undefined,
          })
        : undefined;
      if (denied) throw denied;
    }
    const results = checked.map((entry) => putOne(caller, region, entry));
    return {
      Entries: results,
      FailedEntryCount: results.filter((result) => result.ErrorCode !== undefined).length,
    };
  };

  const operations: Record<string, AwsJsonOperation> = {
    PutEvents: (request, body) => putEvents(request.caller, request.region, readEntries(body.Entries)),
    TestEventPattern: (_request, body) => testEventPattern(body),
    DescribeEventBus: (request, body) => describeBus(busFor(request, optionalString(body, 'Name'))),
    ListEventBuses: (request, body) => {
      const prefix = optionalString(body, 'NamePrefix') ?? '';
      const list = buses
        .list(request.caller.accountId, request.region)
        .filter((bus) => bus.name.startsWith(prefix));
      const page = paginate(list, body);
      return { EventBuses: page.items.map(describeBus), ...page.next };
    },
    ListRules: (request, body) => {
      const bus = busFor(request, optionalString(body, 'EventBusName'));
      const prefix = optionalString(body, 'NamePrefix') ?? '';
      const page = paginate(
        bus.rules.filter((rule) => rule.name.startsWith(prefix)),
        body,
      );
      return { Rules: page.items.map((rule) => describeRule(rule, bus)), ...page.next };
    },
    DescribeRule: (request, body) => {
      const bus = busFor(request, optionalString(body, 'EventBusName'));
      return {
        ...describeRule(ruleOf(bus, requiredString(body, 'Name', 'name')), bus),
        CreatedBy: bus.accountId,
      };
    },
    ListTargetsByRule: (request, body) => {
      const bus = busFor(request, optionalString(body, 'EventBusName'));
      const rule = ruleOf(bus, requiredString(body, 'Rule', 'rule'));
      const page = paginate(rule.targets, body);
      return { Targets: page.items.map(describeTarget), ...page.next };
    },
  };

  const busFor = (request: AwsRequest, nameOrArn: string | undefined): Bus => {
    const lookup = buses.lookup(nameOrArn, request.caller.accountId, request.region);
    if (!lookup.found) {
      const code = lookup.errorCode === 'InvalidArgument' ? 'ValidationException' : lookup.errorCode;
      throw new AwsServiceError(400, code, lookup.message);
    }
    if (lookup.bus.accountId !== request.caller.accountId) {
      throw new AwsServiceError(
        400,
        'AccessDeniedException',
        `User: ${request.caller.principalArn} is not authorized to access ${lookup.bus.arn}: it belongs to another account.`,
      );
    }
    return lookup.bus;
  };

  const handle = awsJsonHandler(TARGET_PREFIX, 'aws-json-1.1', 'EventBridge', operations);

  return {
    signingName: 'events',
    protocol: 'aws-json-1.1',
    handle,
    putEvents,
    deploy,
    fireScheduledRule: (ruleArn) => scheduler.fireNow(ruleArn),
    scheduledRules: () => scheduler.list(),
    publishedEvents: (filter = {}) =>
      [...published.values()]
        .flat()
        .filter(
          ({ bus }) =>
            (filter.accountId === undefined || bus.accountId === filter.accountId) &&
            (filter.region === undefined || bus.region === filter.region) &&
            (filter.busName === undefined || bus.name === filter.busName),
        )
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)),
    alerts: () => alerts,
    deadLetters: () => deadLetters,
    deliveries: () => deliverer.deliveries,
    idle: () => deliverer.idle(),
    busy: () => deliverer.busy(),
    close: () => {
      scheduler.close();
      deliverer.close();
    },
  };
}

function accessDenied(caller: Caller, bus: Bus): AwsServiceError {
  return new AwsServiceError(
    400,
    'AccessDeniedException',
    `User: ${caller.principalArn} is not authorized to perform: events:PutEvents on resource: ${bus.arn} because no resource-based policy allows the events:PutEvents action`,
  );
}

function testEventPattern(body: Record<string, unknown>): { Result: boolean } {
  const patternText = requiredString(body, 'EventPattern', 'eventPattern');
  const eventText = requiredString(body, 'Event', 'event');
  let pattern: ReturnType<typeof validatePattern>;
  try {
    pattern = validatePattern(patternText);
  } catch (error) {
    if (error instanceof InvalidEventPatternError)
      throw new AwsServiceError(400, 'InvalidEventPatternException', error.message);
    throw error;
  }
  let event: unknown;
  try {
    event = JSON.parse(eventText);
  } catch {
    throw new AwsServiceError(400, 'ValidationException', 'Parameter Event is not valid.');
  }
  if (
    typeof event !== 'object' ||
    event === null ||
    Array.isArray(event) ||
    MANDATORY_EVENT_FIELDS.some((field) => !(field in event))
  ) {
    throw new AwsServiceError(400, 'ValidationException', 'Parameter Event is not valid.');
  }
  return { Result: matchesPattern(pattern, event) };
}

function ruleOf(bus: Bus, name: string): DeployedRule {
  const rule = bus.rules.find((candidate) => candidate.name === name);
  if (rule === undefined) {
    throw new AwsServiceError(
      400,
      'ResourceNotFoundException',
      `Rule ${name} does not exist on EventBus ${bus.name}.`,
    );
  }
  return rule;
}

function describeBus(bus: Bus): Record<string, unknown> {
  const created = Date.parse(bus.createdAt) / 1000;
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.policy.length > 0
      ? { Policy: JSON.stringify({ Version: '2012-10-17', Statement: bus.policy }) }
      : {}),
    CreationTime: created,
    LastModifiedTime: created,
  };
}

function describeRule(rule: DeployedRule, bus: Bus): Record<string, unknown> {
  return {
    Name: rule.name,
    Arn: rule.arn,
    ...(rule.eventPattern !== undefined ? { EventPattern: JSON.stringify(rule.eventPattern) } : {}),
    ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
    State: rule.state,
    ...(rule.description !== undefined ? { Description: rule.description } : {}),
    EventBusName: bus.name,
  };
}

function describeTarget(target: DeployedTarget): Record<string, unknown> {
  return {
    Id: target.id,
    Arn: target.arn,
    ...(target.roleArn !== undefined ? { RoleArn: target.roleArn } : {}),
    ...(target.input !== undefined ? { Input: target.input } : {}),
    ...(target.inputPath !== undefined ? { InputPath: target.inputPath } : {}),
    ...(target.inputTransformer !== undefined ? { InputTransformer: target.inputTransformer } : {}),
    RetryPolicy: {
      MaximumRetryAttempts: target.retryPolicy.maximumRetryAttempts,
      MaximumEventAgeInSeconds: target.retryPolicy.maximumEventAgeInSeconds,
    },
    ...(target.deadLetterArn !== undefined ? { DeadLetterConfig: { Arn: target.deadLetterArn } } : {}),
  };
}

function optionalString(body: Record<string, unknown>, member: string): string | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new AwsServiceError(400, 'SerializationException', `${member} must be a string.`);
  return value;
}

function requiredString(body: Record<string, unknown>, member: string, modelName: string): string {
  const value = optionalString(body, member);
  if (value === undefined) {
    throw new AwsServiceError(
      400,
      'ValidationException',
      `1 validation error detected: Value null at '${modelName}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** EventBridge's Limit/NextToken paging; the token is the offset, opaque to callers. */
function paginate<T>(
  items: T[],
  body: Record<string, unknown>,
): { items: T[]; next: { NextToken?: string } } {
  const limit = body.Limit === undefined ? 100 : Number(body.Limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new AwsServiceError(
      400,
      'ValidationException',
      `1 validation error detected: Value '${String(body.Limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`,
    );
  }
  let offset = 0;
  const token = optionalString(body, 'NextToken');
  if (token !== undefined) {
    offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0 || offset > items.length) {
      throw new AwsServiceError(400, 'ValidationException', 'The NextToken provided is not valid.');
    }
  }
  const end = offset + limit;
  return {
    items: items.slice(offset, end),
    next: end < items.length ? { NextToken: Buffer.from(String(end)).toString('base64url') } : {},
  };
}
