import { AppflowClient } from '@aws-sdk/client-appflow';
import {
  GetFunctionCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ResourceNotReadyException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountClients, Target } from '../../../functions/shared/clients.js';
import {
  AccountMismatchError,
  ConnectorProtocolError,
  FunctionNotReadyError,
  InvalidConnectorMetadataError,
  InvalidInputError,
  MissingAppFlowPermissionError,
} from '../../../functions/shared/errors.js';
import { type VerifyDependencies, verifyFunction } from '../../../functions/verify-function/verify.js';
import {
  CONNECTOR_ARN,
  fakeLogger,
  fixture,
  getFunctionOutput,
  getPolicyOutput,
  invokeOutput,
  rejection,
  verifyConfig,
} from './helpers.js';

const lambdaMock = mockClient(LambdaClient);

let logger: ReturnType<typeof fakeLogger>;
let clientsFor: ReturnType<typeof vi.fn<(target: Target) => AccountClients>>;
let deps: VerifyDependencies;

beforeEach(() => {
  logger = fakeLogger();
  clientsFor = vi.fn((target: Target) => ({
    lambda: new LambdaClient({ region: target.region }),
    appflow: new AppflowClient({ region: target.region }),
    config: { region: target.region },
  }));
  deps = {
    clientsFor,
    hub: { allowedAccountIds: [], servedRegions: [], partition: 'aws' },
    config: verifyConfig,
    logger,
  };
});

afterEach(() => {
  lambdaMock.reset();
});

function healthyConnector(getFunctionFixture = 'get-function-tagged.json'): void {
  lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput(getFunctionFixture));
  lambdaMock.on(GetPolicyCommand).resolves(getPolicyOutput('policy-appflow.json'));
  lambdaMock.on(InvokeCommand).resolves(invokeOutput({ fixture: 'describe-answer.json' }));
}

describe('verifyFunction', () => {
  describe('verifies a tagged connector', () => {
    it('answers the VerifiedConnector the register task needs', async () => {
      healthyConnector();
      // Only what RegisterConnector and the events need: it replaces the signal in the state data.
      await expect(verifyFunction(fixture('input-cloudtrail.json'), deps)).resolves.toEqual({
        optedIn: true,
        accountId: '222222222222',
        region: 'eu-west-1',
        connectorLabel: 'acme-orders',
        description: 'Orders from the Acme ERP',
        lambdaArn: CONNECTOR_ARN,
        codeSha256: 'n7GJ8PZ5Xb3R0S4cV2uW9yQ1kT6mL8dF0hA3jE5iC7o=',
        lastModified: '2026-11-27T08:00:00.000Z',
      });
    });

    it("asks for the clients of the event's account, Region and execution", async () => {
      healthyConnector();
      const event = fixture<{ executionArn: string }>('input-cloudtrail.json');
      await verifyFunction(event, deps);
      expect(clientsFor).toHaveBeenCalledExactlyOnceWith({
        accountId: '222222222222',
        region: 'eu-west-1',
        executionArn: event.executionArn,
      });
    });

    it('reads the function, then its policy, then probes it, always by the unqualified ARN', async () => {
      healthyConnector();
      await verifyFunction(fixture('input-cloudtrail.json'), deps);
      expect(lambdaMock.calls().map((call) => call.args[0].constructor.name)).toEqual([
        'GetFunctionCommand',
        'GetPolicyCommand',
        'InvokeCommand',
      ]);
      for (const call of lambdaMock.calls()) {
        expect(call.args[0].input).toHaveProperty('FunctionName', CONNECTOR_ARN);
      }
    });

    it('logs one info line with the decision and adds the label to every later line', async () => {
      healthyConnector();
      const event = fixture<{ trigger: unknown }>('input-cloudtrail.json');
      await verifyFunction(event, deps);
      expect(logger.appendKeys).toHaveBeenCalledWith({ connectorLabel: 'acme-orders' });
      expect(logger.info).toHaveBeenCalledExactlyOnceWith(
        'Connector verified',
        expect.objectContaining({
          decision: 'verified',
          connectorLabel: 'acme-orders',
          lambdaArn: CONNECTOR_ARN,
          labelSource: 'tag',
          connectorName: 'AcmeOrders',
          connectorVersion: '1.4.0',
          connectorModes: ['SOURCE'],
          functionState: 'Active',
          trigger: event.trigger,
        }),
      );
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('verifies the function behind the version a CloudTrail signal names', async () => {
      healthyConnector();
      const result = await verifyFunction(fixture('input-cloudtrail-published-version.json'), deps);
      expect(result.lambdaArn).toBe(CONNECTOR_ARN);
      expect(lambdaMock).toHaveReceivedCommandWith(GetFunctionCommand, { FunctionName: CONNECTOR_ARN });
      expect(logger.info).toHaveBeenCalledWith(expect.stringContaining('published version'), {
        version: '7',
        lambdaArn: CONNECTOR_ARN,
      });
    });

    it('verifies an untagged function a pipeline named with a label when the hub lets hints fill in', async () => {
      healthyConnector('get-function-untagged.json');
      const open = { ...deps, config: { ...verifyConfig, allowUntaggedPipelineHints: true } };
      await expect(verifyFunction(fixture('input-pipeline.json'), open)).resolves.toMatchObject({
        optedIn: true,
        connectorLabel: 'acme-orders',
        description: 'Orders from the Acme ERP',
      });
      expect(logger.info).toHaveBeenCalledWith(
        'Connector verified',
        expect.objectContaining({ labelSource: 'hint', descriptionSource: 'hint' }),
      );
    });

    it('warns but verifies when the policy has no SourceArn condition', async () => {
      healthyConnector();
      lambdaMock.on(GetPolicyCommand).resolves(getPolicyOutput('policy-appflow-no-source-arn.json'));
      await expect(verifyFunction(fixture('input-cloudtrail.json'), deps)).resolves.toMatchObject({
        optedIn: true,
      });
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('no AWS:SourceArn'),
        expect.objectContaining({ lambdaArn: CONNECTOR_ARN }),
      );
    });
  });

  describe('skips a function that has not opted in', () => {
    it('answers NotOptedIn without checking the policy or probing', async () => {
      healthyConnector('get-function-untagged.json');
      const result = await verifyFunction(fixture('input-cloudtrail.json'), deps);
      expect(result).toEqual({
        optedIn: false,
        lambdaArn: CONNECTOR_ARN,
        reason: expect.stringContaining('no appflow:connector-label tag'),
      });
      expect(lambdaMock).toHaveReceivedCommandTimes(GetFunctionCommand, 1);
      expect(lambdaMock).not.toHaveReceivedCommand(GetPolicyCommand);
      expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand);
    });

    it('skips an untagged function a pipeline named with a label: a hint is not an opt-in', async () => {
      healthyConnector('get-function-untagged.json');
      const result = await verifyFunction(fixture('input-pipeline.json'), deps);
      expect(result).toEqual({
        optedIn: false,
        lambdaArn: CONNECTOR_ARN,
        reason: expect.stringContaining(`the signal's connectorLabel "acme-orders" does not opt it in`),
      });
      expect(lambdaMock).not.toHaveReceivedCommand(GetPolicyCommand);
      expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand);
    });

    it('logs the decision at info, not as a warning', async () => {
      healthyConnector('get-function-untagged.json');
      await verifyFunction(fixture('input-cloudtrail.json'), deps);
      expect(logger.info).toHaveBeenCalledExactlyOnceWith(
        'Function not opted in: skipped',
        expect.objectContaining({ decision: 'not-opted-in', lambdaArn: CONNECTOR_ARN }),
      );
      expect(logger.warn).not.toHaveBeenCalled();
      expect(logger.appendKeys).not.toHaveBeenCalled();
    });
  });

  describe('refuses before any AWS call', () => {
    it('refuses a malformed input without asking for clients', async () => {
      const error = await rejection(verifyFunction({ accountId: '222222222222' }, deps));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(clientsFor).not.toHaveBeenCalled();
      expect(lambdaMock.calls()).toHaveLength(0);
    });

    it("refuses another account's function without asking for clients", async () => {
      const error = await rejection(verifyFunction(fixture('input-foreign-function.json'), deps));
      expect(error).toBeInstanceOf(AccountMismatchError);
      expect(clientsFor).not.toHaveBeenCalled();
      expect(lambdaMock.calls()).toHaveLength(0);
    });

    it('logs the refusal with its name and rethrows it', async () => {
      await expect(verifyFunction(fixture('input-foreign-function.json'), deps)).rejects.toThrow(
        AccountMismatchError,
      );
      expect(logger.warn).toHaveBeenCalledWith('Function not verified', {
        decision: 'refused',
        errorName: 'AccountMismatchError',
        errorMessage: expect.stringContaining('never acts on another account'),
      });
    });
  });

  describe('stops at the first check that fails', () => {
    it('does not read the policy of a function with a bad label', async () => {
      healthyConnector();
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-tagged.json'));
      const event = { ...fixture('input-pipeline.json'), hints: { connectorLabel: 'acme-sales' } };
      await expect(verifyFunction(event, deps)).rejects.toThrow(InvalidConnectorMetadataError);
      expect(lambdaMock).not.toHaveReceivedCommand(GetPolicyCommand);
    });

    it('does not probe a function AppFlow may not invoke', async () => {
      healthyConnector();
      lambdaMock.on(GetPolicyCommand).resolves(getPolicyOutput('policy-appflow-no-condition.json'));
      const error = await rejection(verifyFunction(fixture('input-cloudtrail.json'), deps));
      expect(error).toBeInstanceOf(MissingAppFlowPermissionError);
      expect(error.message).toContain('--source-account 222222222222');
      expect(lambdaMock).not.toHaveReceivedCommand(InvokeCommand);
    });

    it('surfaces a connector that fails the protocol', async () => {
      healthyConnector();
      lambdaMock.on(InvokeCommand).resolves(invokeOutput({ fixture: 'hello-world-answer.json' }));
      await expect(verifyFunction(fixture('input-cloudtrail.json'), deps)).rejects.toThrow(
        ConnectorProtocolError,
      );
    });

    it('retries an Inactive function whose invoke says it is not ready yet', async () => {
      healthyConnector('get-function-inactive.json');
      lambdaMock
        .on(InvokeCommand)
        .rejects(new ResourceNotReadyException({ message: 'The function is being restored', $metadata: {} }));
      await expect(verifyFunction(fixture('input-cloudtrail.json'), deps)).rejects.toThrow(
        FunctionNotReadyError,
      );
    });

    it('uses the configured probe timeout', async () => {
      healthyConnector();
      lambdaMock.on(InvokeCommand).callsFake(() => new Promise(() => {}));
      const quick = { ...deps, config: { ...verifyConfig, probeTimeoutMs: 30 } };
      await expect(verifyFunction(fixture('input-cloudtrail.json'), quick)).rejects.toThrow(/within 0.03 s/);
    });
  });
});
