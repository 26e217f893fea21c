import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RULE_IDS, shownToOversight, type RuleId } from '@trust-ledger/domain';
import type { RegisteredViolation } from '@trust-ledger/projections/violations';
import { VIOLATION_STATUSES, type ViolationStatus } from '@trust-ledger/projections/violations';
import type { Principal } from '../auth/principal';

export class EvidenceRefDto {
  @ApiProperty({ format: 'uuid' })
  eventId!: string;
  @ApiProperty()
  streamId!: string;
  @ApiProperty()
  revision!: number;
  @ApiProperty({ example: 'FederalRequestReceived' })
  type!: string;
}

export class StatusChangeDto {
  @ApiProperty({ enum: VIOLATION_STATUSES })
  status!: ViolationStatus;
  @ApiProperty({ format: 'date-time' })
  at!: string;
  @ApiProperty({
    description: "The reviewer's sub, or system:violation-register for the register's own changes",
  })
  by!: string;
  @ApiPropertyOptional({
    description: "Counsel's note, on reviews (never shown to oversight: free text may name the person)",
  })
  note?: string;
  @ApiProperty({
    format: 'uuid',
    description: 'The event behind the change: the one that made it fire, cleared it, or recorded the review',
  })
  eventId!: string;
}

/** What a violation was judged with until a later judgement replaced it. */
export class EarlierFactsDto {
  @ApiPropertyOptional({ format: 'uuid' })
  requestId?: string;
  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;
  @ApiProperty()
  ordinanceVersion!: number;
  @ApiProperty({ type: [EvidenceRefDto] })
  evidence!: EvidenceRefDto[];
  @ApiProperty()
  explanation!: string;
  @ApiProperty({ format: 'date-time', description: 'recordedAt of the event whose judgement replaced them' })
  until!: string;
}

/** API.md § 12's violation. Never personal data. */
export class ViolationDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Derived from the rule and its evidence: stable across rebuilds',
  })
  violationId!: string;
  @ApiProperty({ enum: RULE_IDS, enumName: 'RuleId' })
  ruleId!: RuleId;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 11 })
  section!: number;
  @ApiProperty({ example: 'case-…' })
  streamId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null for § 11' })
  agencyId!: string | null;
  @ApiPropertyOptional({ format: 'uuid' })
  requestId?: string;
  @ApiProperty({ format: 'date-time', description: 'When the act happened' })
  occurredAt!: string;
  @ApiProperty({ format: 'date-time', description: 'recordedAt of the event that first made it fire' })
  detectedAt!: string;
  @ApiProperty({ description: 'The ordinance version that judged it' })
  ordinanceVersion!: number;
  @ApiProperty({ type: [EvidenceRefDto], description: 'The events that prove it; the first is the act' })
  evidence!: EvidenceRefDto[];
  @ApiProperty()
  explanation!: string;
  @ApiProperty({ enum: VIOLATION_STATUSES })
  status!: ViolationStatus;
  @ApiProperty({ type: [StatusChangeDto] })
  statusHistory!: StatusChangeDto[];
  @ApiProperty({
    type: [EarlierFactsDto],
    description:
      'An addition to API.md: the facts it was shown with before a later judgement (a version adopted ' +
      'later, say) replaced them, oldest first. A review made before their `until` concluded on them.',
  })
  earlierFacts!: EarlierFactsDto[];
}

export class ViolationPageDto {
  @ApiProperty({ type: [ViolationDto] })
  items!: ViolationDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

/** The register's entry in API.md's shape: `requestId` only where the violation concerns a request. */
export function violationView(v: RegisteredViolation): ViolationDto {
  const { requestId, earlierFacts, ...rest } = v;
  // Counsel who confirmed a violation must see that the facts it stands on have changed since.
  const earlier = earlierFacts.map(({ requestId: id, ...facts }) =>
    id === null ? facts : { ...facts, requestId: id },
  );
  return requestId === null
    ? { ...rest, earlierFacts: earlier }
    : { ...rest, requestId, earlierFacts: earlier };
}

/**
 * The entry as `principal` may read it. Oversight never reads personal data (DESIGN.md): it gets
 * the reviews without counsel's notes (free text that may name the person), and only the evidence
 * `shownToOversight` (not the case's opening, which holds nothing but the person's profile and is
 * cited only when that profile matters; the id derives from the rest alone, so it does not tell).
 */
export function violationViewFor(principal: Principal, v: RegisteredViolation): ViolationDto {
  const view = violationView(v);
  if (principal.role !== 'oversight') return view;
  return {
    ...view,
    evidence: view.evidence.filter(shownToOversight),
    statusHistory: view.statusHistory.map(({ note: _note, ...change }) => change),
    earlierFacts: view.earlierFacts.map((facts) => ({
      ...facts,
      evidence: facts.evidence.filter(shownToOversight),
    })),
  };
}
