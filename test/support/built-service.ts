import { join, resolve } from 'node:path';

/**
 * The built service and CLI, for tests that run the real processes (`npm run build`, which CI does
 * before the tests): Nest's injection needs the decorator metadata that only the real compiler
 * emits. TRUST_LEDGER_BUILD names another build directory (e.g. one built with
 * `nest build api -p <tsconfig with another outDir>`, away from a shared dist/).
 */
const BUILD = resolve(__dirname, '../..', process.env.TRUST_LEDGER_BUILD ?? 'dist');
export const API_MAIN = join(BUILD, 'apps/api/src/main.js');
export const CLI_MAIN = join(BUILD, 'apps/cli/src/main.js');

/** The line the service logs once it serves, with the port it bound. */
export const LISTENING = /listening on http:\/\/0\.0\.0\.0:(\d+)\//;

/** The environment the built service runs in for a test: the embedded store in `dataDir`, on a port
 * the system picks, with `secret` for tokens; `extra` adds to it or unsets (undefined). */
export const builtServiceEnv = (
  dataDir: string,
  secret: string,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv => ({
  ...process.env,
  DATA_DIR: dataDir,
  PORT: '0',
  LOG_LEVEL: 'info',
  JWT_SECRET: secret,
  EVENT_STORE: 'sqlite',
  ...extra,
});
