import { Module } from '@nestjs/common';
import { ViolationsModule } from '../violations/violations.module';
import { EvidenceController } from './evidence.controller';
import { EvidencePacks } from './evidence-packs';

/** The evidence packs of cases, certifications, matters and encounters (counsel), and GET
 * /public/signing-key. */
@Module({ imports: [ViolationsModule], controllers: [EvidenceController], providers: [EvidencePacks] })
export class EvidenceModule {}
