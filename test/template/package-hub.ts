import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Template } from './template.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The packaged hub: its CloudFormation template and the folder holding the bundles. */
export interface PackagedHub {
  template: Template;
  outputDir: string;
  summary: string;
}

/**
 * Packages the hub afresh with scripts/package.mjs (offline, throwaway HOME, dummy credentials),
 * as `npm run package` does, and reads the template it leaves in .serverless/, or in `outputDir`
 * with `params` (`--param="name=value"`) for a hub deployed with other parameters.
 */
export async function packageHub(
  options: { params?: Record<string, string>; outputDir?: string } = {},
): Promise<PackagedHub> {
  const outputDir = options.outputDir ?? `${ROOT}.serverless/`;
  const args = [
    'scripts/package.mjs',
    ...Object.entries(options.params ?? {}).map(([name, value]) => `--param=${name}=${value}`),
    ...(options.outputDir ? ['--package', options.outputDir] : []),
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const template = JSON.parse(
    readFileSync(join(outputDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  return { template, outputDir, summary: stdout };
}
