import { readFileSync } from 'node:fs';
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { executionHistory, formatHistory, stepsOf } from '../../../ops/history.js';

const sfnMock = mockClient(SFNClient);
const sfn = new SFNClient({ region: 'eu-west-1' });
const ARN =
  'arn:aws:states:eu-west-1:111111111111:execution:appflow-connector-registrar-prod-register-connector:e-1';

function retriedHistory(): HistoryEvent[] {
  const events = JSON.parse(
    readFileSync(new URL('./fixtures/retried-history.json', import.meta.url), 'utf8'),
  ) as (HistoryEvent & { timestamp: string })[];
  return events.map((event) => ({ ...event, timestamp: new Date(event.timestamp) }));
}

afterEach(() => sfnMock.reset());

describe('stepsOf', () => {
  it('keeps each state entered, each failed attempt with its error and message, each retry, and the end', () => {
    expect(stepsOf(retriedHistory())).toEqual([
      { offsetMs: 0, what: 'started' },
      { offsetMs: 10, state: 'VerifyFunction', what: 'entered' },
      {
        offsetMs: 300,
        state: 'VerifyFunction',
        what: 'attempt 1 failed',
        error: 'FunctionNotReadyError',
        message: 'the function is still being updated; the workflow retries until it is ready.',
      },
      { offsetMs: 5300, state: 'VerifyFunction', what: 'attempt 2' },
      {
        offsetMs: 5600,
        state: 'VerifyFunction',
        what: 'attempt 2 failed',
        error: 'MissingAppFlowPermissionError',
        message: 'AppFlow cannot invoke it: aws lambda add-permission …',
      },
      { offsetMs: 5620, state: 'NotVerified', what: 'entered' },
      { offsetMs: 5630, state: 'RegistrationFailed', what: 'entered' },
      // Its message is the last failed attempt's, printed once.
      { offsetMs: 5640, what: 'execution failed', error: 'MissingAppFlowPermissionError' },
    ]);
  });

  it('prints one step a line, the time since the start first', () => {
    const text = formatHistory(ARN, stepsOf(retriedHistory()));

    expect(text.split('\n')).toEqual([
      ARN,
      '   +0.000s                      started',
      '   +0.010s  VerifyFunction      entered',
      '   +0.300s  VerifyFunction      attempt 1 failed: FunctionNotReadyError: the function is still being updated; the workflow retries until it is ready.',
      '   +5.300s  VerifyFunction      attempt 2',
      '   +5.600s  VerifyFunction      attempt 2 failed: MissingAppFlowPermissionError: AppFlow cannot invoke it: aws lambda add-permission …',
      '   +5.620s  NotVerified         entered',
      '   +5.630s  RegistrationFailed  entered',
      '   +5.640s                      execution failed: MissingAppFlowPermissionError',
    ]);
  });
});

describe('executionHistory', () => {
  it('reads every page of a long history, without execution data', async () => {
    const events = retriedHistory();
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: events.slice(0, 5), nextToken: 'p2' })
      .resolvesOnce({ events: events.slice(5) });

    const steps = await executionHistory(sfn, ARN);

    expect(steps.at(-1)?.what).toBe('execution failed');
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: ARN, maxResults: 1000, includeExecutionData: false },
      { executionArn: ARN, maxResults: 1000, includeExecutionData: false, nextToken: 'p2' },
    ]);
  });
});
