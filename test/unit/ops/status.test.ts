import { describe, expect, it } from 'vitest';
import { formatStatus, type StatusLine } from '../../../ops/status.js';

const NOW = new Date('2025-03-14T12:00:00.000Z');
const line = (fields: Partial<StatusLine>): StatusLine => ({
  accountId: '222222222222',
  region: 'eu-west-1',
  connectorLabel: 'sales-connector',
  functionName: 'sales-connector',
  outcome: 'registered',
  action: 'registered',
  at: '2025-03-14T11:59:00.000Z',
  error: null,
  message: null,
  connectorAccountTold: true,
  connectorAccountError: null,
  executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:m:e-1',
  ...fields,
});

describe('formatStatus', () => {
  it('ends a failure’s line with its error and the message the alert carried', () => {
    const text = formatStatus(
      {
        lines: [
          line({}),
          line({
            accountId: '333333333333',
            connectorLabel: null,
            functionName: 'finance-connector',
            outcome: 'failed',
            action: null,
            error: 'ConnectorProtocolError',
            message: 'Fix the connector and deploy it again.',
          }),
        ],
        failed: 1,
      },
      NOW,
    );

    expect(text.split('\n')).toEqual([
      'account       Region     label            function           outcome     action      when     told  error and fix',
      '------------  ---------  ---------------  -----------------  ----------  ----------  -------  ----  -------------',
      '222222222222  eu-west-1  sales-connector  sales-connector    registered  registered  60s ago  yes',
      '333333333333  eu-west-1  -                finance-connector  failed      -           60s ago  yes   ConnectorProtocolError: Fix the connector and deploy it again.',
      '',
      '2 connectors, 1 failed.',
    ]);
  });

  it('says which connector accounts were not told, and what their spoke stack lacks', () => {
    const text = formatStatus(
      {
        lines: [
          line({ connectorAccountTold: false, connectorAccountError: 'AccessDeniedException: no policy' }),
        ],
        failed: 0,
      },
      NOW,
    );

    expect(text).toMatch(/ no\s*$/m);
    expect(text.split('\n').at(-1)).toBe(
      '1 connector account was not told (first: 222222222222/eu-west-1: AccessDeniedException: no policy); update their spoke stack with HubOutcomeRoleArns (spoke/README.md).',
    );
  });

  it('says when nothing matches', () => {
    expect(formatStatus({ lines: [], failed: 0 }, NOW)).toBe(
      'No connector matches: no outcome was recorded for one yet.',
    );
  });
});
