import { describe, expect, it } from 'vitest';
import { parseOutcomeEvent } from '../../../functions/record-outcome/input.js';
import { InvalidInputError } from '../../../functions/shared/errors.js';
import { eventFixture } from './helpers.js';

const HUB = '111111111111';

describe('parseOutcomeEvent', () => {
  describe('an outcome event of the hub', () => {
    it('keeps the detail the inventory reads, and the detail as published', () => {
      const event = eventFixture('failed-event.json');

      expect(parseOutcomeEvent(event, HUB)).toEqual({
        id: event.id,
        account: HUB,
        detailType: 'ConnectorRegistrationFailed',
        detail: {
          error: 'MissingAppFlowPermissionError',
          cause: event.detail.cause,
          connectorLabel: null,
          lambdaArn: null,
          accountId: '222222222222',
          region: 'eu-west-1',
          executionArn: event.detail.executionArn,
        },
        published: event.detail,
      });
    });

    it("reads the lifecycle's ConnectorUnregistered and its reason", () => {
      const parsed = parseOutcomeEvent(eventFixture('unregistered-event.json'), HUB);

      expect(parsed.detailType).toBe('ConnectorUnregistered');
      expect(parsed.detail).toMatchObject({ reason: 'deleted', connectorLabel: 'sales-connector' });
    });
  });

  describe('an event that is not an outcome of the hub', () => {
    const withFields = (fields: Record<string, unknown>) => ({
      ...eventFixture('failed-event.json'),
      ...fields,
    });
    const withDetail = (fields: Record<string, unknown>) => {
      const event = eventFixture('failed-event.json');
      return { ...event, detail: { ...event.detail, ...fields } };
    };

    it.each([
      ['not an object', 'text', /must be a JSON object/],
      ['another source', withFields({ source: 'ci.pipeline' }), /^source is "ci.pipeline"/],
      ['put by a member account', withFields({ account: '222222222222' }), /not by the hub \(111111111111\)/],
      ['another detail-type', withFields({ 'detail-type': 'Connector Lambda Deployed' }), /detail-type/],
      ['an account that is not 12 digits', withDetail({ accountId: '2222' }), /detail.accountId/],
      ['a Region that is not one', withDetail({ region: '../default' }), /detail.region/],
      ['no execution', withDetail({ executionArn: 'x' }), /detail.executionArn/],
    ])('refuses %s with InvalidInputError naming it', (_, event, message) => {
      expect(() => parseOutcomeEvent(event, HUB)).toThrow(InvalidInputError);
      expect(() => parseOutcomeEvent(event, HUB)).toThrow(message);
    });
  });
});
