import { createApp } from './bootstrap';
import { APP_CONFIG, ConfigError, type AppConfig } from './config/app-config';

async function main(): Promise<void> {
  const app = await createApp();
  const { port } = app.get<AppConfig>(APP_CONFIG);
  await app.listen(port, '0.0.0.0');
}

main().catch((error: unknown) => {
  // Configuration errors name every problem; anything else is a crash worth its stack.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
