import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  /** What packaging left in the temporary directory it was given (it should leave nothing). */
  tempLeftovers: string[];
}

/**
 * Packages the hub afresh with scripts/package.mjs (offline, throwaway HOME, dummy credentials),
 * as `npm run package` does, and reads the template it leaves in .serverless/, or in `outputDir`
 * with `params` (`--param="name=value"`) for a hub deployed with other parameters.
 */
export async function packageHub(
  options: { params?: Record<string, string>; outputDir?: string } = {},
): Promise<PackagedHub> {
  const temp = mkdtempSync(join(tmpdir(), 'package-hub-test-'));
  const outputDir = options.outputDir ?? `${ROOT}.serverless/`;
  const args = [
    'scripts/package.mjs',
    ...Object.entries(options.params ?? {}).map(([name, value]) => `--param=${name}=${value}`),
    ...(options.outputDir ? ['--package', options.outputDir] : []),
  ];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, TMPDIR: temp },
    });
    const template = JSON.parse(
      readFileSync(join(outputDir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
    return { template, outputDir, summary: stdout, tempLeftovers: readdirSync(temp) };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
