import { Tracer } from '@aws-lambda-powertools/tracer';
import { GetFunctionCommand, GetPolicyCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VerifyOutput } from '../../../functions/shared/types.js';
import { fixture, getFunctionOutput, getPolicyOutput, HUB, invokeOutput } from './helpers.js';

// The handler with the `tracing` parameter on, in a Lambda environment: captureLambdaHandler wraps
// each invocation and the SDK clients are captured. No trace header here, so nothing is sent.
const traced = vi.hoisted(() => {
  // Lambda sets a trace header per invocation; without one, the X-Ray SDK (which reads this when
  // first imported) would log every call's missing segment.
  process.env.AWS_XRAY_CONTEXT_MISSING = 'IGNORE_ERROR';
  return { invocations: 0 };
});
vi.mock('@aws-lambda-powertools/tracer/middleware', async (importOriginal) => {
  const original = await importOriginal<typeof import('@aws-lambda-powertools/tracer/middleware')>();
  return {
    captureLambdaHandler: (tracer: Tracer) => {
      const middleware = original.captureLambdaHandler(tracer);
      return {
        ...middleware,
        before: (request: Parameters<NonNullable<typeof middleware.before>>[0]) => {
          traced.invocations += 1;
          return middleware.before?.(request);
        },
      };
    },
  };
});

const lambdaMock = mockClient(LambdaClient);
type Handler = (event: unknown, context: Context) => Promise<VerifyOutput>;
let handler: Handler;
const captured: unknown[] = [];

beforeAll(async () => {
  vi.stubEnv('HUB_ACCOUNT_ID', HUB);
  vi.stubEnv('SPOKE_ROLE_NAME', 'AppFlowConnectorRegistrar');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
  vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
  const capture = Tracer.prototype.captureAWSv3Client;
  vi.spyOn(Tracer.prototype, 'captureAWSv3Client').mockImplementation(function (this: Tracer, client) {
    captured.push(client);
    return capture.call(this, client);
  });
  ({ handler } = (await import('../../../functions/verify-function/handler.js')) as unknown as {
    handler: Handler;
  });
});

afterAll(() => {
  delete process.env.AWS_XRAY_CONTEXT_MISSING;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('verify-function handler with tracing on', () => {
  describe('wiring', () => {
    it('runs each invocation under captureLambdaHandler, with its STS, Lambda and AppFlow clients captured', async () => {
      lambdaMock.on(GetFunctionCommand).resolves(getFunctionOutput('get-function-hub.json'));
      lambdaMock.on(GetPolicyCommand).resolves(getPolicyOutput('policy-appflow-hub.json'));
      lambdaMock.on(InvokeCommand).resolves(invokeOutput({ fixture: 'describe-answer.json' }));

      const result = await handler(fixture('input-hub-account.json'), {
        functionName: 'verify',
        awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        getRemainingTimeInMillis: () => 60_000,
      } as Context);

      expect(result).toMatchObject({ optedIn: true });
      expect(traced.invocations).toBe(1);
      expect(captured.map((client) => (client as object).constructor.name)).toEqual([
        STSClient.name,
        LambdaClient.name,
        'AppflowClient',
      ]);
    });
  });
});
