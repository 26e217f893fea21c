import { Controller, Get, Param, Res } from '@nestjs/common';
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
import { EvidencePacks } from './evidence-packs';

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
  @Get('cases/:caseId/evidence')
  @Roles('counsel')
  @ApiBearerAuth()
  @ApiProduces('application/json')
  @ApiHeader({ name: 'X-Purpose', required: false, description: 'Why the data is read; recorded' })
  @ApiOkResponse({
    description:
      '{ caseId, generatedAt, subject, events, integrity, violations, ordinanceVersions, signature: { algorithm: "Ed25519", keyId, value } } as canonical JSON (RFC 8785). `events` are stored as recorded (the subject sealed) so their hash chain can be recomputed; `subject` is the personal data revealed at generation time ("[erased]" after erasure).',
  })
  @ApiUnauthorizedResponse()
  @ApiForbiddenResponse({ description: 'Not counsel' })
  @ApiNotFoundResponse({ description: 'Unknown case' })
  @ApiServiceUnavailableResponse({ description: 'The violation register is behind the case; retry' })
  async evidence(
    @Param() { caseId }: CaseParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const body = await this.packs.build(caseId);
    void reply
      .type('application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="evidence-${caseId}.json"`);
    return body;
  }

  @Get('public/signing-key')
  @Public()
  @ApiOkResponse({ type: PublicSigningKeyDto })
  signingKey(): PublicSigningKeyDto {
    return this.signer.publicSigningKey();
  }
}
