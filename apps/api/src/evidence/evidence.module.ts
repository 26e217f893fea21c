import { Module } from '@nestjs/common';
import { EvidenceController } from './evidence.controller';
import { EvidencePacks } from './evidence-packs';

/** GET /cases/{caseId}/evidence (counsel) and GET /public/signing-key. */
@Module({ controllers: [EvidenceController], providers: [EvidencePacks] })
export class EvidenceModule {}
