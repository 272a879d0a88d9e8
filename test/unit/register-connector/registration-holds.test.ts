import { Logger } from '@aws-lambda-powertools/logger';
import { AppflowClient, DescribeConnectorCommand } from '@aws-sdk/client-appflow';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registrationHolds } from '../../../functions/register-connector/registration-holds.js';
import { appflowError, describeAnswer, registerInput } from './helpers.js';

const appflowMock = mockClient(AppflowClient);
const appflow = new AppflowClient({ region: 'eu-west-1' });
let log: Logger;

beforeEach(() => {
  log = new Logger();
  vi.spyOn(log, 'info').mockImplementation(() => undefined);
  vi.spyOn(log, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  appflowMock.reset();
});

describe('registrationHolds', () => {
  it('holds while the label points at this function, asking for the custom connector by label', async () => {
    appflowMock
      .on(DescribeConnectorCommand)
      .resolves(describeAnswer('describe-connector-same-function.json'));

    await expect(registrationHolds(registerInput(), appflow, log)).resolves.toBe(true);
    expect(appflowMock).toHaveReceivedCommandWith(DescribeConnectorCommand, {
      connectorType: 'CustomConnector',
      connectorLabel: registerInput().connectorLabel,
    });
  });

  it('holds when AppFlow names the function by a qualified ARN', async () => {
    appflowMock.on(DescribeConnectorCommand).resolves(
      describeAnswer('describe-connector-same-function.json', {
        lambdaArn: `${registerInput().lambdaArn}:$LATEST`,
      }),
    );

    await expect(registrationHolds(registerInput(), appflow, log)).resolves.toBe(true);
  });

  it('does not hold once the connector is unregistered', async () => {
    appflowMock.on(DescribeConnectorCommand).rejects(appflowError('ResourceNotFoundException'));

    await expect(registrationHolds(registerInput(), appflow, log)).resolves.toBe(false);
  });

  it('does not hold when the label points at another function, or at none AppFlow names', async () => {
    appflowMock
      .on(DescribeConnectorCommand)
      .resolves(describeAnswer('describe-connector-other-function.json'));
    await expect(registrationHolds(registerInput(), appflow, log)).resolves.toBe(false);

    appflowMock
      .on(DescribeConnectorCommand)
      .resolves(describeAnswer('describe-connector-same-function.json', { lambdaArn: null }));
    await expect(registrationHolds(registerInput(), appflow, log)).resolves.toBe(false);
  });

  it('does not hold when the registered description differs from the tag', async () => {
    appflowMock
      .on(DescribeConnectorCommand)
      .resolves(
        describeAnswer('describe-connector-same-function.json', { description: 'Before the tag changed' }),
      );

    await expect(registrationHolds(registerInput(), appflow, log)).resolves.toBe(false);
  });

  it("holds whatever AppFlow's description when the function has no description tag", async () => {
    appflowMock
      .on(DescribeConnectorCommand)
      .resolves(describeAnswer('describe-connector-same-function.json', { description: 'Set by hand' }));

    await expect(registrationHolds(registerInput({ description: null }), appflow, log)).resolves.toBe(true);
  });

  it.each(['ThrottlingException', 'InternalServerException', 'AccessDeniedException'] as const)(
    'rethrows %s: nothing can be concluded from it',
    async (name) => {
      appflowMock.on(DescribeConnectorCommand).rejects(appflowError(name));

      await expect(registrationHolds(registerInput(), appflow, log)).rejects.toMatchObject({ name });
    },
  );
});
