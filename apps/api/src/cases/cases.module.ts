import { Module } from '@nestjs/common';
import { CaseCommandsController } from './case-commands.controller';
import { CaseHistoryController } from './case-history.controller';
import { CaseWriter } from './case-writer';
import { CloseCaseHandler } from './close-case';
import { DecideRequestHandler } from './decide-request';
import { OpenCaseHandler } from './open-case';
import { RecordAccessHandler } from './record-access';
import { RecordCustodyEventHandler } from './record-custody-event';
import { RecordDisclosureHandler } from './record-disclosure';
import { RecordNoticeHandler } from './record-notice';
import { RecordRequestHandler } from './record-request';
import { StreamHistories } from '../history/stream-history';

/** The case commands of API.md (§§ 2–5, 13) and the case's history. */
@Module({
  controllers: [CaseCommandsController, CaseHistoryController],
  providers: [
    StreamHistories,
    CaseWriter,
    OpenCaseHandler,
    RecordRequestHandler,
    RecordNoticeHandler,
    DecideRequestHandler,
    RecordDisclosureHandler,
    RecordAccessHandler,
    RecordCustodyEventHandler,
    CloseCaseHandler,
  ],
})
export class CasesModule {}
