#!/usr/bin/env node
// Packages the hub offline, as `serverless deploy` would before uploading: the bundles and the
// CloudFormation template, without an AWS account or network. The local stack deploys this output.
//
//   node scripts/package.mjs                                     # stage dev, into .serverless/
//   node scripts/package.mjs --param="organizationId=o-abc123def4"
//   node scripts/package.mjs --package /some/dir --quiet         # what the local stack runs
//
// Every argument goes to `serverless package`. osls keeps a compiled config validator and
// ~/.serverlessrc under HOME, so HOME is a folder in this project's machine cache (cache-home.cjs),
// never the user's own. The child gets a temp directory of its own, removed afterwards,
// so whatever a plugin leaves there goes with it. The dummy credentials only satisfy osls's
// credential check (packaging calls no AWS API), and the proxy variables point at a closed port so
// that anything trying to reach the network fails at once.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const lockfile = require('proper-lockfile');
const { cacheHome } = require('./cache-home.cjs');
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const serverless = join(root, 'node_modules', '.bin', 'serverless');
const closedPort = 'http://127.0.0.1:9';

const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const slsArgs = args.filter((arg) => arg !== '--quiet');
const at = slsArgs.findIndex((arg) => arg === '--package' || arg.startsWith('--package='));
const outputDir =
  at < 0
    ? join(root, '.serverless')
    : resolve(slsArgs[at].includes('=') ? slsArgs[at].split('=').slice(1).join('=') : slsArgs[at + 1]);
if (!slsArgs.includes('--stage')) slsArgs.unshift('--stage', 'dev');
const templatePath = join(outputDir, 'cloudformation-template-update-stack.json');

const home = join(cacheHome(), 'serverless-home');
mkdirSync(home, { recursive: true });
const temp = mkdtempSync(join(tmpdir(), 'registrar-package-'));

// osls builds every package in one folder of the project (.serverless): one package at a time.
mkdirSync(join(root, '.build'), { recursive: true });
const release = await lockfile.lock(join(root, '.build'), {
  lockfilePath: join(root, '.build', 'package.lock'),
  stale: 60_000,
  retries: { retries: 1200, minTimeout: 100, maxTimeout: 500 },
});
const started = performance.now();
let result;
try {
  rmSync(outputDir, { recursive: true, force: true });
  result = spawnSync(serverless, ['package', ...slsArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: home,
      TMPDIR: temp,
      AWS_ACCESS_KEY_ID: 'AKIAPACKAGEOFFLINE00',
      AWS_SECRET_ACCESS_KEY: 'package-offline-dummy-secret',
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      HTTP_PROXY: closedPort,
      HTTPS_PROXY: closedPort,
      http_proxy: closedPort,
      https_proxy: closedPort,
      NO_PROXY: '',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      FORCE_COLOR: '0',
    },
  });
} finally {
  rmSync(temp, { recursive: true, force: true });
  await release();
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);

if (result.error || result.status !== 0) {
  process.stderr.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  console.error(
    `serverless package failed after ${seconds}s${result.error ? `: ${result.error.message}` : ''}`,
  );
  process.exit(result.status || 1);
}
if (quiet) process.exit(0);

const template = JSON.parse(readFileSync(templatePath, 'utf8'));
const byType = {};
for (const resource of Object.values(template.Resources)) {
  byType[resource.Type] = (byType[resource.Type] ?? 0) + 1;
}
const artifacts = Object.values(template.Resources)
  .filter((resource) => resource.Type === 'AWS::Lambda::Function')
  .map((resource) => {
    const zip = join(outputDir, resource.Properties.Code.S3Key.split('/').pop());
    return `${resource.Properties.Handler} (${Math.round(statSync(zip).size / 1024)} KiB)`;
  });

const stage = slsArgs[slsArgs.indexOf('--stage') + 1];
console.log(`Packaged stage ${stage} in ${seconds}s: ${relative(root, templatePath) || templatePath}`);
console.log(
  `  ${Object.keys(template.Resources).length} resources, ${Object.keys(template.Outputs ?? {}).length} outputs`,
);
for (const [type, count] of Object.entries(byType).sort())
  console.log(`  ${String(count).padStart(3)} ${type}`);
for (const artifact of artifacts) console.log(`  bundle ${artifact}`);
