import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';

/** A function's zip, unpacked: its files by path. */
export function zipFiles(zipPath: string): Map<string, Uint8Array> {
  return new Map(Object.entries(unzipSync(readFileSync(zipPath))).filter(([path]) => !path.endsWith('/')));
}

/** Writes the zip's files below `directory`, as Lambda unpacks them into /var/task. */
export function unpack(files: Map<string, Uint8Array>, directory: string): void {
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    writeFileSync(join(directory, path), bytes);
  }
}

/**
 * The relative modules an esbuild ESM output imports: `static` ones (`from"./x.mjs"`, `import"./x.mjs"`)
 * load with it; `dynamic` ones (`import("./x.mjs")`) only when that line runs.
 */
export function relativeImports(code: string): { static: string[]; dynamic: string[] } {
  return {
    static: [...code.matchAll(/(?:from|import)\s*"(\.\/[^"]+)"/g)].map(([, path]) => path as string),
    dynamic: [...code.matchAll(/import\(\s*"(\.\/[^"]+)"\s*\)/g)].map(([, path]) => path as string),
  };
}

/** The variables the handlers read at module scope, with dummy credentials (nothing is called). */
const HANDLER_ENV: Record<string, string> = {
  HUB_ACCOUNT_ID: '111111111111',
  SPOKE_ROLE_NAME: 'AppFlowConnectorRegistrar',
  IDEMPOTENCY_TABLE_NAME: 'appflow-connector-registrar-dev-idempotency',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Imports a packaged handler in a fresh Node process, as Lambda's init does; its exit and stderr. */
export function importHandler(
  handlerPath: string,
  env: Record<string, string>,
): { status: number | null; stderr: string } {
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(`file://${handlerPath}`)});`],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...HANDLER_ENV, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: child.status, stderr: child.stderr };
}
