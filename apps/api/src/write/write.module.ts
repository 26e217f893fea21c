import { Global, Module } from '@nestjs/common';
import { CommandExecutor } from './command-executor';
import { EVENT_CODEC, IdentityEventCodec } from './event-codec';
import { IdempotencyStore } from './idempotency.store';

/** The write path every aggregate's handlers use. */
@Global()
@Module({
  providers: [CommandExecutor, IdempotencyStore, { provide: EVENT_CODEC, useClass: IdentityEventCodec }],
  exports: [CommandExecutor, EVENT_CODEC],
})
export class WriteModule {}
