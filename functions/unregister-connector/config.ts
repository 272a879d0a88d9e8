import { ConfigurationError } from '../shared/errors.js';

/** What UnregisterConnector does with a label that connector profiles or flows still use. */
export type InUsePolicy = 'alert' | 'force';

/**
 * Reads UNREGISTER_IN_USE (hub parameter unregisterInUse): `alert` (default) leaves a label in use
 * registered and alerts ConnectorInUseError; `force` unregisters it anyway. Anything else is a
 * ConfigurationError: a typo must not turn forcing on.
 */
export function loadInUsePolicy(env: NodeJS.ProcessEnv = process.env): InUsePolicy {
  const raw = env.UNREGISTER_IN_USE?.trim() ?? '';
  if (raw === '' || raw === 'alert') return 'alert';
  if (raw === 'force') return 'force';
  throw new ConfigurationError(
    `Environment variable UNREGISTER_IN_USE is "${raw}"; expected alert or force (default alert).`,
  );
}
