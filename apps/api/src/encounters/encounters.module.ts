import { Module } from '@nestjs/common';
import { EncountersController } from './encounters.controller';
import { RecordEncounterHandler } from './record-encounter';

/** POST /encounters (§ 1). */
@Module({
  controllers: [EncountersController],
  providers: [RecordEncounterHandler],
})
export class EncountersModule {}
