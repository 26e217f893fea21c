import type { AddressInfo } from 'node:net';
import { createConfiguredApp } from './bootstrap';
import { API_PREFIX } from './common/http-tokens';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { processLogger } from './security/logging';

/** Every interface, plain HTTP: TLS and exposure are the proxy's or the firewall's (README). */
const HOST = '0.0.0.0';

async function start(config: AppConfig): Promise<void> {
  const app = await createConfiguredApp(config);
  await app.listen(config.port, HOST);
  // The port bound, which PORT=0 leaves to the system.
  const { port } = app.getHttpServer().address() as AddressInfo;
  processLogger(config).child({ context: 'Main' }).info(`listening on http://${HOST}:${port}/${API_PREFIX}`);
}

/** One JSON line at level error saying why the service cannot serve, then exit 1. */
function fail(config: Pick<AppConfig, 'logLevel'>, error: unknown): never {
  const log = processLogger(config).child({ context: 'Main' });
  if (error instanceof ConfigError) {
    log.error({ problems: error.problems }, `invalid configuration: ${error.problems.join('; ')}`);
  } else {
    // Anything else is a crash worth its stack.
    log.error({ err: error }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
}

function main(): void {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    fail({ logLevel: 'info' }, error);
  }
  start(config).catch((error: unknown) => fail(config, error));
}

main();
