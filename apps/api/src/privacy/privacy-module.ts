import type { DynamicModule } from '@nestjs/common';
import { PrivacyModule } from '@trust-ledger/privacy';
import type { AppConfig } from '../config/app-config';

/** The per-person cipher and the codec that seals personal data before it reaches the store. */
export function privacyModule(config: AppConfig): DynamicModule {
  return PrivacyModule.forRoot({ dataDir: config.dataDir, masterKey: config.masterKey });
}
