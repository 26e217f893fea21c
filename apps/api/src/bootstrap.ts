import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import type { Clock } from '@trust-ledger/domain';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { API_PREFIX } from './common/http-tokens';
import { openApiDocument } from './common/openapi';
import { EveryInputInterceptor, validationPipe } from './common/validation';
import { loadConfig, type AppConfig } from './config/app-config';
import { systemClock } from './config/system-clock';
import { edgeServerOptions, hardenEdges } from './security/edge';
import { nestLogger } from './security/logging';

/** API.md: a body over 1 MiB is 413. */
const BODY_LIMIT = 1024 * 1024;

/** `logger: false` silences the application (its log level becomes `silent` unless `logLevel` says otherwise). */
export type CreateAppOptions = Partial<AppConfig> & { clock?: Clock; logger?: false };

/**
 * Builds the ready (initialised, not listening) application: configuration from the environment
 * with `options` on top, the injected clock, validation, the error format, OpenAPI.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const { clock = systemClock, logger, ...overrides } = options;
  const config = loadConfig(logger === false ? { logLevel: 'silent', ...overrides } : overrides);
  return createConfiguredApp(config, clock, logger);
}

/**
 * The same from a configuration already read. Nest logs in the service's JSON format from its first
 * line: a provider that fails while the application is being created (a key that does not fit
 * keys.db, an event store that does not answer) is reported so, before Nest ends the process.
 */
export async function createConfiguredApp(
  config: AppConfig,
  clock: Clock = systemClock,
  logger?: false,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, clock),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT, ...edgeServerOptions(config) }),
    { logger: logger ?? nestLogger(config) },
  );
  await hardenEdges(app, config, API_PREFIX);
  app.setGlobalPrefix(API_PREFIX);
  const pipe = validationPipe(clock);
  app.useGlobalPipes(pipe);
  app.useGlobalInterceptors(new EveryInputInterceptor(pipe));
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();

  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    useGlobalPrefix: true,
    jsonDocumentUrl: 'docs-json',
  });

  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
