import {
  InvokeCommand,
  LambdaClient,
  ResourceNotReadyException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectorProtocolError, FunctionNotReadyError } from '../../../functions/shared/errors.js';
import { DEFAULT_PROBE_TIMEOUT_MS } from '../../../functions/verify-function/config.js';
import { MAX_ANSWER_BYTES, probeConnector } from '../../../functions/verify-function/probe.js';
import { CONNECTOR_ARN, invokeOutput, rejection } from './helpers.js';

const lambdaMock = mockClient(LambdaClient);
const lambda = new LambdaClient({ region: 'eu-west-1' });
const TIMEOUT = 10_000;

afterEach(() => {
  lambdaMock.reset();
});

/** The signal the probe passed to `send` (its second argument, which the typed call list leaves out). */
function abortSignalOfFirstInvoke(): AbortSignal {
  const args = (lambdaMock.commandCalls(InvokeCommand)[0]?.args ?? []) as unknown[];
  return (args[1] as { abortSignal: AbortSignal }).abortSignal;
}

async function protocolError(timeoutMs = TIMEOUT): Promise<ConnectorProtocolError> {
  const error = await rejection(probeConnector(lambda, CONNECTOR_ARN, timeoutMs));
  expect(error).toBeInstanceOf(ConnectorProtocolError);
  expect((error as Error).name).toBe('ConnectorProtocolError');
  return error as ConnectorProtocolError;
}

describe('probeConnector', () => {
  describe('accepts a connector that answers the protocol', () => {
    it('sends DescribeConnectorConfigurationRequest synchronously to the unqualified function', async () => {
      lambdaMock.on(InvokeCommand).resolves(invokeOutput({ fixture: 'describe-answer.json' }));
      await probeConnector(lambda, CONNECTOR_ARN, TIMEOUT);
      expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, {
        FunctionName: CONNECTOR_ARN,
        InvocationType: 'RequestResponse',
      });
      const payload = lambdaMock.commandCalls(InvokeCommand)[0]?.args[0].input.Payload as Uint8Array;
      expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({
        type: 'DescribeConnectorConfigurationRequest',
        locale: 'en-US',
      });
    });

    it('returns the name, version and modes the connector answered', async () => {
      lambdaMock.on(InvokeCommand).resolves(invokeOutput({ fixture: 'describe-answer.json' }));
      await expect(probeConnector(lambda, CONNECTOR_ARN, TIMEOUT)).resolves.toEqual({
        connectorName: 'AcmeOrders',
        connectorVersion: '1.4.0',
        connectorModes: ['SOURCE'],
      });
    });
  });

  describe('refuses a function that does not answer as a connector', () => {
    it('gives up after the timeout and aborts the request', async () => {
      lambdaMock.on(InvokeCommand).callsFake(() => new Promise(() => {}));
      const started = Date.now();
      const error = await protocolError(50);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error.message).toContain('did not answer DescribeConnectorConfigurationRequest within 0.05 s');
      const signal = abortSignalOfFirstInvoke();
      expect(signal.aborted).toBe(true);
    });

    it('waits 10 s by default and says so', async () => {
      vi.useFakeTimers();
      try {
        lambdaMock.on(InvokeCommand).callsFake(() => new Promise(() => {}));
        const probe = rejection(probeConnector(lambda, CONNECTOR_ARN, DEFAULT_PROBE_TIMEOUT_MS));
        await vi.advanceTimersByTimeAsync(9_999);
        const signal = abortSignalOfFirstInvoke();
        expect(signal.aborted).toBe(false);
        await vi.advanceTimersByTimeAsync(1);
        const error = await probe;
        expect(error).toBeInstanceOf(ConnectorProtocolError);
        expect(error.message).toContain('did not answer DescribeConnectorConfigurationRequest within 10 s');
        expect(signal.aborted).toBe(true);
      } finally {
        vi.useRealTimers();
      }
    });

    it('reports the timeout when the client rejects on abort', async () => {
      lambdaMock.on(InvokeCommand).callsFake(
        () =>
          new Promise((_, reject) => {
            setTimeout(() => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })), 80);
          }),
      );
      const error = await protocolError(20);
      expect(error.message).toContain('within 0.02 s');
    });

    it('carries errorType and errorMessage of a function error', async () => {
      lambdaMock
        .on(InvokeCommand)
        .resolves(invokeOutput({ fixture: 'describe-function-error.json' }, { FunctionError: 'Unhandled' }));
      const error = await protocolError();
      expect(error.message).toContain(
        "failed on DescribeConnectorConfigurationRequest: TypeError: Cannot read properties of undefined (reading 'type')",
      );
      expect(error.answer).toEqual({
        functionError: 'Unhandled',
        errorType: 'TypeError',
        errorMessage: "Cannot read properties of undefined (reading 'type')",
      });
    });

    it('reports a function error whose payload is not JSON', async () => {
      lambdaMock
        .on(InvokeCommand)
        .resolves(invokeOutput({ text: 'Task timed out' }, { FunctionError: 'Unhandled' }));
      const error = await protocolError();
      expect(error.message).toContain('Unhandled: Task timed out');
    });

    it.each([
      ['a payload that is not JSON', { text: '<html>Hello</html>' }, 'is not JSON', '<html>Hello</html>'],
      ['a JSON array', { text: '[1,2]' }, 'is not a JSON object', '[1,2]'],
      ['an empty payload', { text: '' }, 'is not JSON', ''],
      [
        'an ordinary function answer',
        { fixture: 'hello-world-answer.json' },
        'does not say isSuccess: true (errorDetails: no errorDetails)',
        'Hello from Lambda!',
      ],
      [
        'isSuccess false',
        { fixture: 'describe-answer-failed.json' },
        'Acme ERP endpoint not configured',
        '"isSuccess":false',
      ],
      [
        'no connectorModes',
        { fixture: 'describe-answer-no-modes.json' },
        'has no connectorModes (a non-empty array)',
        'AcmeOrders',
      ],
      [
        'an unknown mode',
        { fixture: 'describe-answer-unknown-mode.json' },
        'lists connector mode "BIDIRECTIONAL"; expected SOURCE or DESTINATION',
        'AcmeOrders',
      ],
      [
        'a numeric version',
        { fixture: 'describe-answer-numeric-version.json' },
        'has no connectorVersion string',
        '"connectorVersion":14',
      ],
    ] as const)('refuses %s and carries the answer', async (_, payload, problem, answered) => {
      lambdaMock.on(InvokeCommand).resolves(invokeOutput(payload));
      const error = await protocolError();
      expect(error.message).toContain(problem);
      expect(error.message).toContain('It answered: ');
      expect(error.message.split('It answered: ')[1]).toContain(answered);
      expect(String(error.answer)).toContain(answered);
    });

    it('truncates a long bad answer to 1 KB and keeps it printable', async () => {
      const text = `{"isSuccess":false,"note":"\u0001${'x'.repeat(5_000)}"}`;
      lambdaMock.on(InvokeCommand).resolves(invokeOutput({ text }));
      const error = await protocolError();
      expect(error.answer).toBe(
        `{"isSuccess":false,"note":"\\u0001${'x'.repeat(1024 - 28)}...(${text.length} chars)`,
      );
      expect(error.message).toMatch(/^[\x20-\x7e]*$/);
    });

    it('refuses an answer over 6 MB', async () => {
      lambdaMock.on(InvokeCommand).resolves(invokeOutput({ bytes: new Uint8Array(MAX_ANSWER_BYTES + 1) }));
      const error = await protocolError();
      expect(error.message).toContain(
        `with ${MAX_ANSWER_BYTES + 1} bytes; AppFlow reads at most ${MAX_ANSWER_BYTES} (6 MB)`,
      );
    });
  });

  describe('hands Lambda errors to the state machine', () => {
    it('turns ResourceNotReadyException (an Inactive function waking) into FunctionNotReadyError', async () => {
      lambdaMock
        .on(InvokeCommand)
        .rejects(new ResourceNotReadyException({ message: 'The function is inactive', $metadata: {} }));
      const error = await rejection(probeConnector(lambda, CONNECTOR_ARN, TIMEOUT));
      expect(error).toBeInstanceOf(FunctionNotReadyError);
      expect(error.message).toContain('the workflow retries');
    });

    it('rethrows other invoke errors unchanged', async () => {
      const throttled = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
      lambdaMock.on(InvokeCommand).rejects(throttled);
      await expect(probeConnector(lambda, CONNECTOR_ARN, TIMEOUT)).rejects.toBe(throttled);
    });
  });
});
