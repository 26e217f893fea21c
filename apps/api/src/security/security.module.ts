import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from '../auth/auth.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { loggerParams } from './logging';
import { RateLimiter, throttlerOptions } from './rate-limiter';

/**
 * The hardened edge's injectable parts: the structured logger (nestjs-pino) and the rate limiter
 * (@nestjs/throttler's storage). `hardenEdges()` in bootstrap wires them into the server.
 */
@Module({
  imports: [
    AuthModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => throttlerOptions(config),
    }),
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => loggerParams(config),
    }),
  ],
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class SecurityModule {}
