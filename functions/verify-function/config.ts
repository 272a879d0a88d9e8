import { ConfigurationError } from '../shared/errors.js';

/** Settings of VerifyFunction beyond the hub's, read once at module scope. */
export interface VerifyConfig {
  /** How long the probe waits for the connector; AppFlow itself allows 10 s. */
  probeTimeoutMs: number;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/**
 * Reads PROBE_TIMEOUT_MS (default 10000), failing with a ConfigurationError that names the
 * variable when it is malformed.
 */
export function loadVerifyConfig(env: NodeJS.ProcessEnv = process.env): VerifyConfig {
  const rawTimeout = env.PROBE_TIMEOUT_MS?.trim();
  const probeTimeoutMs = rawTimeout ? Number(rawTimeout) : DEFAULT_PROBE_TIMEOUT_MS;
  if (!Number.isInteger(probeTimeoutMs) || probeTimeoutMs <= 0) {
    throw new ConfigurationError(
      `Environment variable PROBE_TIMEOUT_MS is "${rawTimeout}"; expected a positive whole number of milliseconds (default ${DEFAULT_PROBE_TIMEOUT_MS}).`,
    );
  }
  return { probeTimeoutMs };
}
