// The esbuild options the hub's functions are bundled with (scripts/serverless-bundle.cjs); the local
// stack and the benchmarks run the zips it writes, and the cold-start benchmark's baselines use them.
// CommonJS because the osls plugin that uses them is loaded with require().
const options = {
  bundle: true,
  minify: true,
  sourcemap: false,
  platform: 'node',
  // Lambda runs nodejs22.x; node20 keeps the bundle loadable on this machine's Node 20 as well.
  target: 'node20',
  format: 'esm',
  // Each dynamic import() becomes a chunk loaded when it runs, so code a function may never run
  // (Tracer and the X-Ray SDK with tracing off, the SDK's unused credential providers) is not parsed
  // at init. The chunks go beside the function's handler.mjs, named after it.
  splitting: true,
  chunkNames: 'handler.[name]-[hash]',
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require() at runtime; ESM bundles need it defined.
  banner: {
    js: "import { createRequire as __registrarCreateRequire } from 'node:module'; const require = __registrarCreateRequire(import.meta.url);",
  },
  outExtension: { '.js': '.mjs' },
  // Every SDK client is bundled (not taken from the runtime) so versions are those pinned here.
  external: [],
};

module.exports = { options };
