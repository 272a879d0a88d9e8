/**
 * The hub parameter alertWindowMinutes at 0, as functionEnvironment: every failure alerts. For the
 * suites that check each failing execution's own alert; folding a flood into one alert is
 * test/e2e/alert-flood.test.ts's subject, at the default window.
 */
export const EVERY_FAILURE_ALERTS: Readonly<Record<string, string>> = { ALERT_WINDOW_MINUTES: '0' };
