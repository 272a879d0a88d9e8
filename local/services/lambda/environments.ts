import type { DeployedFunction, FunctionRuntime } from '../../types.js';

/** What the local runtime tells about a function's execution environments (LocalFunctionRuntime). */
type ListsEnvironments = FunctionRuntime & {
  environments?: (functionArn: string) => Array<{ id: string; state: string }>;
};

const POLL_MS = 25;

/**
 * Closes the execution environments of a deleted function through the runtime's public seams: idle
 * ones at once; one serving an invocation when that invocation ends (it is let finish: Lambda
 * documents nothing else). The runtime already refuses new invocations, as the function is gone from
 * the registry. Its `crash` is the only way in to end an environment, so each closed one counts there
 * as a crash of the deleted function.
 *
 * @example closeEnvironments(runtime, deletedFunction);
 */
export function closeEnvironments(runtime: FunctionRuntime, fn: DeployedFunction): void {
  const listing = runtime as ListsEnvironments;
  if (typeof listing.environments !== 'function') return;
  // An invocation lasts at most the function's timeout; a little more lets it hand back its result.
  const deadline = Date.now() + fn.timeoutSeconds * 1000 + 1000;
  const sweep = (): void => {
    const live = listing.environments?.(fn.arn) ?? [];
    for (const environment of live) if (environment.state === 'idle') runtime.crash(environment.id);
    const busy = live.some((environment) => environment.state !== 'idle');
    if (busy && Date.now() < deadline) setTimeout(sweep, POLL_MS).unref();
  };
  sweep();
}
