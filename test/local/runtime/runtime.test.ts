import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunctionRuntime, type LocalFunctionRuntime } from '../../../local/runtime/index.js';
import {
  ACCOUNT,
  arnOf,
  call,
  ENDPOINT,
  FIXTURES,
  fixtureRegistry,
  type RecordingIdentity,
  recordingIdentity,
} from './support.js';

describe('function runtime', () => {
  let runtime: LocalFunctionRuntime;
  let identity: RecordingIdentity;

  beforeAll(() => {
    identity = recordingIdentity();
    runtime = createFunctionRuntime({
      registry: fixtureRegistry(),
      identity,
      endpointUrl: () => ENDPOINT,
      baseEnvironment: { POWERTOOLS_LOG_LEVEL: 'DEBUG' },
    });
  });

  afterAll(async () => {
    await runtime.close();
  });

  describe('warm reuse', () => {
    it('imports the module once and serves later invocations from the same environment', async () => {
      const first = await runtime.invoke(call('echo', { n: 1 }));
      const second = await runtime.invoke(call('echo', { n: 2 }));
      expect([JSON.parse(first.payload).calls, JSON.parse(second.payload).calls]).toEqual([1, 2]);
      expect([first.coldStart, second.coldStart]).toEqual([true, false]);
      expect(second.environmentId).toBe(first.environmentId);
      expect(runtime.counters(arnOf('echo'))).toMatchObject({ invocations: 2, coldStarts: 1, errors: 0 });
    });

    it('runs concurrent invocations in environments of their own', async () => {
      const [a, b] = await Promise.all([
        runtime.invoke(call('sleeps-reserved', { ms: 150 })),
        runtime.invoke(call('sleeps-reserved', { ms: 150 })),
      ]);
      expect(a?.environmentId).not.toBe(b?.environmentId);
      expect(runtime.environments(arnOf('sleeps-reserved'))).toHaveLength(2);
    });
  });

  describe('context', () => {
    it('hands the handler a context Powertools and middy accept', async () => {
      const result = await runtime.invoke(call('echo'));
      const { context } = JSON.parse(result.payload);
      expect(context).toMatchObject({
        functionName: 'echo',
        functionVersion: '$LATEST',
        invokedFunctionArn: arnOf('echo'),
        memoryLimitInMB: '256',
        awsRequestId: result.requestId,
        logGroupName: '/aws/lambda/echo',
        callbackWaitsForEmptyEventLoop: true,
        hasNoOps: true,
      });
      expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      expect(context.remaining).toBeGreaterThan(0);
      expect(context.remaining).toBeLessThanOrEqual(3000);
    });

    it('supports callback-style handlers', async () => {
      const result = await runtime.invoke(call('callback', { value: 7 }));
      expect(JSON.parse(result.payload)).toEqual({ viaCallback: 7 });
    });
  });

  describe('environment variables', () => {
    it("gives each function its own variables and Lambda's, and nothing of the host", async () => {
      const a = JSON.parse((await runtime.invoke(call('env-a'))).payload);
      const b = JSON.parse((await runtime.invoke(call('env-b'))).payload);
      expect([a.COLOUR, b.COLOUR]).toEqual(['red', 'blue']);
      expect(a).toMatchObject({
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_LAMBDA_FUNCTION_NAME: 'env-a',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
        AWS_ENDPOINT_URL: ENDPOINT,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'DEBUG',
        _HANDLER: 'environment.handler',
      });
      expect(a.VITEST).toBeUndefined();
      expect(a.POWERTOOLS_DEV).toBeUndefined();
    });

    it('keeps a change to process.env inside the environment that made it', async () => {
      await runtime.invoke(call('env-a'));
      const again = JSON.parse((await runtime.invoke(call('env-a'))).payload);
      const other = JSON.parse((await runtime.invoke(call('env-b'))).payload);
      expect(again.CHANGED_BY).toBe('env-a');
      expect(other.CHANGED_BY).not.toBe('env-a');
      expect(process.env.CHANGED_BY).toBeUndefined();
    });

    it("holds credentials issued for the function's role and its environment", async () => {
      const result = await runtime.invoke(call('env-b'));
      const seen = JSON.parse(result.payload);
      const grant = identity.issued.find(
        (issued) => issued.credentials.accessKeyId === seen.AWS_ACCESS_KEY_ID,
      );
      expect(grant?.caller).toEqual({
        accountId: ACCOUNT,
        principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/env-b-role/env-b`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/env-b-role`,
        environmentId: result.environmentId,
      });
      expect(seen.AWS_SESSION_TOKEN).toBe(grant?.credentials.sessionToken);
    });
  });

  describe('modules', () => {
    it('runs a TypeScript connector', async () => {
      const event = readFileSync(`${FIXTURES}describe-connector-configuration.json`, 'utf8');
      const result = await runtime.invoke({ ...call('healthy-connector'), payload: event });
      expect(result.functionError).toBeUndefined();
      expect(JSON.parse(result.payload)).toMatchObject({ isSuccess: true, connectorName: 'SampleContacts' });
    });
  });

  describe('logs', () => {
    it("keeps the function's console lines with Lambda's START, END and REPORT lines", async () => {
      const result = await runtime.invoke(call('echo', { marker: 'log-me' }));
      const lines = runtime
        .logs(arnOf('echo'), { requestId: result.requestId })
        .map((entry) => entry.message);
      expect(lines[0]).toBe(`START RequestId: ${result.requestId} Version: $LATEST`);
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`\\t${result.requestId}\\tINFO\\techo {"marker":"log-me"}$`)),
      );
      expect(lines).toContainEqual(`END RequestId: ${result.requestId}`);
      expect(lines.at(-1)).toMatch(
        new RegExp(
          `^REPORT RequestId: ${result.requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB$`,
        ),
      );
    });

    it('reports the init duration of a cold start only', async () => {
      const cold = await runtime.invoke(call('throws', { type: 'x' }));
      const warm = await runtime.invoke(call('throws', { type: 'y' }));
      const report = (requestId: string) => runtime.logs(arnOf('throws'), { requestId }).at(-1)?.message;
      expect(report(cold.requestId)).toMatch(/\tInit Duration: [\d.]+ ms$/);
      expect(report(warm.requestId)).not.toMatch(/Init Duration/);
    });
  });
});
