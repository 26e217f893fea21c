import { Module, type DynamicModule } from '@nestjs/common';
import type { Clock } from '@trust-ledger/domain';
import type { AppConfig } from '../../../api/src/config/app-config';
import { ConfigModule } from '../../../api/src/config/config.module';
import { chainedEventStoreModule, integrityModule } from '../../../api/src/integrity/chained-event-store';
import { privacyModule } from '../../../api/src/privacy/privacy-module';
import { WriteModule } from '../../../api/src/write/write.module';

/**
 * The API's write path without HTTP, projections or scheduler: the same hash-chained store, the
 * same sealing of personal data and the WriteModule's CommandExecutor, so imported rows are written
 * exactly as the API writes commands. The integrity module checkpoints the stream heads when the
 * import ends.
 */
@Module({})
export class ImportModule {
  static forRoot(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: ImportModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        chainedEventStoreModule(config),
        integrityModule(config),
        privacyModule(config),
        WriteModule,
      ],
    };
  }
}
