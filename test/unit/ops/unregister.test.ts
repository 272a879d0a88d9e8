import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFunctionArn } from '../../../functions/shared/arn.js';
import { guardFunction } from '../../../functions/shared/guards.js';
import { removalClaimOf } from '../../../functions/shared/removal-signals.js';
import { parseVerifyInput } from '../../../functions/shared/workflow-input.js';
import { describeUnregistration } from '../../../ops/cli/unregister-command.js';
import { startUnregistration, unregistrationOutcomeOf } from '../../../ops/unregister.js';

const sfnMock = mockClient(SFNClient);
const sfn = new SFNClient({ region: 'eu-west-1' });
const MACHINE =
  'arn:aws:states:eu-west-1:111111111111:stateMachine:appflow-connector-registrar-dev-unregister-connector';
const EXECUTION = `${MACHINE.replace(':stateMachine:', ':execution:')}:operator-1`;
const FUNCTION = 'arn:aws:lambda:eu-west-1:222222222222:function:retired-connector';
const hub = { region: 'eu-west-1', unregisterStateMachineArn: MACHINE };
const base = { executionArn: EXECUTION, stateMachineArn: MACHINE, startDate: new Date(), $metadata: {} };

afterEach(() => sfnMock.reset());

describe('startUnregistration', () => {
  it('starts the unregistration workflow with an input VerifyRemoval accepts as a request, named after the operator', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });

    const now = new Date('2026-12-02T07:00:00Z');
    expect(await startUnregistration(sfn, hub, parseFunctionArn(FUNCTION), { now })).toBe(EXECUTION);

    const [call] = sfnMock.commandCalls(StartExecutionCommand);
    const { stateMachineArn, name, input } = call?.args[0].input ?? {};
    expect(stateMachineArn).toBe(MACHINE);
    expect(name).toMatch(/^operator-[0-9a-f-]{36}$/);
    const parsed = JSON.parse(input ?? '{}');
    expect(parsed).toEqual({
      accountId: '222222222222',
      region: 'eu-west-1',
      functionArn: FUNCTION,
      hints: null,
      trigger: {
        kind: 'pipeline',
        eventId: name?.replace('operator-', ''),
        name: 'registrar unregister',
        time: now.toISOString(),
      },
    });
    // What VerifyRemoval does first with it: validate, read the claim, guard the function.
    const verified = parseVerifyInput({ ...parsed, executionArn: EXECUTION });
    expect(removalClaimOf(verified.trigger)).toBe('requested');
    expect(
      guardFunction(verified, { partition: 'aws', allowedAccountIds: [], servedRegions: [] }).lambdaArn,
    ).toBe(FUNCTION);
  });
});

describe('unregistrationOutcomeOf', () => {
  it('reads each label unregistered with its reason, and any left alone', () => {
    const output = JSON.stringify({
      removal: { unregister: true, lambdaArn: FUNCTION, reason: 'deleted' },
      unregistrations: [
        { connectorLabel: 'old', unregistration: { connectorLabel: 'old', reason: 'deleted' } },
        { connectorLabel: 'moved', leftAlone: { Error: 'RegistrationChangedError', Cause: '…' } },
      ],
    });

    const outcome = unregistrationOutcomeOf({ ...base, status: 'SUCCEEDED', output });

    expect(outcome).toEqual({
      executionArn: EXECUTION,
      status: 'SUCCEEDED',
      outcome: 'unregistered',
      connectorLabel: 'old',
      lambdaArn: FUNCTION,
      unregistered: [{ connectorLabel: 'old', reason: 'deleted' }],
      leftAlone: ['moved'],
    });
    expect(describeUnregistration(outcome)).toBe(
      `unregistered old (deleted) ${FUNCTION}; left alone, changed meanwhile: moved`,
    );
  });

  it('reads a skip and says why, plainly', () => {
    const why = `${FUNCTION} carries appflow:connector-label "retired-connector", and no other registration made by the registrar points at it`;
    const output = JSON.stringify({ removal: { unregister: false, lambdaArn: FUNCTION, why } });

    const outcome = unregistrationOutcomeOf({ ...base, status: 'SUCCEEDED', output });

    expect(outcome).toMatchObject({
      outcome: 'skipped',
      lambdaArn: FUNCTION,
      message: why,
      unregistered: [],
    });
    expect(describeUnregistration(outcome)).toBe(`skipped ${FUNCTION} (${why})`);
  });

  it('reads a failure with the message that names the fix', () => {
    const cause = JSON.stringify({
      errorType: 'ConnectorInUseError',
      errorMessage: 'retired-connector is used by connector profile(s) p1',
    });

    const outcome = unregistrationOutcomeOf({
      ...base,
      status: 'FAILED',
      error: 'ConnectorInUseError',
      cause,
    });

    expect(outcome).toMatchObject({ outcome: 'failed', error: 'ConnectorInUseError', unregistered: [] });
    expect(describeUnregistration(outcome)).toBe(
      'failed: ConnectorInUseError: retired-connector is used by connector profile(s) p1',
    );
  });
});
