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
 * as `npm run package` does, and reads the template it leaves in .serverless/.
 */
export async function packageHub(): Promise<PackagedHub> {
  const temp = mkdtempSync(join(tmpdir(), 'package-hub-test-'));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['scripts/package.mjs'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, TMPDIR: temp },
    });
    const outputDir = `${ROOT}.serverless/`;
    const template = JSON.parse(
      readFileSync(`${outputDir}cloudformation-template-update-stack.json`, 'utf8'),
    ) as Template;
    return { template, outputDir, summary: stdout, tempLeftovers: readdirSync(temp) };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
