import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { build } from 'esbuild';
import type { FunctionErrorPayload } from './errors.js';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);

export type CompileOutcome = { ok: true; path: string } | { ok: false; error: FunctionErrorPayload };

/**
 * Turns a TypeScript function module into an ES module a worker can import. Bundled once per module
 * and code hash with esbuild (as the hub's functions are bundled for deploy), in the parent: a
 * TypeScript loader inside each worker (tsx) makes every cold start much slower than importing a
 * bundle (docs/benchmarks.md, section 5). JavaScript modules (the .mjs bundles of the packaged hub)
 * are imported as they are.
 */
export class ModuleCompiler {
  private readonly outputs = new Map<string, Promise<CompileOutcome>>();
  private directory: string | undefined;

  /** The module to import for this function code: itself, or its bundle. */
  compile(modulePath: string, codeSha256: string): Promise<CompileOutcome> {
    if (!TYPESCRIPT.has(extname(modulePath))) return Promise.resolve({ ok: true, path: modulePath });
    const key = `${modulePath}\n${codeSha256}`;
    let outcome = this.outputs.get(key);
    if (!outcome) {
      outcome = this.bundle(modulePath, key);
      this.outputs.set(key, outcome);
      // A failure is not kept: the next invocation tries again (the code or the disk may be fixed).
      void outcome.then((result) => {
        if (!result.ok && this.outputs.get(key) === outcome) this.outputs.delete(key);
      });
    }
    return outcome;
  }

  /** Deletes the bundles. */
  close(): void {
    if (this.directory) rmSync(this.directory, { recursive: true, force: true });
    this.directory = undefined;
    this.outputs.clear();
  }

  private async bundle(modulePath: string, key: string): Promise<CompileOutcome> {
    try {
      this.directory ??= mkdtempSync(join(tmpdir(), 'appflow-local-runtime-'));
    } catch (error) {
      const errorMessage = `The local runtime cannot write the bundle of ${modulePath} under ${tmpdir()}: ${(error as Error).message}`;
      return { ok: false, error: { errorType: 'Runtime.Unknown', errorMessage, trace: [errorMessage] } };
    }
    try {
      const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
      const outfile = join(this.directory, `${basename(modulePath, extname(modulePath))}-${hash}.mjs`);
      await build({
        entryPoints: [modulePath],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        // Stack traces (the Cause Step Functions shows) then point at the TypeScript source.
        sourcemap: 'inline',
        // Positions are all a stack trace needs. Without the sources' text the bundle is much smaller
        // and each cold start, which decodes and parses its map under --enable-source-maps, cheaper
        // (docs/benchmarks.md, section 5): 200 connectors start in a burst.
        sourcesContent: false,
        logLevel: 'silent',
        banner: {
          js: "import { createRequire as __localRuntimeCreateRequire } from 'node:module'; const require = __localRuntimeCreateRequire(import.meta.url);",
        },
      });
      return { ok: true, path: outfile };
    } catch (error) {
      return { ok: false, error: compileError(modulePath, error) };
    }
  }
}

// A missing module is what Lambda calls Runtime.ImportModuleError; anything else esbuild rejects is
// a syntax error in the user's code.
function compileError(modulePath: string, error: unknown): FunctionErrorPayload {
  const first = (
    error as {
      errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }>;
    }
  ).errors?.[0];
  const where = first?.location
    ? ` (${first.location.file}:${first.location.line}:${first.location.column})`
    : '';
  const text = first?.text ?? (error as Error).message;
  const missing = /^Could not resolve "(.+)"/.exec(text);
  if (missing || (error as NodeJS.ErrnoException).code === 'ENOENT' || /Could not resolve/.test(text)) {
    const errorMessage = `Error: Cannot find module '${missing?.[1] ?? modulePath}' imported from ${first?.location?.file ?? modulePath}`;
    return {
      errorType: 'Runtime.ImportModuleError',
      errorMessage,
      trace: [`Runtime.ImportModuleError: ${errorMessage}`],
    };
  }
  const errorMessage = `SyntaxError: ${text}${where}`;
  return {
    errorType: 'Runtime.UserCodeSyntaxError',
    errorMessage,
    trace: [`Runtime.UserCodeSyntaxError: ${errorMessage}`],
  };
}
