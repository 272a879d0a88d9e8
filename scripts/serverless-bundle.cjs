// A local osls plugin (serverless.yml `plugins`) that bundles each function with esbuild and zips it,
// when `serverless package` or `serverless deploy` packages the hub.
//
// It stands in for serverless-esbuild, whose bundles are the same bytes (each function built on its
// own, split at its dynamic imports) but which loads a large dependency tree of its own, starts
// only when osls reaches the packaging step, builds each function from scratch, and zips through
// temporary folders. Here one esbuild context builds the functions in turn, so a file several
// functions import (most of the AWS SDK) is parsed once; the builds start as soon as osls loads the
// plugin and stay in memory. docs/benchmarks.md, section 8, has the figures.
// CommonJS because osls loads plugins with require().
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { basename, join, posix } = require('node:path');
const { zipSync } = require('fflate');
const { options } = require('./esbuild-options.cjs');

/**
 * Zip entries get a fixed time, so the same code makes the same zip (and Lambda's CodeSha256). Zip
 * times carry no zone and fflate writes the local one: local midnight is 1980-01-01 00:00 anywhere.
 */
const ZIP_TIME = new Date(1980, 0, 1);
/** rw-r--r-- regular file, in the upper 16 bits of a Unix zip entry's external attributes. */
const FILE_ATTRS = 0o100644 * 0x10000;
const SOURCE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
/** The import the context's entry point names; resolved to the handler module of each build. */
const HANDLER_ENTRY = 'registrar:handler';
/** What the build names the entry's output; in the zip it takes the module's name. */
const ENTRY_OUTPUT = `handler${options.outExtension['.js']}`;

/** `functions/x/handler.handler` → its module file, relative to the service folder. */
function handlerModule(serviceDir, handler) {
  const modulePath = handler.slice(0, handler.lastIndexOf('.'));
  const extension = SOURCE_EXTENSIONS.find((candidate) =>
    existsSync(join(serviceDir, `${modulePath}${candidate}`)),
  );
  if (!extension) {
    throw new Error(
      `The handler "${handler}" names the module ${modulePath}, which has no ${SOURCE_EXTENSIONS.slice(0, -1).join(', ')} or ${SOURCE_EXTENSIONS.at(-1)} file in ${serviceDir}: check the function's handler in serverless.yml`,
    );
  }
  return `${modulePath}${extension}`;
}

/**
 * Bundles each handler (`functions/x/handler.handler`, by function name) and resolves with each
 * function's files, path in the zip → bytes: the handler's module as functions/x/handler.mjs and the
 * chunks of its dynamic imports beside it, exactly what building that handler alone writes.
 */
async function bundleHandlers(serviceDir, handlers) {
  const esbuild = require('esbuild');
  const modules = Object.entries(handlers).map(([name, handler]) => [
    name,
    handlerModule(serviceDir, handler),
  ]);
  let current;
  const context = await esbuild.context({
    ...options,
    absWorkingDir: serviceDir,
    entryPoints: { handler: HANDLER_ENTRY },
    // Output paths only name the files (handler.mjs, handler.<chunk>-<hash>.mjs): in the zip they
    // go to the handler's folder.
    outdir: serviceDir,
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'registrar-handler',
        setup(build) {
          build.onResolve({ filter: new RegExp(`^${HANDLER_ENTRY}$`) }, () => ({
            path: join(serviceDir, current),
          }));
        },
      },
    ],
  });
  try {
    const bundles = {};
    for (const [name, module] of modules) {
      current = module;
      const { outputFiles } = await context.rebuild();
      const folder = posix.dirname(module);
      const entry = `${posix.basename(module, posix.extname(module))}${options.outExtension['.js']}`;
      bundles[name] = Object.fromEntries(
        outputFiles.map((file) => {
          const output = basename(file.path);
          return [posix.join(folder, output === ENTRY_OUTPUT ? entry : output), file.contents];
        }),
      );
    }
    return bundles;
  } finally {
    await context.dispose();
  }
}

/** A deflated zip of `files` (path → bytes), entries sorted, with fixed times and modes. */
function zipOf(files) {
  const entries = Object.keys(files)
    .sort()
    .map((path) => [path, [files[path], { mtime: ZIP_TIME, os: 3, attrs: FILE_ATTRS }]]);
  return zipSync(Object.fromEntries(entries));
}

/** True when this osls command packages the functions: `package`, or `deploy` without --package. */
function packagesFunctions(commands, cliOptions) {
  return (
    commands.length === 1 && (commands[0] === 'package' || (commands[0] === 'deploy' && !cliOptions.package))
  );
}

class BundlePlugin {
  constructor(serverless, cliOptions) {
    this.serverless = serverless;
    this.options = cliOptions ?? {};
    // Bundling starts while osls validates the configuration and runs the hooks before packaging.
    if (packagesFunctions(serverless.processedInput.commands, this.options)) {
      this.bundles = this.bundle(serverless.service.getAllFunctions());
      this.bundles.catch(() => undefined); // reported when package() awaits it
    }
    this.hooks = {
      'before:package:createDeploymentArtifacts': () =>
        this.package(this.bundles ?? this.bundle(this.serverless.service.getAllFunctions())),
      // `serverless deploy function -f <name>` packages that one function.
      'before:package:function:package': () => this.package(this.bundle([this.options.function])),
    };
  }

  /** The bundles of these functions (by serverless.yml name). */
  bundle(names) {
    const { service, serviceDir } = this.serverless;
    return bundleHandlers(
      serviceDir,
      Object.fromEntries(names.map((name) => [name, service.getFunction(name).handler])),
    );
  }

  /** Writes <function>.zip for every bundle and points the function's package at it. */
  async package(bundling) {
    const { service, serviceDir } = this.serverless;
    const bundles = await bundling;
    // osls builds the package in <service>/.serverless and moves it to --package when done.
    mkdirSync(join(serviceDir, '.serverless'), { recursive: true });
    for (const [name, files] of Object.entries(bundles)) {
      const artifact = posix.join('.serverless', `${name}.zip`);
      writeFileSync(join(serviceDir, artifact), zipOf(files));
      service.getFunction(name).package = { artifact };
    }
  }
}

module.exports = BundlePlugin;
module.exports.bundleHandlers = bundleHandlers;
module.exports.zipOf = zipOf;
module.exports.packagesFunctions = packagesFunctions;
