import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import type { EventMetadata, JsonObject, JsonValue, RecordedEvent } from '@trust-ledger/event-store';
import type { EvidenceSignature } from '@trust-ledger/integrity';
import { VerificationResultDto } from '../integrity/case-integrity.controller';
import { OrdinanceVersionView } from '../ordinance/ordinance-version.dto';
import { ViolationDto } from '../violations/violation.dto';

// OpenAPI descriptions of the evidence packs (evidence-packs.ts), served as canonical JSON (RFC 8785).

export class StoredEventDto implements RecordedEvent {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'case-5f0c…' }) streamId!: string;
  @ApiProperty({ type: 'integer' }) revision!: number;
  @ApiProperty() position!: string;
  @ApiProperty({ example: 'FederalRequestReceived' }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As stored: personal data sealed' })
  data!: JsonObject;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      '{ recordedAt, actor, correlationId, causationId, integrity }: integrity is the hash chain link',
  })
  metadata!: EventMetadata;
}

export class RevealedFieldDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'language', description: 'Where in the event’s data the value is sealed' })
  path!: string;
  @ApiProperty({ description: 'The value revealed at generation time ("[erased]" after erasure)' })
  value!: JsonValue;
}

export class EvidenceSignatureDto implements EvidenceSignature {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm!: 'Ed25519';
  @ApiProperty({ description: 'The signing key’s id, as GET /public/signing-key names it' }) keyId!: string;
  @ApiProperty({
    format: 'byte',
    description: 'Base64 signature of the canonical JSON of the pack without it',
  })
  value!: string;
}

/** What every record's pack holds. */
export class EvidencePackDto {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;

  @ApiProperty({
    type: [StoredEventDto],
    description: 'The record’s events exactly as stored, so that their hash chain can be recomputed offline',
  })
  events!: StoredEventDto[];

  @ApiProperty({
    type: [StoredEventDto],
    description:
      'Whole streams the violations rest on (reviews, other streams their evidence cites, deadlines, ordinance adoptions)',
  })
  citedEvents!: StoredEventDto[];

  @ApiProperty({ type: VerificationResultDto, description: 'Of the record’s stream and the cited ones' })
  integrity!: VerificationResultDto;

  @ApiProperty({ type: [ViolationDto] }) violations!: ViolationDto[];

  @ApiProperty({
    type: [OrdinanceVersionView],
    description: 'The versions that judged the violations, their earlierFacts included',
  })
  ordinanceVersions!: OrdinanceVersionView[];

  @ApiProperty({ type: EvidenceSignatureDto }) signature!: EvidenceSignatureDto;
}

const PERSONAL_DATA = {
  type: 'object',
  additionalProperties: true,
  description: 'The personal data revealed at generation time (every field "[erased]" after erasure)',
} as const;
const REVEALED: ApiPropertyOptions = {
  type: [RevealedFieldDto],
  description: 'The personal data sealed in the later events (a notice’s language), revealed',
};

export class CaseEvidencePackDto extends EvidencePackDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty(PERSONAL_DATA) subject!: JsonObject;
  @ApiProperty(REVEALED) revealed!: RevealedFieldDto[];
}

export class CertificationEvidencePackDto extends EvidencePackDto {
  @ApiProperty({ format: 'uuid' }) certificationId!: string;
  @ApiProperty(PERSONAL_DATA) victim!: JsonObject;
  @ApiProperty(REVEALED) revealed!: RevealedFieldDto[];
}

export class MatterEvidencePackDto extends EvidencePackDto {
  @ApiProperty({ format: 'uuid' }) matterId!: string;
}

export class EncounterEvidencePackDto extends EvidencePackDto {
  @ApiProperty({ format: 'uuid' }) encounterId!: string;
}
