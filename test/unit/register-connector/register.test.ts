import { Logger } from '@aws-lambda-powertools/logger';
import {
  AppflowClient,
  DescribeConnectorCommand,
  RegisterConnectorCommand,
  UpdateConnectorRegistrationCommand,
} from '@aws-sdk/client-appflow';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clientTokenFor } from '../../../functions/register-connector/idempotency.js';
import { registerConnector } from '../../../functions/register-connector/register.js';
import { LabelOwnedByAnotherFunctionError } from '../../../functions/shared/errors.js';
import { APPFLOW_EXCEPTION_NAMES, appflowError, describeAnswer, fixture, registerInput } from './helpers.js';

const appflowMock = mockClient(AppflowClient);
const appflow = new AppflowClient({ region: 'eu-west-1' });

const registered = fixture<{ connectorArn: string }>('register-connector-response.json');
const updated = fixture<{ connectorArn: string }>('update-connector-registration-response.json');

let log: Logger;
let info: ReturnType<typeof vi.spyOn>;
let warn: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  log = new Logger();
  info = vi.spyOn(log, 'info').mockImplementation(() => undefined);
  warn = vi.spyOn(log, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  appflowMock.reset();
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the call succeeded');
}

describe('registerConnector', () => {
  describe('when the label is free', () => {
    it('registers the Lambda with the deterministic clientToken and answers registered', async () => {
      const input = registerInput();
      appflowMock.on(RegisterConnectorCommand).resolves(registered);

      const output = await registerConnector(input, appflow, log);

      expect(appflowMock).toHaveReceivedCommandExactlyOnceWith(RegisterConnectorCommand, {
        connectorLabel: input.connectorLabel,
        description: input.description ?? undefined,
        connectorProvisioningType: 'LAMBDA',
        connectorProvisioningConfig: { lambda: { lambdaArn: input.lambdaArn } },
        clientToken: clientTokenFor('RegisterConnector', input),
      });
      expect(output).toEqual({
        connectorArn: registered.connectorArn,
        connectorLabel: input.connectorLabel,
        lambdaArn: input.lambdaArn,
        accountId: input.accountId,
        region: input.region,
        action: 'registered',
        codeSha256: input.codeSha256,
      });
      expect(appflowMock).not.toHaveReceivedCommand(DescribeConnectorCommand);
    });

    it('omits the description when the function has none', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves(registered);

      await registerConnector(registerInput({ description: null }), appflow, log);

      const sent = appflowMock.commandCalls(RegisterConnectorCommand)[0]?.args[0].input;
      expect(sent).toBeDefined();
      expect(sent).not.toHaveProperty('description');
    });

    it('logs the call with action, connectorArn and the token prefix', async () => {
      const input = registerInput();
      appflowMock.on(RegisterConnectorCommand).resolves(registered);

      await registerConnector(input, appflow, log);

      expect(info).toHaveBeenCalledTimes(1);
      expect(info).toHaveBeenCalledWith(expect.stringContaining('RegisterConnector'), {
        action: 'registered',
        connectorArn: registered.connectorArn,
        clientToken: clientTokenFor('RegisterConnector', input).slice(0, 20),
      });
    });

    it('fails loudly when AppFlow answers without a connectorArn', async () => {
      appflowMock.on(RegisterConnectorCommand).resolves({});

      const error = await rejectionOf(registerConnector(registerInput(), appflow, log));

      expect(error.message).toMatch(/RegisterConnector answered without a connectorArn/);
    });
  });

  describe('when AppFlow refuses the registration', () => {
    const rethrown = APPFLOW_EXCEPTION_NAMES.filter((name) => name !== 'ConflictException');

    it('covers every exception but ConflictException', () => {
      expect(rethrown).toHaveLength(8);
    });

    it.each(rethrown)('rethrows %s unchanged for the state machine', async (name) => {
      const thrown = appflowError(name);
      appflowMock.on(RegisterConnectorCommand).rejects(thrown);

      const error = await rejectionOf(registerConnector(registerInput(), appflow, log));

      expect(error).toBe(thrown);
      expect(error.name).toBe(name);
      expect(appflowMock).not.toHaveReceivedCommand(DescribeConnectorCommand);
      expect(appflowMock).not.toHaveReceivedCommand(UpdateConnectorRegistrationCommand);
    });
  });

  describe('when the label is already registered (ConflictException)', () => {
    beforeEach(() => {
      appflowMock.on(RegisterConnectorCommand).rejects(appflowError('ConflictException'));
    });

    it('looks the label up as a custom connector', async () => {
      appflowMock
        .on(DescribeConnectorCommand)
        .resolves(describeAnswer('describe-connector-same-function.json'));
      appflowMock.on(UpdateConnectorRegistrationCommand).resolves(updated);
      const input = registerInput();

      await registerConnector(input, appflow, log);

      expect(appflowMock).toHaveReceivedCommandExactlyOnceWith(DescribeConnectorCommand, {
        connectorType: 'CustomConnector',
        connectorLabel: input.connectorLabel,
      });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('already registered'), expect.any(Object));
    });

    it('updates a registration of the same Lambda made before the code changed', async () => {
      // Registered 2024-04-01, code changed 2024-05-01 (the input's lastModified).
      appflowMock
        .on(DescribeConnectorCommand)
        .resolves(describeAnswer('describe-connector-same-function.json'));
      // A distinct ARN shows the output takes the Update answer's, not DescribeConnector's.
      appflowMock
        .on(UpdateConnectorRegistrationCommand)
        .resolves({ connectorArn: `${updated.connectorArn}-u` });
      const input = registerInput();

      const output = await registerConnector(input, appflow, log);

      expect(appflowMock).toHaveReceivedCommandExactlyOnceWith(UpdateConnectorRegistrationCommand, {
        connectorLabel: input.connectorLabel,
        description: input.description ?? undefined,
        connectorProvisioningConfig: { lambda: { lambdaArn: input.lambdaArn } },
        clientToken: clientTokenFor('UpdateConnectorRegistration', input),
      });
      expect(output).toMatchObject({ action: 'updated', connectorArn: `${updated.connectorArn}-u` });
      expect(info).toHaveBeenLastCalledWith(expect.stringContaining('UpdateConnectorRegistration'), {
        action: 'updated',
        connectorArn: `${updated.connectorArn}-u`,
        clientToken: clientTokenFor('UpdateConnectorRegistration', input).slice(0, 20),
        previouslyRegisteredAt: '2024-04-01T08:00:00.000Z',
      });
    });

    it("falls back to DescribeConnector's connectorArn when the update answers without one", async () => {
      const described = describeAnswer('describe-connector-same-function.json');
      appflowMock.on(DescribeConnectorCommand).resolves(described);
      appflowMock.on(UpdateConnectorRegistrationCommand).resolves({});

      const output = await registerConnector(registerInput(), appflow, log);

      expect(output).toMatchObject({
        action: 'updated',
        connectorArn: described.connectorConfiguration?.connectorArn,
      });
    });

    it('updates a fresh registration whose description differs', async () => {
      const answer = describeAnswer('describe-connector-same-function.json', {
        registeredAt: '2024-06-01T00:00:00.000Z',
        description: 'An older description',
      });
      appflowMock.on(DescribeConnectorCommand).resolves(answer);
      appflowMock.on(UpdateConnectorRegistrationCommand).resolves(updated);

      const output = await registerConnector(registerInput(), appflow, log);

      expect(output.action).toBe('updated');
      expect(appflowMock).toHaveReceivedCommandTimes(UpdateConnectorRegistrationCommand, 1);
    });

    it('leaves a registration made after the code changed, with the same description, unchanged', async () => {
      const described = describeAnswer('describe-connector-same-function.json', {
        registeredAt: '2024-06-01T00:00:00.000Z',
      });
      appflowMock.on(DescribeConnectorCommand).resolves(described);

      const output = await registerConnector(registerInput(), appflow, log);

      expect(output).toMatchObject({
        action: 'unchanged',
        connectorArn: described.connectorConfiguration?.connectorArn,
      });
      expect(appflowMock).not.toHaveReceivedCommand(UpdateConnectorRegistrationCommand);
      expect(info).toHaveBeenLastCalledWith(expect.stringContaining('nothing to do'), {
        action: 'unchanged',
        connectorArn: described.connectorConfiguration?.connectorArn,
        registeredAt: '2024-06-01T00:00:00.000Z',
      });
    });

    it('counts a registration made at the very moment of lastModified as fresh', async () => {
      const answer = describeAnswer('describe-connector-same-function.json', {
        registeredAt: '2024-05-01T12:00:00.000Z',
      });
      appflowMock.on(DescribeConnectorCommand).resolves(answer);

      const output = await registerConnector(registerInput(), appflow, log);

      expect(output.action).toBe('unchanged');
    });

    it('leaves the description alone when the function has none', async () => {
      const answer = describeAnswer('describe-connector-same-function.json', {
        registeredAt: '2024-06-01T00:00:00.000Z',
      });
      appflowMock.on(DescribeConnectorCommand).resolves(answer);

      const output = await registerConnector(registerInput({ description: null }), appflow, log);

      expect(output.action).toBe('unchanged');
    });

    it('omits the description from the update when the function has none', async () => {
      appflowMock
        .on(DescribeConnectorCommand)
        .resolves(describeAnswer('describe-connector-same-function.json'));
      appflowMock.on(UpdateConnectorRegistrationCommand).resolves(updated);

      await registerConnector(registerInput({ description: null }), appflow, log);

      const sent = appflowMock.commandCalls(UpdateConnectorRegistrationCommand)[0]?.args[0].input;
      expect(sent).toBeDefined();
      expect(sent).not.toHaveProperty('description');
    });

    it('recognises a registration that names a version of the same Lambda', async () => {
      const input = registerInput();
      appflowMock
        .on(DescribeConnectorCommand)
        .resolves(
          describeAnswer('describe-connector-same-function.json', { lambdaArn: `${input.lambdaArn}:7` }),
        );
      appflowMock.on(UpdateConnectorRegistrationCommand).resolves(updated);

      const output = await registerConnector(input, appflow, log);

      expect(output.action).toBe('updated');
    });

    it('refuses a label held by another Lambda, naming both, and updates nothing', async () => {
      const described = describeAnswer('describe-connector-other-function.json');
      appflowMock.on(DescribeConnectorCommand).resolves(described);
      const input = registerInput();

      const error = await rejectionOf(registerConnector(input, appflow, log));

      expect(error).toBeInstanceOf(LabelOwnedByAnotherFunctionError);
      expect(error.name).toBe('LabelOwnedByAnotherFunctionError');
      expect(error.message).toContain(input.lambdaArn);
      expect(error.message).toContain(
        described.connectorConfiguration?.connectorProvisioningConfig?.lambda?.lambdaArn,
      );
      expect(error.message).toMatch(/another label/);
      expect(error.message).toMatch(/unregister/);
      expect(appflowMock).not.toHaveReceivedCommand(UpdateConnectorRegistrationCommand);
    });

    it('refuses a label whose registration names no Lambda', async () => {
      const answer = describeAnswer('describe-connector-same-function.json', { lambdaArn: null });
      appflowMock.on(DescribeConnectorCommand).resolves(answer);

      const error = await rejectionOf(registerConnector(registerInput(), appflow, log));

      expect(error.name).toBe('LabelOwnedByAnotherFunctionError');
      expect(appflowMock).not.toHaveReceivedCommand(UpdateConnectorRegistrationCommand);
    });

    it('refuses a function of the same name in another account', async () => {
      const answer = describeAnswer('describe-connector-same-function.json', {
        lambdaArn: 'arn:aws:lambda:eu-west-1:222222222222:function:healthy-connector',
      });
      appflowMock.on(DescribeConnectorCommand).resolves(answer);

      const error = await rejectionOf(registerConnector(registerInput(), appflow, log));

      expect(error.name).toBe('LabelOwnedByAnotherFunctionError');
    });

    it('rethrows the original ConflictException when the label vanished meanwhile', async () => {
      const conflict = appflowError('ConflictException', 'label taken');
      appflowMock.on(RegisterConnectorCommand).rejects(conflict);
      appflowMock.on(DescribeConnectorCommand).rejects(appflowError('ResourceNotFoundException'));

      const error = await rejectionOf(registerConnector(registerInput(), appflow, log));

      expect(error).toBe(conflict);
      expect(error.name).toBe('ConflictException');
      expect(appflowMock).not.toHaveReceivedCommand(UpdateConnectorRegistrationCommand);
    });

    it('rethrows the ConflictException when DescribeConnector answers no configuration', async () => {
      appflowMock.on(DescribeConnectorCommand).resolves({});

      const error = await rejectionOf(registerConnector(registerInput(), appflow, log));

      expect(error.name).toBe('ConflictException');
    });

    it.each(['ThrottlingException', 'AccessDeniedException'] as const)(
      'rethrows a DescribeConnector %s unchanged',
      async (name) => {
        const thrown = appflowError(name);
        appflowMock.on(DescribeConnectorCommand).rejects(thrown);

        const error = await rejectionOf(registerConnector(registerInput(), appflow, log));

        expect(error).toBe(thrown);
      },
    );

    it.each(['ThrottlingException', 'ConnectorServerException', 'ValidationException'] as const)(
      'rethrows an UpdateConnectorRegistration %s unchanged',
      async (name) => {
        const thrown = appflowError(name);
        appflowMock
          .on(DescribeConnectorCommand)
          .resolves(describeAnswer('describe-connector-same-function.json'));
        appflowMock.on(UpdateConnectorRegistrationCommand).rejects(thrown);

        const error = await rejectionOf(registerConnector(registerInput(), appflow, log));

        expect(error).toBe(thrown);
      },
    );
  });
});
