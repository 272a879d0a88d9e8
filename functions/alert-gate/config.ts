import { ConfigurationError } from '../shared/errors.js';

/**
 * Reads ALERT_WINDOW_MINUTES (hub parameter alertWindowMinutes): how long after an alert the same
 * account, function and error only count instead of paging again. 0 alerts every failure. Anything
 * but a whole number of minutes is a ConfigurationError: a typo must not silence the alerts.
 */
export function loadAlertWindowMinutes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ALERT_WINDOW_MINUTES?.trim() ?? '';
  if (raw === '') return 60;
  const minutes = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(minutes)) {
    throw new ConfigurationError(
      `Environment variable ALERT_WINDOW_MINUTES is "${raw}"; expected a whole number of minutes (0 alerts every failure).`,
    );
  }
  return minutes;
}
