import { createRequire } from 'node:module';

/**
 * Serverless variables (`${self:…}`, `${sls:stage}`, `${param:…}`, `${opt:…, 'default'}`, `${env:…}`,
 * `${file(…)}` including JS files that export a function, `${strToBool(…)}`, `${aws:…}`), resolved by
 * osls's own resolver so the local stack reads serverless.yml exactly as `serverless package` does:
 * same syntax, fallbacks, nesting, escapes and error messages ("Cannot resolve variable at "…": …").
 * Only the sources that would reach AWS (param, aws, sls) are supplied here, from the options.
 */

interface SourceContext {
  address?: string | null;
  params?: unknown[] | null;
  options: Record<string, unknown>;
  resolveConfigurationProperty(path: string[]): Promise<unknown>;
}

interface VariableSource {
  resolve(context: SourceContext): Promise<{ value: unknown; isPending?: boolean }> | { value: unknown };
}

type ResolveVariables = (input: {
  serviceDir: string;
  configuration: Record<string, unknown>;
  options: Record<string, unknown>;
  sources: Record<string, VariableSource>;
}) => Promise<void>;

const require = createRequire(import.meta.url);
const OSLS = 'serverless/lib/configuration/variables';
// osls 4.3.1 documents lib/configuration/variables/index.js as the entry for side resolution of variables.
const resolveAll = require(`${OSLS}/index.js`) as ResolveVariables;
const ossSources = {
  file: require(`${OSLS}/sources/file.js`) as VariableSource,
  opt: require(`${OSLS}/sources/opt.js`) as VariableSource,
  self: require(`${OSLS}/sources/self.js`) as VariableSource,
  strToBool: require(`${OSLS}/sources/str-to-bool.js`) as VariableSource,
};

export interface VariableOptions {
  /** The folder of serverless.yml: `${file(…)}` paths are relative to it. */
  serviceDir: string;
  /** CLI options (`--stage`, `--region`, any `--name value`): the `opt` source. */
  options: Record<string, string>;
  /** `--param="name=value"`: wins over the stage's and the default params. */
  params: Record<string, string>;
  /** The `env` source; default process.env. */
  env: NodeJS.ProcessEnv;
  /** What `${aws:accountId}` answers (it would call STS GetCallerIdentity). */
  accountId: string;
}

/** Thrown when serverless.yml cannot be read as serverless would: the message names the key. */
export class DeploymentConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeploymentConfigError';
  }
}

async function stageOf(context: SourceContext): Promise<string> {
  const fromOptions = context.options.stage;
  if (typeof fromOptions === 'string' && fromOptions !== '') return fromOptions;
  const fromProvider = await context.resolveConfigurationProperty(['provider', 'stage']);
  return typeof fromProvider === 'string' && fromProvider !== '' ? fromProvider : 'dev';
}

function paramsOf(configuration: Record<string, unknown>, stage: string, overrides: Record<string, string>) {
  const params = (configuration.params ?? {}) as Record<string, Record<string, unknown> | undefined>;
  // Precedence as osls's param source: --param, then the stage's own params, then `default`.
  return { ...(params.default ?? {}), ...(params[stage] ?? {}), ...overrides } as Record<string, unknown>;
}

function requireAddress(source: string, context: SourceContext): string {
  if (typeof context.address !== 'string' || context.address === '') {
    throw new DeploymentConfigError(`Missing address argument in variable "${source}" source`);
  }
  return context.address;
}

/**
 * Resolves every serverless variable of a parsed serverless.yml in place, as `serverless package` does,
 * and returns the stage params it used.
 */
export async function resolveServerlessVariables(
  configuration: Record<string, unknown>,
  options: VariableOptions,
): Promise<{ stage: string; params: Record<string, unknown> }> {
  // params are read before resolution: their own values may hold variables, resolved on demand below.
  const rawParams = structuredClone(configuration.params ?? {});
  const sources: Record<string, VariableSource> = {
    ...ossSources,
    env: {
      resolve: (context) => {
        const name = requireAddress('env', context);
        return { value: options.env[name] ?? null };
      },
    },
    sls: {
      resolve: async (context) => {
        const address = requireAddress('sls', context);
        if (address === 'stage') return { value: await stageOf(context) };
        // A fixed instance id: the local stack is one instance.
        if (address === 'instanceId') return { value: 'local' };
        throw new DeploymentConfigError(`Unsupported "${address}" address argument in variable "sls" source`);
      },
    },
    param: {
      resolve: async (context) => {
        const name = requireAddress('param', context);
        // A raw value holding a variable (`${env:…}`) is resolved further by osls, as for its own source.
        const value = paramsOf({ params: rawParams }, await stageOf(context), options.params)[name];
        return { value: value ?? null };
      },
    },
    aws: {
      resolve: async (context) => {
        const address = requireAddress('aws', context);
        if (address === 'accountId') return { value: options.accountId };
        if (address === 'region') {
          const fromOptions = context.options.region;
          if (typeof fromOptions === 'string' && fromOptions !== '') return { value: fromOptions };
          const fromProvider = await context.resolveConfigurationProperty(['provider', 'region']);
          return {
            value: typeof fromProvider === 'string' && fromProvider !== '' ? fromProvider : 'us-east-1',
          };
        }
        throw new DeploymentConfigError(`Unsupported "${address}" address argument in variable "aws" source`);
      },
    },
  };
  try {
    await resolveAll({
      serviceDir: options.serviceDir,
      configuration,
      options: { ...options.options },
      sources,
    });
  } catch (error) {
    throw new DeploymentConfigError(
      `serverless.yml cannot be resolved as serverless would: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const provider = (configuration.provider ?? {}) as Record<string, unknown>;
  const stage =
    options.options.stage ??
    (typeof provider.stage === 'string' && provider.stage !== '' ? provider.stage : 'dev');
  return { stage, params: paramsOf(configuration, stage, options.params) };
}
