import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Clock } from '@trust-ledger/domain';
import { AccessLogModule } from './access-log/access-log.module';
import { AuthModule } from './auth/auth.module';
import { CasesModule } from './cases/cases.module';
import { CertificationsModule } from './certifications/certifications.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { EncountersModule } from './encounters/encounters.module';
import { EvidenceModule } from './evidence/evidence.module';
import { chainedEventStoreModule, integrityModule } from './integrity/chained-event-store';
import { CaseIntegrityModule } from './integrity/case-integrity.module';
import { MattersModule } from './matters/matters.module';
import { ReadModelsModule } from './observability/read-models.module';
import { OrdinanceModule } from './ordinance/ordinance.module';
import { ErasureModule } from './privacy/erasure.module';
import { privacyModule } from './privacy/privacy-module';
import { PublicStatisticsModule } from './public-statistics/public-statistics.module';
import { ReportsModule } from './reports/reports.module';
import { SecurityModule } from './security/security.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { ViolationsModule } from './violations/violations.module';
import { WriteModule } from './write/write.module';

/** Each feature adds its module's import above and one entry here; nothing else in this file. */
const FEATURES: Array<Type | DynamicModule> = [
  CasesModule,
  ReadModelsModule,
  OrdinanceModule,
  EncountersModule,
  CertificationsModule,
  ViolationsModule,
  PublicStatisticsModule,
  SchedulerModule,
  CaseIntegrityModule,
  MattersModule,
  SecurityModule,
  ErasureModule,
  EvidenceModule,
  AccessLogModule,
  ReportsModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        // Every append hash-chained; personal data sealed before it reaches the store.
        chainedEventStoreModule(config),
        integrityModule(config),
        privacyModule(config),
        CqrsModule.forRoot(),
        AuthModule,
        WriteModule,
        ...FEATURES,
      ],
    };
  }
}
