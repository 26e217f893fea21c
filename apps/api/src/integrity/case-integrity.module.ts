import { Module } from '@nestjs/common';
import { CaseIntegrityController } from './case-integrity.controller';

/** GET /cases/{caseId}/integrity and POST /integrity/checkpoints (IntegrityService is global). */
@Module({ controllers: [CaseIntegrityController] })
export class CaseIntegrityModule {}
