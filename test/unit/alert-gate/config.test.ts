import { describe, expect, it } from 'vitest';
import { loadAlertWindowMinutes } from '../../../functions/alert-gate/config.js';

describe('loadAlertWindowMinutes', () => {
  it('reads whole minutes, 0 included, and defaults to an hour', () => {
    expect(loadAlertWindowMinutes({ ALERT_WINDOW_MINUTES: '15' })).toBe(15);
    expect(loadAlertWindowMinutes({ ALERT_WINDOW_MINUTES: '0' })).toBe(0);
    expect(loadAlertWindowMinutes({})).toBe(60);
  });

  it.each(['-5', '1.5', 'sixty', '1e3'])('refuses %s, as a typo must not silence the alerts', (value) => {
    expect(() => loadAlertWindowMinutes({ ALERT_WINDOW_MINUTES: value })).toThrow(
      expect.objectContaining({ name: 'ConfigurationError' }),
    );
  });
});
