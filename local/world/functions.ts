import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import type { DeployedFunction, FunctionRegistry } from '../types.js';
import { appFlowPolicyStatement } from './policy.js';
import type { FunctionSpec, PolicyStatement } from './schema.js';

/** Lambda's default memory, and the runtime the project deploys to. */
export const DEFAULT_MEMORY_MB = 128;
export const DEFAULT_TIMEOUT_SECONDS = 3;
export const LAMBDA_RUNTIME = 'nodejs22.x';

/**
 * A function of a world, as the file declares it or as loadWorld normalized it (absolute modulePath,
 * policy statements, defaults): both are accepted.
 */
export interface WorldFunction extends Omit<FunctionSpec, 'policy'> {
  policy?: FunctionSpec['policy'];
  modulePath?: string;
  exportName?: string;
  codeSize?: number;
  memorySize?: number;
  environment?: Record<string, string>;
  reservedConcurrency?: number;
}

/** The part of a world the registry reads; a LoadedWorld (load.ts) is one. */
export interface FunctionWorld {
  /** The world file; relative handler paths are resolved from its folder. */
  path?: string;
  accounts: ReadonlyArray<{ accountId: string; functions: readonly WorldFunction[] }>;
}

export interface FunctionRegistryOptions {
  /** LastModified of the world's functions; default: when the registry is created. */
  now?: Date;
  /** Folder relative handler paths are resolved from; default: the world file's folder, else the cwd. */
  baseDir?: string;
}

/** A function reference as Lambda's FunctionName accepts it: name, partial ARN or ARN, maybe qualified. */
export interface FunctionReference {
  name: string;
  accountId?: string;
  region?: string;
  partition?: string;
  qualifier?: string;
}

const NAME = '([A-Za-z0-9_-]{1,64})';
const QUALIFIER = '(?::(\\$LATEST|[A-Za-z0-9_-]{1,128}))?';
const FULL_ARN = new RegExp(
  `^arn:(aws[a-zA-Z-]*):lambda:([a-z]{2}(?:-gov)?-[a-z]+-\\d):(\\d{12}):function:${NAME}${QUALIFIER}$`,
);
const PARTIAL_ARN = new RegExp(`^(\\d{12}):function:${NAME}${QUALIFIER}$`);
const PLAIN_NAME = new RegExp(`^${NAME}${QUALIFIER}$`);

/**
 * Parses what Lambda accepts as FunctionName: `my-function`, `my-function:$LATEST`,
 * `123456789012:function:my-function` or `arn:aws:lambda:eu-west-1:123456789012:function:my-function`.
 * Undefined when it is none of them.
 */
export function parseFunctionReference(text: string): FunctionReference | undefined {
  const full = FULL_ARN.exec(text);
  if (full) {
    const [, partition, region, accountId, name, qualifier] = full as unknown as string[];
    return withQualifier({ name: name as string, accountId, region, partition }, qualifier);
  }
  const partial = PARTIAL_ARN.exec(text);
  if (partial) {
    const [, accountId, name, qualifier] = partial as unknown as string[];
    return withQualifier({ name: name as string, accountId }, qualifier);
  }
  const plain = PLAIN_NAME.exec(text);
  if (plain) return withQualifier({ name: plain[1] as string }, plain[2]);
  return undefined;
}

function withQualifier(reference: FunctionReference, qualifier: string | undefined): FunctionReference {
  return qualifier === undefined ? reference : { ...reference, qualifier };
}

/** A time in Lambda's LastModified format: 2026-11-27T08:00:00.000+0000. */
export function lambdaTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** The ARN of a function. */
export function functionArn(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
}

/**
 * The functions deployed in the world's accounts, as the emulated Lambda service and AppFlow see
 * them. The stack adds the registrar's own functions with `add`.
 *
 * @example
 * const registry = createFunctionRegistry(loadWorld('local/worlds/default.json'));
 * registry.get('111111111111', 'eu-west-1', 'healthy-connector')?.arn;
 */
export function createFunctionRegistry(
  world: FunctionWorld,
  options: FunctionRegistryOptions = {},
): FunctionRegistry {
  const lastModified = lambdaTimestamp(options.now ?? new Date());
  const baseDir = options.baseDir ?? (world.path ? dirname(world.path) : process.cwd());
  const registry = new MapFunctionRegistry();
  const code = new Map<string, { sha256: string; size: number }>();
  const codeOf = (path: string) => {
    let found = code.get(path);
    if (!found) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        throw new Error(
          `The world's handler module ${path} cannot be read (${(error as Error).message}); fix the handler path in the world file.`,
        );
      }
      found = { sha256: createHash('sha256').update(bytes).digest('base64'), size: bytes.length };
      code.set(path, found);
    }
    return found;
  };

  for (const account of world.accounts) {
    for (const spec of account.functions) {
      registry.add(deployedFunction(account.accountId, spec, { baseDir, lastModified, codeOf }));
    }
  }
  return registry;
}

function deployedFunction(
  accountId: string,
  spec: WorldFunction,
  context: {
    baseDir: string;
    lastModified: string;
    codeOf: (path: string) => { sha256: string; size: number };
  },
): DeployedFunction {
  const { modulePath, exportName } = moduleOf(spec, context.baseDir);
  const arn = functionArn(spec.region, accountId, spec.name);
  const code = spec.codeSha256 && spec.codeSize !== undefined ? undefined : context.codeOf(modulePath);
  return {
    accountId,
    region: spec.region,
    name: spec.name,
    arn,
    modulePath,
    exportName,
    kind: 'connector',
    runtime: LAMBDA_RUNTIME,
    role: `arn:aws:iam::${accountId}:role/${spec.name}-role`,
    handler: `${basename(modulePath, extname(modulePath))}.${exportName}`,
    tags: { ...(spec.tags ?? {}) },
    state: spec.state ?? 'Active',
    lastUpdateStatus: spec.lastUpdateStatus ?? 'Successful',
    codeSha256: spec.codeSha256 ?? (code?.sha256 as string),
    codeSize: spec.codeSize ?? (code?.size as number),
    lastModified: context.lastModified,
    timeoutSeconds: spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    memorySize: spec.memorySize ?? DEFAULT_MEMORY_MB,
    environment: { ...(spec.environment ?? {}) },
    policy: policyOf(spec.policy, accountId, spec.region, arn),
    ...(spec.reservedConcurrency !== undefined ? { reservedConcurrency: spec.reservedConcurrency } : {}),
  };
}

function moduleOf(spec: WorldFunction, baseDir: string): { modulePath: string; exportName: string } {
  if (spec.modulePath && spec.exportName) {
    return { modulePath: resolve(baseDir, spec.modulePath), exportName: spec.exportName };
  }
  const hash = spec.handler.lastIndexOf('#');
  if (hash <= 0 || hash === spec.handler.length - 1) {
    throw new Error(`Function ${spec.name}: handler "${spec.handler}" should be "<module path>#<export>".`);
  }
  const path = spec.handler.slice(0, hash);
  return {
    modulePath: isAbsolute(path) ? path : resolve(baseDir, path),
    exportName: spec.handler.slice(hash + 1),
  };
}

function policyOf(
  policy: WorldFunction['policy'],
  accountId: string,
  region: string,
  arn: string,
): PolicyStatement[] {
  if (policy === undefined || policy === 'appflow') return [appFlowPolicyStatement(accountId, region, arn)];
  if (policy === 'none') return [];
  return policy.map((statement) => structuredClone(statement));
}

/** A FunctionRegistry over a Map: one function per account, Region and name. */
class MapFunctionRegistry implements FunctionRegistry {
  private readonly functions = new Map<string, DeployedFunction>();

  get(accountId: string, region: string, nameOrArn: string): DeployedFunction | undefined {
    const reference = parseFunctionReference(nameOrArn);
    if (!reference) return undefined;
    if (reference.accountId !== undefined && reference.accountId !== accountId) return undefined;
    if (reference.region !== undefined && reference.region !== region) return undefined;
    if (reference.partition !== undefined && reference.partition !== 'aws') return undefined;
    // Only $LATEST exists: the emulation publishes no versions or aliases.
    if (reference.qualifier !== undefined && reference.qualifier !== '$LATEST') return undefined;
    return this.functions.get(key(accountId, region, reference.name));
  }

  list(accountId: string, region: string): DeployedFunction[] {
    return this.all()
      .filter((fn) => fn.accountId === accountId && fn.region === region)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  all(): DeployedFunction[] {
    return [...this.functions.values()];
  }

  add(fn: DeployedFunction): void {
    this.functions.set(key(fn.accountId, fn.region, fn.name), fn);
  }

  delete(fn: DeployedFunction): boolean {
    const id = key(fn.accountId, fn.region, fn.name);
    // Only this very function: one created again under the same name is another.
    if (this.functions.get(id) !== fn) return false;
    return this.functions.delete(id);
  }
}

function key(accountId: string, region: string, name: string): string {
  return `${accountId}/${region}/${name}`;
}
