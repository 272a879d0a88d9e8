import { ConfigurationError } from './errors.js';

/** The AppFlow request budget's settings, read once at module scope by every function that calls AppFlow. */
export interface PacerConfig {
  /** AppFlow requests per second per account and Region; 0 turns pacing off. */
  appflowRequestsPerSecond: number;
  /** Longest an invocation waits for its slot before the state machine retries it later. */
  pacerMaxWaitMs: number;
}

/**
 * Reads APPFLOW_REQUESTS_PER_SECOND (default 5: AppFlow publishes no rate for these
 * APIs, so the default stays modest) and APPFLOW_PACER_MAX_WAIT_MS (default 20000, inside the
 * functions' timeout), naming the variable when one is malformed.
 */
export function loadPacerConfig(env: NodeJS.ProcessEnv = process.env): PacerConfig {
  return {
    appflowRequestsPerSecond: number(env, 'APPFLOW_REQUESTS_PER_SECOND', 5),
    pacerMaxWaitMs: number(env, 'APPFLOW_PACER_MAX_WAIT_MS', 20_000),
  };
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(
      `Environment variable ${name} is "${raw}"; expected a number ≥ 0 (default ${fallback}).`,
    );
  }
  return value;
}
