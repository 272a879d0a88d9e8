/**
 * How long a test or hook may take here: stacks, worker threads and child processes on a shared
 * 2-core machine take seconds when it is idle and several times that when it is loaded.
 */
export const SLOW = 180_000;
