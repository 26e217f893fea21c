// First: it holds SIGTERM and SIGINT while the rest loads.
import { releaseStartSignals } from './hold-start-signals';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createConfiguredApp } from './bootstrap';
import { API_PREFIX } from './common/http-tokens';
import { ConfigError, prepareDataDir, readConfig, type AppConfig } from './config/app-config';
import { processLogger } from './security/logging';

/** Every interface, plain HTTP: TLS and exposure are the proxy's or the firewall's (README). */
const HOST = '0.0.0.0';

/** A start the operator can put right (a setting, a port, a store): its reason is enough, no stack. */
class CannotStartError extends Error {
  override readonly name = 'CannotStartError';
}

/**
 * Holds the port from before the service writes anything until its server takes it over: DATA_DIR
 * and the JWT secret (`prepareDataDir`), then the start-up hooks that write to the log (the default
 * ordinance, deadlines already due) in Nest's init(). Fastify binds only after init(), once its
 * routes are fixed: without this a start that cannot bind would have written them already. A
 * connection made meanwhile is closed at once.
 */
async function reservePort(port: number): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, resolve);
    });
  } catch (error) {
    throw new CannotStartError(`cannot listen on ${HOST}:${port}: ${(error as Error).message}`);
  }
  return server;
}

/**
 * Ends a start still under way at SIGTERM or SIGINT, as a start that fails: before Nest's own
 * handlers exist the signal would end the process without a word (hold-start-signals keeps it for
 * this from the first module loaded), and once they do (from before init()) they close the
 * application gracefully, which waits on whatever init() waits on, such as a store that does not
 * answer. Returns the function that hands the signals back to Nest, once the service serves.
 */
function endStartAtSignal(config: AppConfig): () => void {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const interrupted = (signal: NodeJS.Signals): void =>
    fail(config, new CannotStartError(`start interrupted by ${signal}: the service is not serving`));
  for (const signal of signals) process.once(signal, interrupted);
  releaseStartSignals();
  return () => {
    for (const signal of signals) process.removeListener(signal, interrupted);
  };
}

async function start(read: AppConfig): Promise<void> {
  const started = endStartAtSignal(read);
  const reserved = await reservePort(read.port);
  // The port bound, which PORT=0 leaves to the system.
  const { port } = reserved.address() as AddressInfo;
  const config = prepareDataDir(read);
  const app = await createConfiguredApp(config);
  await new Promise((resolve) => reserved.close(resolve));
  await app.listen(port, HOST);
  started();
  // At every level but silent: whoever runs the service at LOG_LEVEL=warn still needs to know
  // that it serves, and where.
  processLogger(config)
    .child({ context: 'Main' }, { level: config.logLevel === 'silent' ? 'silent' : 'info' })
    .info(`listening on http://${HOST}:${port}/${API_PREFIX}`);
}

/** One JSON line at level error saying why the service cannot serve, then exit 1. */
function fail(config: Pick<AppConfig, 'logLevel'>, error: unknown): never {
  const log = processLogger(config).child({ context: 'Main' });
  if (error instanceof ConfigError) {
    log.error({ problems: error.problems }, `invalid configuration: ${error.problems.join('; ')}`);
  } else if (error instanceof CannotStartError) {
    log.error(error.message);
  } else {
    // Anything else is a crash worth its stack.
    log.error({ err: error }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
}

function main(): void {
  let config: AppConfig;
  try {
    config = readConfig();
  } catch (error) {
    fail({ logLevel: 'info' }, error);
  }
  start(config).catch((error: unknown) => fail(config, error));
}

main();
