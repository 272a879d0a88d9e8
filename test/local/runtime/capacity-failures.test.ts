import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionRuntimeOptions, LocalFunctionRuntime } from '../../../local/runtime/index.js';
import { ACCOUNT, arnOf, call, fixtureRuntime, REGION } from './support.js';

// The capacity model's failure paths: a place or an init taken by something that failed must be
// given back, or the invocations waiting for it wait forever. healthy-connector is TypeScript, so
// its cold start compiles it first (local/runtime/compile.ts).
describe('function runtime capacity when things fail', () => {
  let runtime: LocalFunctionRuntime | undefined;
  const savedTmpdir = process.env.TMPDIR;

  function start(options: Partial<FunctionRuntimeOptions> = {}) {
    runtime = fixtureRuntime(options);
    return runtime;
  }

  /** Makes the compiler's temporary directory impossible to create until restored. */
  function breakTmpdir() {
    process.env.TMPDIR = '/nonexistent/appflow-registrar-test';
  }

  afterEach(async () => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    await runtime?.close();
    runtime = undefined;
  });

  const connector = { accountId: ACCOUNT, region: REGION, functionName: 'healthy-connector' };

  it('answers a compile that cannot write as an init error, and gives its place back for the next invocation', async () => {
    const lambda = start({ maxEnvironmentsPerFunction: 1 });
    breakTmpdir();

    const failed = await lambda.invoke(call('healthy-connector'));
    process.env.TMPDIR = savedTmpdir ?? '/tmp';
    const next = await lambda.invoke(call('healthy-connector'));

    expect(JSON.parse(failed.payload)).toMatchObject({
      errorType: 'Runtime.Unknown',
      errorMessage: expect.stringContaining('cannot write the bundle'),
    });
    expect(next.coldStart).toBe(true);
    expect(next.payload).not.toContain('Runtime.Unknown');
    expect(lambda.environments(arnOf('healthy-connector'))).toHaveLength(1);
  });

  it('gives the init back when provisioning fails, so an invocation waiting for it runs', async () => {
    const lambda = start({ maxConcurrentInits: 1 });
    breakTmpdir();

    const provisioning = lambda.provision(connector, 1).catch((error: Error) => error);
    const waiting = lambda.invoke(call('echo', { hello: 'world' }));
    const provisioned = await provisioning;
    process.env.TMPDIR = savedTmpdir ?? '/tmp';

    expect(provisioned).toBeInstanceOf(Error);
    expect((provisioned as Error).message).toMatch(/Runtime.Unknown/);
    await expect(waiting).resolves.toMatchObject({ coldStart: true });
  });

  it('provisions no more environments than the runtime keeps, instead of evicting its own', async () => {
    const lambda = start({ maxEnvironments: 2 });
    const echo = { accountId: ACCOUNT, region: REGION, functionName: 'echo' };

    await expect(lambda.provision(echo, 3)).resolves.toBe(2);

    const inits = lambda.logs(arnOf('echo')).filter((entry) => entry.message.startsWith('INIT_START'));
    expect(inits).toHaveLength(2);
  });

  it('starts no environment for an invocation that was compiling when the runtime closed', async () => {
    const lambda = start();
    runtime = undefined;

    const pending = lambda.invoke(call('healthy-connector')).catch((error: unknown) => error);
    await lambda.close();

    expect(await pending).toMatchObject({ code: 'ServiceException' });
    expect(
      lambda.logs(arnOf('healthy-connector')).filter((entry) => entry.message.startsWith('INIT_START')),
    ).toEqual([]);
  });
});
