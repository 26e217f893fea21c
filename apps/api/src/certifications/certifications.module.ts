import { Module } from '@nestjs/common';
import { CertificationViewProjection } from '@trust-ledger/projections/certifications';
import { AgencyRecordWriter } from '../write/agency-record-writer';
import { CertificationViewReader } from './certification-view.reader';
import { CertificationsController } from './certifications.controller';
import { DecideCertificationHandler } from './decide-certification';
import { RecordAssistanceRefusalHandler } from './record-assistance-refusal';
import { RequestCertificationHandler } from './request-certification';
import { WithdrawCertificationHandler } from './withdraw-certification';
import { StreamHistories } from '../history/stream-history';

/** Victim visa certifications (§ 9): commands, and the views served by their projection. */
@Module({
  controllers: [CertificationsController],
  providers: [
    StreamHistories,
    AgencyRecordWriter,
    RequestCertificationHandler,
    RecordAssistanceRefusalHandler,
    DecideCertificationHandler,
    WithdrawCertificationHandler,
    CertificationViewProjection,
    CertificationViewReader,
  ],
})
export class CertificationsModule {}
