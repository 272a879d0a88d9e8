import { ConfigurationError } from '../shared/errors.js';

/** Settings of VerifyFunction beyond the hub's, read once at module scope. */
export interface VerifyConfig {
  /** How long the probe waits for the connector; AppFlow itself allows 10 s. */
  probeTimeoutMs: number;
  /**
   * Whether a pipeline signal's connectorLabel and description may stand in for missing tags. Off:
   * the tags are the only opt-in and a hint may only confirm them. On: anyone who may put events on
   * a bus that reaches the hub can register an untagged function of their account (README, hub
   * parameter allowUntaggedPipelineHints).
   */
  allowUntaggedPipelineHints: boolean;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;

/**
 * Reads PROBE_TIMEOUT_MS (default 10000) and ALLOW_UNTAGGED_PIPELINE_HINTS (true or false, default
 * false), failing with a ConfigurationError that names the variable when one is malformed.
 */
export function loadVerifyConfig(env: NodeJS.ProcessEnv = process.env): VerifyConfig {
  const rawTimeout = env.PROBE_TIMEOUT_MS?.trim();
  const probeTimeoutMs = rawTimeout ? Number(rawTimeout) : DEFAULT_PROBE_TIMEOUT_MS;
  if (!Number.isInteger(probeTimeoutMs) || probeTimeoutMs <= 0) {
    throw new ConfigurationError(
      `Environment variable PROBE_TIMEOUT_MS is "${rawTimeout}"; expected a positive whole number of milliseconds (default ${DEFAULT_PROBE_TIMEOUT_MS}).`,
    );
  }
  return { probeTimeoutMs, allowUntaggedPipelineHints: readSwitch(env, 'ALLOW_UNTAGGED_PIPELINE_HINTS') };
}

// Only the two words serverless.yml's parameter documents: a typo must not open the opt-in.
function readSwitch(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]?.trim() ?? '';
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigurationError(
    `Environment variable ${name} is "${raw}"; expected true or false (default false).`,
  );
}
