// The esbuild options serverless-esbuild packages the functions with (serverless.yml's
// custom.esbuild.config); the local stack and the benchmarks run the zips it writes.
// CommonJS because serverless-esbuild loads its `config` file with require().
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
  // at init. serverless-esbuild zips, beside a function's handler.mjs, every other file of the build
  // except the other handlers and the files named like them (handler.*): naming the chunks
  // handler.* keeps each function's chunks in its own zip only.
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

// serverless-esbuild reads outputFileExtension to name the bundle it zips.
module.exports = () => ({ ...options, outputFileExtension: '.mjs' });
module.exports.options = options;
