import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CLOCK, type Clock } from '@trust-ledger/domain';
import { APP_CONFIG, type AppConfig } from './app-config';

/** The resolved configuration and the clock, injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
      ],
      exports: [APP_CONFIG, CLOCK],
    };
  }
}
