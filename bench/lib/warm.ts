import type { Stack } from '../../local/stack.js';

/** A function of the stack's world or hub, by account, Region and name. */
export interface FunctionRef {
  accountId: string;
  region: string;
  functionName: string;
}

/**
 * Initialises `count` execution environments of a function before a benchmark, as provisioned
 * concurrency would: waves of invocations sent together, each wave `wave` larger than the last, so
 * the idle environments serve the first ones and exactly `wave` new ones start per wave (few cold
 * starts at a time, none hitting the 10 s init limit on a loaded machine). The payload is '{}': the
 * registrar's handlers refuse it at once, which is all an initialised environment needs.
 */
export async function warmFunction(stack: Stack, fn: FunctionRef, count: number, wave = 10): Promise<void> {
  for (let size = Math.min(wave, count); ; size = Math.min(size + wave, count)) {
    await Promise.all(Array.from({ length: size }, () => stack.runtime.invoke({ ...fn, payload: '{}' })));
    if (size >= count) return;
  }
}

/** One initialised environment for each of these functions, `wave` at a time. */
export async function warmEach(stack: Stack, functions: readonly FunctionRef[], wave = 10): Promise<void> {
  for (let at = 0; at < functions.length; at += wave) {
    await Promise.all(
      functions.slice(at, at + wave).map((fn) => stack.runtime.invoke({ ...fn, payload: '{}' })),
    );
  }
}
