import { ConfigurationError } from './errors.js';

/**
 * Reads a required environment variable, once, at module scope.
 *
 * @example const tableName = requireEnv('IDEMPOTENCY_TABLE_NAME');
 */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(
      `Environment variable ${name} is not set. It is set by serverless.yml on deploy; when running a handler by hand, export it first.`,
    );
  }
  return value;
}

/** A comma-separated list variable; empty or unset means "no restriction". */
export function listEnv(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
