#!/usr/bin/env node
// The `registrar` command: the operator commands (ops/cli) and the local stack's (local/cli). It is
// TypeScript, loaded through tsx's ESM loader so no separate compile step stands between a clone and
// `npm start`.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { runCli } = await import('../ops/cli/main.ts');
await runCli(process.argv);
