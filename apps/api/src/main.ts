import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createApp } from './bootstrap';
import { API_PREFIX } from './common/http-tokens';
import { APP_CONFIG, ConfigError, type AppConfig } from './config/app-config';

async function main(): Promise<void> {
  const app = await createApp();
  const { port } = app.get<AppConfig>(APP_CONFIG);
  // Every interface, plain HTTP: TLS and exposure are the proxy's or the firewall's (README).
  await app.listen(port, '0.0.0.0');
  // The port bound, which PORT=0 leaves to the system.
  const bound = (app.getHttpServer().address() as AddressInfo).port;
  new Logger('Main').log(`listening on http://0.0.0.0:${bound}/${API_PREFIX}`);
}

main().catch((error: unknown) => {
  // Configuration errors name every problem; anything else is a crash worth its stack.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
