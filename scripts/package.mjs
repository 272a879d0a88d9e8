#!/usr/bin/env node
// Packages the hub offline, as `serverless deploy` would before uploading: the bundles and
// .serverless/cloudformation-template-update-stack.json, without an AWS account or network.
//
//   node scripts/package.mjs                                     # stage dev
//   node scripts/package.mjs --param="organizationId=o-abc123def4"
//
// osls writes ~/.serverlessrc, so it runs with a throwaway HOME; the dummy credentials only satisfy
// its credential check (packaging calls no AWS API), and the proxy variables point at a closed port
// so that anything trying to reach the network fails at once instead of hanging.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const serverless = join(root, 'node_modules', '.bin', 'serverless');
const templatePath = join(root, '.serverless', 'cloudformation-template-update-stack.json');
const closedPort = 'http://127.0.0.1:9';

const started = performance.now();
const home = mkdtempSync(join(tmpdir(), 'registrar-sls-home-'));
let result;
try {
  rmSync(join(root, '.serverless'), { recursive: true, force: true });
  result = spawnSync(serverless, ['package', '--stage', 'dev', ...process.argv.slice(2)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: home,
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
  rmSync(home, { recursive: true, force: true });
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

const template = JSON.parse(readFileSync(templatePath, 'utf8'));
const byType = {};
for (const resource of Object.values(template.Resources)) {
  byType[resource.Type] = (byType[resource.Type] ?? 0) + 1;
}
const artifacts = Object.values(template.Resources)
  .filter((resource) => resource.Type === 'AWS::Lambda::Function')
  .map((resource) => {
    const zip = join(root, '.serverless', resource.Properties.Code.S3Key.split('/').pop());
    return `${resource.Properties.Handler} (${Math.round(statSync(zip).size / 1024)} KiB)`;
  });

console.log(`Packaged stage dev in ${seconds}s: ${templatePath.slice(root.length + 1)}`);
console.log(
  `  ${Object.keys(template.Resources).length} resources, ${Object.keys(template.Outputs ?? {}).length} outputs`,
);
for (const [type, count] of Object.entries(byType).sort())
  console.log(`  ${String(count).padStart(3)} ${type}`);
for (const artifact of artifacts) console.log(`  bundle ${artifact}`);
