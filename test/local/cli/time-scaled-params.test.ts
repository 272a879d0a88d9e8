import { describe, expect, it } from 'vitest';
import { timeScaledParams } from '../../../local/cli/time-scaled-params.js';

describe('timeScaledParams', () => {
  it("divides serverless.yml's default pacer rate by the time scale, keeping the other params", () => {
    expect(timeScaledParams({ tracing: 'true' }, 0.01)).toEqual({
      tracing: 'true',
      appflowRequestsPerSecond: '500',
    });
  });

  it('reads the default from serverless.yml', () => {
    expect(timeScaledParams({}, 0.1, 7)).toEqual({ appflowRequestsPerSecond: '70' });
    expect(timeScaledParams({}, 0.5)).toEqual({ appflowRequestsPerSecond: '10' });
  });

  it('leaves a rate the caller set, AWS timing and no pacing as they are', () => {
    expect(timeScaledParams({ appflowRequestsPerSecond: '2' }, 0.01)).toEqual({
      appflowRequestsPerSecond: '2',
    });
    expect(timeScaledParams({}, 1)).toEqual({});
    expect(timeScaledParams({}, 0.01, 0)).toEqual({});
  });
});
