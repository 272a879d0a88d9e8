import type { Stack } from '../../local/stack.js';

/** A function of the stack's world or hub, by account, Region and name. */
export interface FunctionRef {
  accountId: string;
  region: string;
  functionName: string;
}

/**
 * Initialises `count` execution environments of a function before a benchmark, as provisioned
 * concurrency would: init only, one after the other (none near the 10 s init limit), no invocation,
 * so the first invocations still run the handler's code for the first time, as in a provisioned
 * Lambda environment. The stack's cap on environments per function bounds `count`.
 */
export async function warmFunction(stack: Stack, fn: FunctionRef, count: number): Promise<void> {
  await stack.runtime.provision(fn, count);
}

/** One initialised environment for each of these functions. */
export async function warmEach(stack: Stack, functions: readonly FunctionRef[]): Promise<void> {
  for (const fn of functions) await stack.runtime.provision(fn, 1);
}
