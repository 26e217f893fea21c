import { applyDecorators, Controller, Get, Param, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { EvidenceSigner, type PublicSigningKey } from '@trust-ledger/integrity';
import type { FastifyReply } from 'fastify';
import { Public, Roles } from '../auth/decorators';
import { CaseParams } from '../cases/case-params';
import { CertificationParams } from '../certifications/certification-params';
import { EncounterParams } from '../encounters/encounter-params';
import {
  CaseEvidencePackDto,
  CertificationEvidencePackDto,
  EncounterEvidencePackDto,
  EvidencePackDto,
  MatterEvidencePackDto,
} from './evidence-pack.dto';
import { MatterParams } from '../matters/matter-params';
import {
  CASE_RECORD,
  CERTIFICATION_RECORD,
  ENCOUNTER_RECORD,
  EvidencePacks,
  MATTER_RECORD,
  type EvidenceRecord,
} from './evidence-packs';

/** A record's evidence pack: counsel's, as canonical JSON; with personal data, the read's purpose
 * is asked for (and recorded by the access log). */
function EvidenceEndpoint(
  path: string,
  record: string,
  { pack, personalData = false }: { pack: new () => EvidencePackDto; personalData?: boolean },
): MethodDecorator {
  return applyDecorators(
    Get(path),
    Roles('counsel'),
    ApiBearerAuth(),
    ApiProduces('application/json'),
    ...(personalData
      ? [ApiHeader({ name: 'X-Purpose', required: false, description: 'Why the data is read; recorded' })]
      : []),
    ApiOkResponse({
      type: pack,
      description:
        'Canonical JSON (RFC 8785), served as the exact bytes signed: save them unchanged and run `verify-evidence`',
    }),
    ApiUnauthorizedResponse(),
    ApiForbiddenResponse({ description: 'Not counsel' }),
    ApiNotFoundResponse({ description: `Unknown ${record}` }),
    ApiServiceUnavailableResponse({ description: `The violation register is behind the ${record}; retry` }),
  );
}

export class TrustedKeyDto {
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'SPKI PEM' }) publicKey!: string;
}

export class PublicSigningKeyDto implements PublicSigningKey {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm!: 'Ed25519';
  @ApiProperty({ description: 'Hex SHA-256 of the key’s SPKI DER, first 16 bytes; packs name it' })
  keyId!: string;
  @ApiProperty({ description: 'SPKI PEM; save it to verify packs offline (verify-evidence --public-key)' })
  publicKey!: string;
  @ApiProperty({
    type: [TrustedKeyDto],
    description:
      'Keys that signed packs and checkpoints before the signing key was changed (EVIDENCE_TRUSTED_PUBLIC_KEYS): an older pack names its key by keyId',
  })
  trustedKeys!: TrustedKeyDto[];
}

@ApiTags('evidence')
@Controller()
export class EvidenceController {
  constructor(
    private readonly packs: EvidencePacks,
    private readonly signer: EvidenceSigner,
  ) {}

  /** Served as the exact bytes that were signed: save them unchanged and run `verify-evidence`. */
  @EvidenceEndpoint('cases/:caseId/evidence', 'case', { personalData: true, pack: CaseEvidencePackDto })
  evidence(
    @Param() { caseId }: CaseParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.serve(reply, CASE_RECORD, caseId, `evidence-${caseId}.json`);
  }

  /** A certification's pack (an addition to API.md): as a case's, with `victim` for `subject`. */
  @EvidenceEndpoint('certifications/:certificationId/evidence', 'certification', {
    personalData: true,
    pack: CertificationEvidencePackDto,
  })
  certificationEvidence(
    @Param() { certificationId }: CertificationParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const file = `evidence-certification-${certificationId}.json`;
    return this.serve(reply, CERTIFICATION_RECORD, certificationId, file);
  }

  /** A matter's pack (an addition to API.md): as a case's, without personal data. */
  @EvidenceEndpoint('matters/:matterId/evidence', 'matter', { pack: MatterEvidencePackDto })
  matterEvidence(
    @Param() { matterId }: MatterParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.serve(reply, MATTER_RECORD, matterId, `evidence-matter-${matterId}.json`);
  }

  /** An encounter's pack (an addition to API.md): as a case's, without personal data. */
  @EvidenceEndpoint('encounters/:encounterId/evidence', 'encounter', { pack: EncounterEvidencePackDto })
  encounterEvidence(
    @Param() { encounterId }: EncounterParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.serve(reply, ENCOUNTER_RECORD, encounterId, `evidence-encounter-${encounterId}.json`);
  }

  @Get('public/signing-key')
  @Public()
  @ApiOkResponse({ type: PublicSigningKeyDto })
  signingKey(): PublicSigningKeyDto {
    return this.signer.publicSigningKey();
  }

  private async serve(
    reply: FastifyReply,
    record: EvidenceRecord,
    id: string,
    file: string,
  ): Promise<string> {
    const body = await this.packs.build(record, id);
    void reply
      .type('application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${file}"`);
    return body;
  }
}
