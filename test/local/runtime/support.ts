import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createFunctionRuntime,
  type FunctionRuntimeOptions,
  type LocalFunctionRuntime,
} from '../../../local/runtime/index.js';
import type { Caller, FunctionRegistry, IdentityRegistry, IssuedCredentials } from '../../../local/types.js';
import { createFunctionRegistry, type FunctionWorld } from '../../../local/world/functions.js';

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';
export const ENDPOINT = 'http://127.0.0.1:4599';
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** An IdentityRegistry that remembers what it issued, to whom. */
export interface RecordingIdentity extends IdentityRegistry {
  issued: Array<{ caller: Caller; credentials: IssuedCredentials }>;
}

export function recordingIdentity(): RecordingIdentity {
  const issued: RecordingIdentity['issued'] = [];
  const byKey = new Map<string, Caller>();
  return {
    issued,
    // Like the stack's registry: a 12-digit key is that account's root; anything else the hub's.
    resolve: (accessKeyId) => {
      const account = /^\d{12}$/.test(accessKeyId) ? accessKeyId : ACCOUNT;
      return byKey.get(accessKeyId) ?? { accountId: account, principalArn: `arn:aws:iam::${account}:root` };
    },
    issue: (caller, ttlSeconds = 3600) => {
      const credentials = {
        accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(20).toString('base64'),
        sessionToken: randomBytes(40).toString('base64'),
        expiration: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
      };
      byKey.set(credentials.accessKeyId, caller);
      issued.push({ caller, credentials });
      return credentials;
    },
  };
}

/** A runtime over the fixture functions, with the recording identity and these options. */
export function fixtureRuntime(options: Partial<FunctionRuntimeOptions> = {}): LocalFunctionRuntime {
  return createFunctionRuntime({
    registry: fixtureRegistry(),
    identity: recordingIdentity(),
    endpointUrl: ENDPOINT,
    ...options,
  });
}

/** The functions of fixtures/world.json. */
export function fixtureRegistry(): FunctionRegistry {
  const world = JSON.parse(readFileSync(`${FIXTURES}world.json`, 'utf8')) as FunctionWorld;
  return createFunctionRegistry(world, { baseDir: FIXTURES });
}

export function arnOf(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
}

/** Invoke request for a fixture function. */
export function call(functionName: string, event: unknown = {}) {
  return { accountId: ACCOUNT, region: REGION, functionName, payload: JSON.stringify(event) };
}

/** Polls until `check` holds (a worker reached some state), failing after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
