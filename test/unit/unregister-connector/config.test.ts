import { describe, expect, it } from 'vitest';
import { loadInUsePolicy } from '../../../functions/unregister-connector/config.js';

describe('loadInUsePolicy', () => {
  it('defaults to alert', () => {
    expect(loadInUsePolicy({})).toBe('alert');
    expect(loadInUsePolicy({ UNREGISTER_IN_USE: ' ' })).toBe('alert');
  });

  it.each(['alert', 'force'])('reads %s', (value) => {
    expect(loadInUsePolicy({ UNREGISTER_IN_USE: value })).toBe(value);
  });

  it.each(['Force', 'true', 'yes'])('refuses %s, naming the variable: a typo must not force', (value) => {
    expect(() => loadInUsePolicy({ UNREGISTER_IN_USE: value })).toThrow(
      expect.objectContaining({
        name: 'ConfigurationError',
        message: expect.stringContaining('UNREGISTER_IN_USE'),
      }),
    );
  });
});
