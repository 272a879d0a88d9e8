import type { DeployedRule, DeployedTarget } from '../../deploy/resources.js';
import { readPath } from '../../events/json-path.js';
import { applyInputTransformer } from '../../events/transform.js';
import { AwsServiceError } from '../../http/errors.js';
import type { RoleRegistry } from '../../iam/roles.js';
import type { BusEvent, Caller } from '../../types.js';
import type { AlertMessage, Delivery, ExecutionStarter, UndeliveredEvent } from './types.js';

/**
 * Delivers matched events to rule targets the way EventBridge does: asynchronously, after PutEvents
 * has answered; retried with exponential backoff and jitter while the error is one EventBridge retries
 * (throttling, 5xx), within the target's RetryPolicy (attempts and event age); then dead-lettered.
 * Errors EventBridge does not retry (the resource does not exist, no permission, bad input) are
 * dead-lettered at once.
 */

export interface DeliveryOptions {
  executions: ExecutionStarter;
  /** The roles targets name: EventBridge assumes a target's role in the rule's account to deliver. */
  roles: RoleRegistry;
  /** Invokes a Lambda target asynchronously as events.amazonaws.com (its resource policy decides). */
  invokeFunction?(
    functionArn: string,
    payload: string,
    invocation: { service: string; sourceAccount: string; sourceArn: string },
  ): Promise<void>;
  /** Forwards an event to another bus (an events target), as the rule's account. */
  forward(targetArn: string, event: BusEvent, caller: Caller): Promise<void>;
  onAlert(alert: AlertMessage): void;
  onDeadLetter(deadLetter: UndeliveredEvent): void;
  /** Multiplies retry waits and the event-age limit: 1 = AWS timing. */
  timeScale: number;
  now: () => Date;
  random: () => number;
  maxDeliveries: number;
}

/** The target could not be invoked; `retryable` says whether EventBridge would try again. */
class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

const RETRYABLE_CODES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerException',
  'ExecutionLimitExceeded',
]);

function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof AwsServiceError) {
    return new DeliveryError(
      error.code,
      error.message,
      error.status >= 500 || RETRYABLE_CODES.has(error.code),
    );
  }
  return new DeliveryError('InternalFailure', (error as Error)?.message ?? String(error), true);
}

/** The action EventBridge performs on a target of this kind, as the target's role must allow it. */
const TARGET_ACTIONS: Partial<Record<DeployedTarget['kind'], string>> = {
  states: 'states:StartExecution',
  events: 'events:PutEvents',
};

/**
 * The credentials EventBridge delivers with: the target's role, assumed as events.amazonaws.com on
 * behalf of the rule (its trust policy sees aws:SourceAccount and aws:SourceArn), whose policies must
 * allow the action on the target. A target without a role is delivered by the service itself.
 */
function ruleCaller(roles: RoleRegistry, rule: DeployedRule, target: DeployedTarget): Caller {
  const account = rule.arn.split(':')[4] ?? '';
  if (target.roleArn === undefined) {
    return { accountId: account, principalArn: 'events.amazonaws.com', awsService: true };
  }
  const role = roles.get(target.roleArn);
  const refusal =
    role === undefined
      ? `the role ${target.roleArn} does not exist`
      : roles.whyNotAssumable(role, {
          principal: { kind: 'service', service: 'events.amazonaws.com' },
          context: { 'aws:SourceAccount': account, 'aws:SourceArn': rule.arn },
        });
  if (refusal !== undefined) {
    throw new DeliveryError(
      'AccessDeniedException',
      `EventBridge cannot assume the target's role: ${refusal}`,
      false,
    );
  }
  const caller: Caller = {
    accountId: account,
    principalArn: `arn:aws:sts::${account}:assumed-role/${role?.name}/EventBridge`,
    roleArn: target.roleArn,
  };
  const action = TARGET_ACTIONS[target.kind];
  if (action !== undefined && !roles.identityAllows(caller, action, target.arn)) {
    throw new DeliveryError(
      'AccessDeniedException',
      `${caller.principalArn} is not authorized to perform: ${action} on resource: ${target.arn}`,
      false,
    );
  }
  return caller;
}

export class Deliverer {
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: DeliveryOptions) {}

  /** Schedules delivery of an event to one target of a rule; returns at once, like PutEvents. */
  deliver(rule: DeployedRule, target: DeployedTarget, event: BusEvent, receivedAt: Date): void {
    const delivery: Delivery = {
      ruleName: rule.name,
      ruleArn: rule.arn,
      targetId: target.id,
      targetArn: target.arn,
      eventId: event.id,
      status: 'pending',
      attempts: 0,
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > this.options.maxDeliveries) this.deliveries.shift();
    const run = this.attempt(rule, target, event, receivedAt, delivery);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** True while a delivery (or its retry) is pending. */
  busy(): boolean {
    return this.inFlight.size > 0;
  }

  /** Resolves when every scheduled delivery (retries included) has ended. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops retrying: pending deliveries end as they are. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async attempt(
    rule: DeployedRule,
    target: DeployedTarget,
    event: BusEvent,
    receivedAt: Date,
    delivery: Delivery,
  ): Promise<void> {
    // PutEvents answers before any target is invoked.
    await new Promise((resolve) => setImmediate(resolve));
    const { maximumRetryAttempts, maximumEventAgeInSeconds } = target.retryPolicy;
    let failure: DeliveryError | undefined;
    let exhausted: UndeliveredEvent['exhaustedRetryCondition'];
    while (!this.closed) {
      delivery.attempts++;
      try {
        const input = this.inputOf(rule, target, event, receivedAt);
        await this.invoke(rule, target, event, input, delivery);
        delivery.status = 'delivered';
        delete delivery.errorCode;
        delete delivery.errorMessage;
        return;
      } catch (error) {
        failure = asDeliveryError(error);
        delivery.errorCode = failure.code;
        delivery.errorMessage = failure.message;
      }
      if (!failure.retryable) break;
      if (delivery.attempts > maximumRetryAttempts) {
        exhausted = 'MaximumRetryAttempts';
        break;
      }
      const waitMs = this.backoffMs(delivery.attempts);
      const ageSeconds =
        (this.options.now().getTime() + waitMs - receivedAt.getTime()) / 1000 / this.options.timeScale;
      if (ageSeconds > maximumEventAgeInSeconds) {
        exhausted = 'MaximumEventAgeInSeconds';
        break;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, waitMs);
        this.timers.add(timer);
      });
    }
    if (failure === undefined) return;
    delivery.status = 'dead-lettered';
    this.options.onDeadLetter({
      kind: 'undelivered-event',
      ...(target.deadLetterArn !== undefined ? { queueArn: target.deadLetterArn } : {}),
      ruleArn: rule.arn,
      targetArn: target.arn,
      errorCode: failure.code,
      errorMessage: failure.message,
      ...(exhausted !== undefined ? { exhaustedRetryCondition: exhausted } : {}),
      attempts: delivery.attempts,
      event,
      at: this.options.now().toISOString(),
    });
  }

  /** EventBridge's backoff: doubling from 1 s up to a minute, with jitter, scaled. */
  private backoffMs(attempt: number): number {
    const base = Math.min(60, 2 ** (attempt - 1));
    return base * (0.5 + this.options.random() / 2) * 1000 * this.options.timeScale;
  }

  private inputOf(rule: DeployedRule, target: DeployedTarget, event: BusEvent, receivedAt: Date): string {
    if (target.input !== undefined) return target.input;
    if (target.inputPath !== undefined) {
      const found = readPath(event, target.inputPath);
      return found.found ? JSON.stringify(found.value) : 'null';
    }
    if (target.inputTransformer !== undefined) {
      try {
        return applyInputTransformer(target.inputTransformer, event, {
          ruleName: rule.name,
          ruleArn: rule.arn,
          ingestionTime: receivedAt.toISOString(),
        });
      } catch (error) {
        throw new DeliveryError('InputTransformationFailed', (error as Error).message, false);
      }
    }
    return JSON.stringify(event);
  }

  private async invoke(
    rule: DeployedRule,
    target: DeployedTarget,
    event: BusEvent,
    input: string,
    delivery: Delivery,
  ): Promise<void> {
    const caller = ruleCaller(this.options.roles, rule, target);
    switch (target.kind) {
      case 'states': {
        const { executionArn } = await this.options.executions.startExecution(
          { stateMachineArn: target.arn, input },
          caller,
        );
        delivery.executionArn = executionArn;
        return;
      }
      case 'sns':
        this.options.onAlert({
          topicArn: target.arn,
          message: input,
          ruleName: rule.name,
          ruleArn: rule.arn,
          eventId: event.id,
          publishedBy: rule.arn,
          publishedAt: this.options.now().toISOString(),
        });
        return;
      case 'events':
        await this.options.forward(target.arn, event, caller);
        return;
      case 'lambda':
        if (this.options.invokeFunction === undefined) {
          throw new DeliveryError('UnsupportedTarget', `No Lambda service delivers to ${target.arn}.`, false);
        }
        await this.options.invokeFunction(target.arn, input, {
          service: 'events.amazonaws.com',
          sourceAccount: caller.accountId,
          sourceArn: rule.arn,
        });
        return;
      default:
        throw new DeliveryError(
          'UnsupportedTarget',
          `The local stack does not deliver to ${target.kind} targets (${target.arn}); only state machines, SNS topics and event buses.`,
          false,
        );
    }
  }
}
