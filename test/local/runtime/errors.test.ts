import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunctionRuntime, type LocalFunctionRuntime } from '../../../local/runtime/index.js';
import type { DeployedFunction, FunctionRegistry } from '../../../local/types.js';
import { arnOf, call, ENDPOINT, eventually, fixtureRegistry, recordingIdentity } from './support.js';

describe('function runtime errors', () => {
  let runtime: LocalFunctionRuntime;
  let registry: FunctionRegistry;
  let scratch: string;

  beforeAll(() => {
    registry = fixtureRegistry();
    scratch = mkdtempSync(join(tmpdir(), 'runtime-errors-'));
    runtime = createFunctionRuntime({ registry, identity: recordingIdentity(), endpointUrl: ENDPOINT });
  });

  afterAll(async () => {
    await runtime.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  describe('thrown errors', () => {
    it("answers Unhandled with the error's name, message and stack, and keeps the environment", async () => {
      const failed = await runtime.invoke(call('throws', { type: 'ListEntitiesRequest' }));
      expect(failed.statusCode).toBe(200);
      expect(failed.functionError).toBe('Unhandled');
      const payload = JSON.parse(failed.payload);
      expect(payload).toMatchObject({
        errorType: 'ConnectorProtocolError',
        errorMessage: 'bad answer for ListEntitiesRequest',
      });
      expect(payload.trace[0]).toBe('ConnectorProtocolError: bad answer for ListEntitiesRequest');
      expect(payload.trace[1]).toMatch(/throws\.mjs/);

      const again = await runtime.invoke(call('throws', { type: 'x' }));
      expect(again.coldStart).toBe(false);
      expect(runtime.counters(arnOf('throws')).errors).toBe(2);
    });
  });

  describe('timeout', () => {
    it('terminates the environment and answers Sandbox.Timedout after the function timeout', async () => {
      const timedOut = await runtime.invoke(call('sleeps', { ms: 4000 }));
      expect(timedOut.functionError).toBe('Unhandled');
      expect(JSON.parse(timedOut.payload)).toEqual({
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${timedOut.requestId} Error: Task timed out after 1.00 seconds`,
      });
      expect(timedOut.durationMs).toBeGreaterThanOrEqual(1000);
      expect(timedOut.durationMs).toBeLessThan(2000);
      expect(runtime.environments(arnOf('sleeps'))).toEqual([]);

      const next = await runtime.invoke(call('sleeps', { ms: 1 }));
      expect(next.coldStart).toBe(true);
      expect(runtime.counters(arnOf('sleeps'))).toMatchObject({ timeouts: 1, coldStarts: 2 });
    });
  });

  describe('crash', () => {
    it('kills the environment under its running invocation, which answers Runtime.ExitError', async () => {
      const running = runtime.invoke(call('sleeps-reserved', { ms: 3000 }));
      await eventually(() => runtime.environments(arnOf('sleeps-reserved')).some((e) => e.state === 'busy'));
      const [busy] = runtime.environments(arnOf('sleeps-reserved'));
      runtime.crash(busy?.id ?? '');
      const crashed = await running;
      expect(crashed.environmentId).toBe(busy?.id);
      expect(JSON.parse(crashed.payload)).toEqual({
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${crashed.requestId} Error: Runtime exited with error: signal: killed`,
      });
      expect(crashed.durationMs).toBeLessThan(2000);
      expect(runtime.environments(arnOf('sleeps-reserved'))).toEqual([]);
      expect(runtime.counters(arnOf('sleeps-reserved')).crashes).toBe(1);
    });

    it('ignores an environment id it does not hold', () => {
      expect(() => runtime.crash('no-such-environment')).not.toThrow();
    });

    it('answers Runtime.ExitError when the function exits the process itself', async () => {
      const exited = await runtime.invoke(call('exits'));
      expect(JSON.parse(exited.payload)).toEqual({
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${exited.requestId} Error: Runtime exited with error: exit status 3`,
      });
    });

    it('answers Runtime.UnhandledPromiseRejection for a rejection nobody handles', async () => {
      const rejected = await runtime.invoke(call('rejects'));
      expect(JSON.parse(rejected.payload)).toMatchObject({
        errorType: 'Runtime.UnhandledPromiseRejection',
        errorMessage: 'TypeError: nobody awaited this',
      });
      expect(runtime.environments(arnOf('rejects'))).toEqual([]);
    });
  });

  describe('init failures', () => {
    it('answers Runtime.ImportModuleError when an import of the module is missing', async () => {
      const failed = await runtime.invoke(call('missing-import'));
      expect(failed.functionError).toBe('Unhandled');
      const payload = JSON.parse(failed.payload);
      expect(payload.errorType).toBe('Runtime.ImportModuleError');
      expect(payload.errorMessage).toMatch(/^Error: Cannot find module .*does-not-exist\.mjs/);
      expect(runtime.environments(arnOf('missing-import'))).toEqual([]);
    });

    it('answers Runtime.HandlerNotFound when the export is missing', async () => {
      const failed = await runtime.invoke(call('no-handler'));
      expect(JSON.parse(failed.payload)).toMatchObject({
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: 'no-handler.handler is undefined or not exported',
      });
    });

    it('answers Runtime.UserCodeSyntaxError for TypeScript that does not compile', async () => {
      const modulePath = join(scratch, 'broken.ts');
      writeFileSync(modulePath, "export const handler = async () => 'unterminated;\n");
      const fixture = registry.get('111111111111', 'eu-west-1', 'echo') as DeployedFunction;
      registry.add({
        ...fixture,
        name: 'broken',
        arn: arnOf('broken'),
        modulePath,
        handler: 'broken.handler',
        codeSha256: 'broken',
      });
      const failed = await runtime.invoke(call('broken'));
      const payload = JSON.parse(failed.payload);
      expect(payload.errorType).toBe('Runtime.UserCodeSyntaxError');
      expect(payload.errorMessage).toMatch(/^SyntaxError: Unterminated string literal .*broken\.ts:1:/);
    });
  });

  describe('limits', () => {
    it('answers Function.ResponseSizeTooLarge for an answer above 6 MB', async () => {
      const large = await runtime.invoke(call('large'));
      expect(large.functionError).toBe('Unhandled');
      expect(JSON.parse(large.payload)).toEqual({
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
      });
    });

    it('refuses a function that does not exist with ResourceNotFoundException', async () => {
      await expect(runtime.invoke(call('nope'))).rejects.toMatchObject({
        status: 404,
        code: 'ResourceNotFoundException',
        message: `Function not found: ${arnOf('nope')}`,
      });
    });
  });
});
