import type { AppflowClient } from '@aws-sdk/client-appflow';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { emitAlone, METRIC, type Metrics, MetricUnit } from './metrics.js';
import { addPacing, type BudgetScope, type Pacer } from './pacer.js';

/**
 * An SDK middleware that reports each ThrottlingException the SDK absorbed: a throttled attempt
 * counts once the SDK sends the request again. The last attempt's throttle is not absorbed (the
 * invocation fails with it, and is counted under Failures). Its state is per request (the retry
 * middleware hands every attempt of one request the same `args`).
 */
export function absorbedThrottlesMiddleware(
  onAbsorbed: (commandName: string) => void,
): FinalizeRequestMiddleware<object, MetadataBearer> {
  const throttled = new WeakSet<object>();
  return (next, context) => async (args) => {
    if (throttled.delete(args)) onAbsorbed(context.commandName ?? 'unknown');
    try {
      return await next(args);
    } catch (error) {
      if ((error as Error).name === 'ThrottlingException') throttled.add(args);
      throw error;
    }
  };
}

/**
 * What an AppFlow client of a paced client factory gets (paced-clients.ts): the throttle counter
 * when the function reports metrics, then the pacer when pacing is on. Both go right after the
 * SDK's retry middleware, and the one added last runs first: each attempt takes its slot before it
 * counts, so a retry the pacer refuses is not counted as an absorbed throttle.
 *
 * @example createClientFactory({ ...hub, onAppflowClient: (client, target) => instrumentAppflowClient(client, target, { metrics, pace }) });
 */
export function instrumentAppflowClient(
  client: AppflowClient,
  scope: BudgetScope,
  { metrics, pace }: { metrics: Metrics | undefined; pace: Pacer | undefined },
): void {
  if (metrics) countAbsorbedThrottles(client, metrics, scope);
  if (pace) addPacing(client, pace, scope);
}

/**
 * Counts the AppFlow throttles the client's SDK retries absorbed, as AppFlowThrottlesAbsorbed
 * with the account and Region as metadata. Right after the SDK's retry middleware, so it sees
 * every attempt.
 */
export function countAbsorbedThrottles(client: AppflowClient, metrics: Metrics, scope: BudgetScope): void {
  const middleware = absorbedThrottlesMiddleware((commandName) =>
    emitAlone(metrics, METRIC.appflowThrottlesAbsorbed, MetricUnit.Count, 1, {
      metadata: { accountId: scope.accountId, region: scope.region, command: commandName },
    }),
  );
  client.middlewareStack.addRelativeTo(middleware, {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'appflowThrottlesAbsorbed',
  });
}

/**
 * The pacer, reporting how long each AppFlow request waited for its slot (AppFlowPacerWait, ms):
 * the budget's DynamoDB round trips and the sleep. A request refused a slot is not a wait; it fails
 * with AppFlowRequestBudgetBusyError.
 *
 * @example const pace = timedPacer(createPacer({ ... }), metrics);
 */
export function timedPacer(pace: Pacer, metrics: Metrics, now: () => number = Date.now): Pacer {
  return async (scope: BudgetScope) => {
    const started = now();
    await pace(scope);
    emitAlone(metrics, METRIC.appflowPacerWait, MetricUnit.Milliseconds, now() - started, {
      metadata: { accountId: scope.accountId, region: scope.region },
    });
  };
}
