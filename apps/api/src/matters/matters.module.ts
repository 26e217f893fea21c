import { Module } from '@nestjs/common';
import { MatterViewProjection } from '@trust-ledger/projections/institutional';
import { AgencyRecordWriter } from '../write/agency-record-writer';
import { MattersController } from './matters.controller';
import { OpenMatterHandler } from './open-matter';
import { RecordMatterActionHandler } from './record-matter-action';
import { StreamHistories } from '../history/stream-history';

/** Institutional matters (§§ 6, 7, 8, 10): commands, and the views served by their projection. */
@Module({
  controllers: [MattersController],
  providers: [
    StreamHistories,
    AgencyRecordWriter,
    OpenMatterHandler,
    RecordMatterActionHandler,
    MatterViewProjection,
  ],
})
export class MattersModule {}
