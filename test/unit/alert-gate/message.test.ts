import { describe, expect, it } from 'vitest';
import { alertMessage, alertSubject } from '../../../functions/alert-gate/message.js';
import { parseOutcomeEvent } from '../../../functions/record-outcome/input.js';
import { eventFixture } from '../record-outcome/helpers.js';

const outcome = (detail: Record<string, unknown> = {}) => {
  const event = eventFixture('failed-event.json');
  return parseOutcomeEvent({ ...event, detail: { ...event.detail, ...detail } }, '111111111111');
};

describe('alertMessage', () => {
  it('words the alert as the rule did, with every field of the failure', () => {
    const message = JSON.parse(alertMessage(outcome(), { folded: 0, windowMinutes: 60 }));

    expect(message).toMatchObject({
      alert: 'The AppFlow connector registrar could not finish',
      event: 'ConnectorRegistrationFailed',
      error: 'MissingAppFlowPermissionError',
      connectorLabel: null,
      lambdaArn: null,
      accountId: '222222222222',
      region: 'eu-west-1',
      folded: 0,
    });
    expect(message.cause).toContain('it has no resource policy');
    expect(message.whatToDo).toMatch(/^Fix the cause/);
    expect(message.window).toContain('next 60 minutes');
  });

  it('writes every value in printable ASCII, so no value breaks or forges a line of the alert', () => {
    const text = alertMessage(outcome({ cause: 'caf\u00e9\n"}, "forged": "\u202e' }), {
      folded: 0,
      windowMinutes: 0,
    });

    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(text).cause).toBe('caf\u00e9\n"}, "forged": "\u202e');
    expect(JSON.parse(text).forged).toBeUndefined();
  });

  it('cuts a value too long to read, saying how long it was', () => {
    const cause = JSON.parse(
      alertMessage(outcome({ cause: 'x'.repeat(20_000) }), { folded: 0, windowMinutes: 0 }),
    ).cause as string;

    expect(cause.length).toBeLessThan(20_000);
    expect(cause.endsWith('...(20000 chars)')).toBe(true);
  });

  it('says how many failures were folded into it and when the last alert went out', () => {
    const message = JSON.parse(
      alertMessage(outcome(), { folded: 49, previousAlertAt: '2025-03-14T12:00:00.000Z', windowMinutes: 60 }),
    );

    expect(message.folded).toBe(49);
    expect(message.foldedNote).toMatch(
      /^49 more failures of this account, function and error were folded since the last alert at 2025-03-14T12:00:00.000Z/,
    );
  });
});

describe('alertSubject', () => {
  it('names the error, account and Region in printable ASCII within SNS limit', () => {
    expect(alertSubject(outcome())).toBe(
      'Registrar: MissingAppFlowPermissionError in 222222222222 eu-west-1',
    );
    const long = alertSubject(outcome({ error: `\u00e9${'E'.repeat(500)}` }));
    expect(long).toMatch(/^[\x20-\x7e]{1,100}$/);
  });
});
