import { Module } from '@nestjs/common';
import { EncountersController } from './encounters.controller';
import { RecordEncounterHandler } from './record-encounter';
import { StreamHistories } from '../history/stream-history';

/** POST /encounters (§ 1). */
@Module({
  controllers: [EncountersController],
  providers: [StreamHistories, RecordEncounterHandler],
})
export class EncountersModule {}
