import { readFileSync } from 'node:fs';
import type {
  GetFunctionCommandOutput,
  GetPolicyCommandOutput,
  InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import { vi } from 'vitest';
import type { VerifyConfig } from '../../../functions/verify-function/config.js';

/** A fresh copy of a JSON fixture, so a test may change it without touching the next one. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function getFunctionOutput(name: string): GetFunctionCommandOutput {
  return { $metadata: {}, ...fixture<Omit<GetFunctionCommandOutput, '$metadata'>>(name) };
}

/** GetPolicy answers the policy document as JSON text. */
export function getPolicyOutput(name: string): GetPolicyCommandOutput {
  return { $metadata: {}, Policy: JSON.stringify(fixture(name)), RevisionId: 'rev-1' };
}

/** An Invoke answer carrying `payload` bytes (a fixture's JSON, or raw text). */
export function invokeOutput(
  payload: { fixture: string } | { text: string } | { bytes: Uint8Array },
  extra: Partial<InvokeCommandOutput> = {},
): InvokeCommandOutput {
  const bytes =
    'bytes' in payload
      ? payload.bytes
      : new TextEncoder().encode('text' in payload ? payload.text : JSON.stringify(fixture(payload.fixture)));
  // The SDK wraps the bytes in a Uint8ArrayBlobAdapter (a Uint8Array subclass); the code only reads bytes.
  return {
    $metadata: {},
    StatusCode: 200,
    ExecutedVersion: '$LATEST',
    ...extra,
    Payload: bytes as InvokeCommandOutput['Payload'],
  };
}

export function fakeLogger() {
  return { info: vi.fn(), warn: vi.fn(), appendKeys: vi.fn() };
}

export const verifyConfig: VerifyConfig = { probeTimeoutMs: 10_000, allowUntaggedPipelineHints: false };

export const SPOKE = '222222222222';
export const HUB = '111111111111';
export const CONNECTOR_ARN = 'arn:aws:lambda:eu-west-1:222222222222:function:acme-orders-connector';

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as Error;
}
