// The machine's cache folder for this project: XDG_CACHE_HOME, else ~/.cache, then
// appflow-connector-registrar. osls's HOME (scripts/package.mjs) and the store of packaged hubs that
// every checkout shares (local/deploy/package.ts) live there. CommonJS like the other scripts that
// TypeScript code loads with createRequire.
const { homedir } = require('node:os');
const { join } = require('node:path');

function cacheHome() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'appflow-connector-registrar');
}

module.exports = { cacheHome };
