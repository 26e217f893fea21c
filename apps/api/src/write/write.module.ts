import { Global, Module } from '@nestjs/common';
import { PersonalDataCodec } from '@trust-ledger/privacy';
import { CommandExecutor } from './command-executor';
import { EVENT_CODEC } from './event-codec';
import { IdempotencyStore } from './idempotency.store';

/** The write path every aggregate's handlers use. Personal data is sealed per person before it
 * reaches the store (PersonalDataCodec, from the global PrivacyModule the application imports). */
@Global()
@Module({
  providers: [CommandExecutor, IdempotencyStore, { provide: EVENT_CODEC, useExisting: PersonalDataCodec }],
  exports: [CommandExecutor, EVENT_CODEC],
})
export class WriteModule {}
