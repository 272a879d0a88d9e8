import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { promisify } from 'node:util';
import { REGISTRAR_BIN, ROOT } from './paths.js';

const run = promisify(execFile);

/** What a finished command printed and how it exited. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment the registrar runs in: this one, with the SDK's Node 20 notice silenced. */
function registrarEnv(): NodeJS.ProcessEnv {
  return { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
}

/**
 * Runs `registrar <args>` as a user does (node bin/registrar.mjs), from the repository root, with
 * this environment plus `env` (a value of undefined removes a variable).
 */
export function registrar(
  args: string[],
  timeoutMs = 170_000,
  env: Record<string, string | undefined> = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const environment = { ...registrarEnv(), ...env };
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete environment[name];
    const child = spawn(process.execPath, [REGISTRAR_BIN, ...args], { cwd: ROOT, env: environment });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`registrar ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A port nobody listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether something accepts TCP connections on the port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A running `registrar serve`, with what it printed. */
export interface Served {
  child: ChildProcess;
  /** The `endpoint:` line. */
  endpoint: string;
  /** The `export NAME=value` lines. */
  env: Record<string, string>;
  /** The `# hub bus:` and `# state machine:` lines. */
  hubBusArn: string;
  stateMachineArn: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `registrar serve <args>` and resolves once it has printed the block that says how to reach
 * it (through the `# state machine:` line).
 */
export function serve(args: string[], timeoutMs = 170_000): Promise<Served> {
  const child = spawn(process.execPath, [REGISTRAR_BIN, 'serve', ...args], {
    cwd: ROOT,
    env: registrarEnv(),
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`registrar serve printed no endpoint within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const stateMachineArn = /^# state machine: (\S+)$/m.exec(stdout)?.[1];
      if (!stateMachineArn) return;
      clearTimeout(timer);
      resolve({
        child,
        endpoint: /^endpoint: (\S+)$/m.exec(stdout)?.[1] ?? '',
        env: Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]])),
        hubBusArn: /^# hub bus: (\S+)$/m.exec(stdout)?.[1] ?? '',
        stateMachineArn,
        stdout: () => stdout,
        stderr: () => stderr,
        exited,
      });
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(
        new Error(`registrar serve exited (${code}) before printing its endpoint:\n${stdout}\n${stderr}`),
      );
    });
  });
}

/** Where the AWS CLI v2 is, or why it cannot be used. */
export type AwsCliLookup = { found: true; path: string; version: string } | { found: false; why: string };

/**
 * Finds the AWS CLI v2: /usr/bin/aws (where apt installs it), else `aws` on the PATH, if its
 * `--version` says aws-cli/2.
 */
export async function findAwsCliV2(): Promise<AwsCliLookup> {
  const candidates = existsSync('/usr/bin/aws') ? ['/usr/bin/aws', 'aws'] : ['aws'];
  const seen: string[] = [];
  for (const candidate of candidates) {
    try {
      const { stdout, stderr } = await run(candidate, ['--version'], { timeout: 30_000 });
      const version = `${stdout}${stderr}`.trim();
      if (version.startsWith('aws-cli/2')) return { found: true, path: candidate, version };
      seen.push(`${candidate} is ${version.split(' ')[0]}`);
    } catch {
      seen.push(`${candidate} is missing`);
    }
  }
  return { found: false, why: seen.join('; ') };
}

/** Runs the AWS CLI with an environment and returns its parsed JSON output (or {} for none). */
export async function aws(
  cli: string,
  args: string[],
  env: Record<string, string>,
): Promise<Record<string, unknown>> {
  const { stdout } = await run(cli, [...args, '--output', 'json'], {
    env: { ...process.env, ...env, AWS_PAGER: '' },
    timeout: 120_000,
  });
  return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
}
