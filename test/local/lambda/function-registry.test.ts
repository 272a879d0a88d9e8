import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DeployedFunction } from '../../../local/types.js';
import {
  createFunctionRegistry,
  type FunctionWorld,
  parseFunctionReference,
} from '../../../local/world/functions.js';
import { loadWorld } from '../../../local/world/load.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const ACCOUNT = '333333333333';
const CREATED = new Date('2026-11-27T08:00:00.000Z');
const HEALTHY = fileURLToPath(new URL('../../../examples/connectors/healthy.ts', import.meta.url));

function registry() {
  const world = JSON.parse(readFileSync(`${FIXTURES}registry-world.json`, 'utf8')) as FunctionWorld;
  return createFunctionRegistry(world, { baseDir: FIXTURES, now: CREATED });
}

describe('createFunctionRegistry', () => {
  describe('deployed functions', () => {
    it('describes each world function as Lambda would', () => {
      const alpha = registry().get(ACCOUNT, 'eu-west-1', 'alpha');
      expect(alpha).toMatchObject({
        accountId: ACCOUNT,
        region: 'eu-west-1',
        name: 'alpha',
        arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:alpha`,
        modulePath: HEALTHY,
        exportName: 'handler',
        kind: 'connector',
        runtime: 'nodejs22.x',
        role: `arn:aws:iam::${ACCOUNT}:role/alpha-role`,
        handler: 'healthy.handler',
        tags: { team: 'finance' },
        state: 'Pending',
        lastUpdateStatus: 'Successful',
        codeSha256: createHash('sha256').update(readFileSync(HEALTHY)).digest('base64'),
        codeSize: statSync(HEALTHY).size,
        lastModified: '2026-11-27T08:00:00.000+0000',
        timeoutSeconds: 3,
        memorySize: 128,
        environment: {},
      });
    });

    it('expands the policy shorthands and keeps explicit statements', () => {
      const functions = registry();
      expect(functions.get(ACCOUNT, 'eu-west-1', 'zeta')?.policy).toEqual([]);
      expect(functions.get(ACCOUNT, 'eu-west-1', 'alpha')?.policy.map((s) => s.Sid)).toEqual(['hub']);
      expect(functions.get(ACCOUNT, 'us-east-1', 'alpha')?.policy).toEqual([
        expect.objectContaining({
          Sid: 'AppFlowConnectorInvoke',
          Principal: { Service: 'appflow.amazonaws.com' },
        }),
      ]);
    });

    it('accepts a world normalized by loadWorld and gives the same functions', () => {
      const path = fileURLToPath(new URL('../../../local/worlds/default.json', import.meta.url));
      const loaded = createFunctionRegistry(loadWorld(path), { now: CREATED });
      const raw = createFunctionRegistry(
        { ...(JSON.parse(readFileSync(path, 'utf8')) as FunctionWorld), path },
        { now: CREATED },
      );
      expect(loaded.all()).toEqual(raw.all());
      // Every function the file declares, in every account and Region.
      const declared = (JSON.parse(readFileSync(path, 'utf8')) as FunctionWorld).accounts.flatMap(
        (account) => account.functions,
      );
      expect(loaded.all()).toHaveLength(declared.length);
    });
  });

  describe('get', () => {
    it('finds a function by name, ARN, partial ARN and $LATEST', () => {
      const functions = registry();
      for (const reference of [
        'alpha',
        'alpha:$LATEST',
        `${ACCOUNT}:function:alpha`,
        `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:alpha`,
        `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:alpha:$LATEST`,
      ]) {
        expect(functions.get(ACCOUNT, 'eu-west-1', reference)?.region, reference).toBe('eu-west-1');
      }
    });

    it('finds nothing for another account or Region, a published version or a malformed name', () => {
      const functions = registry();
      for (const reference of [
        'arn:aws:lambda:eu-west-1:111111111111:function:alpha',
        'arn:aws:lambda:us-east-1:333333333333:function:alpha',
        'alpha:1',
        'al pha',
        'gamma',
      ]) {
        expect(functions.get(ACCOUNT, 'eu-west-1', reference), reference).toBeUndefined();
      }
    });
  });

  describe('list, add and delete', () => {
    it('lists the functions of one account and Region by name', () => {
      expect(
        registry()
          .list(ACCOUNT, 'eu-west-1')
          .map((fn) => fn.name),
      ).toEqual(['alpha', 'zeta']);
    });

    it("adds the registrar's own functions", () => {
      const functions = registry();
      const zeta = functions.get(ACCOUNT, 'eu-west-1', 'zeta') as DeployedFunction;
      functions.add({
        ...zeta,
        name: 'verify-function',
        arn: zeta.arn.replace('zeta', 'verify-function'),
        kind: 'registrar',
      });
      expect(functions.get(ACCOUNT, 'eu-west-1', 'verify-function')?.kind).toBe('registrar');
      expect(functions.all()).toHaveLength(4);
    });

    it('deletes a function, and only the very one it is given', () => {
      const functions = registry();
      const zeta = functions.get(ACCOUNT, 'eu-west-1', 'zeta') as DeployedFunction;
      const again = { ...zeta };
      functions.add(again);
      expect(functions.delete(zeta)).toBe(false);
      expect(functions.get(ACCOUNT, 'eu-west-1', 'zeta')).toBe(again);
      expect(functions.delete(again)).toBe(true);
      expect(functions.get(ACCOUNT, 'eu-west-1', 'zeta')).toBeUndefined();
      expect(functions.list(ACCOUNT, 'eu-west-1').map((fn) => fn.name)).toEqual(['alpha']);
    });
  });
});

describe('parseFunctionReference', () => {
  it('reads every form of FunctionName', () => {
    expect(parseFunctionReference('arn:aws:lambda:eu-west-1:111111111111:function:f:$LATEST')).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '111111111111',
      name: 'f',
      qualifier: '$LATEST',
    });
    expect(parseFunctionReference('111111111111:function:f')).toEqual({
      accountId: '111111111111',
      name: 'f',
    });
    expect(parseFunctionReference('f:prod')).toEqual({ name: 'f', qualifier: 'prod' });
    expect(parseFunctionReference('arn:aws:s3:::bucket')).toBeUndefined();
  });
});
