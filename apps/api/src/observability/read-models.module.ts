import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ProjectionsModule } from '@trust-ledger/projections';
import { CaseViewsModule } from '../case-views/case-views.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { HealthController } from './health.controller';
import { Metrics } from './metrics';
import { ReadYourWritesInterceptor } from './read-your-writes.interceptor';

/**
 * The read side: the projection runner over DATA_DIR/read-models.db, the case views, read-your-
 * writes for every GET, and /health and /metrics. Other slices register their projections with
 * @ProjectionProvider() in their own modules.
 */
@Module({
  imports: [
    ProjectionsModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ dataDir: config.dataDir }),
    }),
    CaseViewsModule,
  ],
  controllers: [HealthController],
  providers: [Metrics, { provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor }],
})
export class ReadModelsModule {}
