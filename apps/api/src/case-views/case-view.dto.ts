import { ApiProperty } from '@nestjs/swagger';
import {
  ACCESS_PURPOSES,
  CUSTODY_STATUSES,
  DECISION_BASES,
  DECISION_OUTCOMES,
  FEDERAL_AGENCIES,
  INFORMATION_CATEGORIES,
  NOTICE_METHODS,
  NOTICE_PURPOSES,
  NOTICE_RECIPIENTS,
  RELEASE_ELIGIBILITY_REASONS,
  REQUEST_FORMS,
  REQUEST_TYPES,
  STATED_INTENTS,
  TRANSFER_DESTINATIONS,
  type Conviction,
  type InformedConsent,
  type RequestDocument,
} from '@trust-ledger/domain';
import type { JsonValue } from '@trust-ledger/event-store';
import { ViolationDto } from '../violations/violation.dto';
import type {
  AccessGrantView,
  CaseView,
  CustodyView,
  DecisionView,
  DisclosureView,
  NoticeView,
  RequestView,
} from '@trust-ledger/projections';

// OpenAPI descriptions of API.md's case view; the values are built by the case-view fold.

const nullable = { nullable: true, required: true } as const;

export class CustodyDto implements CustodyView {
  @ApiProperty({ enum: CUSTODY_STATUSES }) status!: CustodyView['status'];
  @ApiProperty({ type: String, ...nullable }) facility!: string | null;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) bookedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) eligibleForReleaseAt!: string | null;
  @ApiProperty({ enum: RELEASE_ELIGIBILITY_REASONS, ...nullable })
  eligibleForReleaseReason!: CustodyView['eligibleForReleaseReason'];
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) releasedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) transferredAt!: string | null;
  @ApiProperty({ enum: TRANSFER_DESTINATIONS, ...nullable }) transferredTo!: CustodyView['transferredTo'];
}

export class DecisionDto implements DecisionView {
  @ApiProperty({ enum: DECISION_OUTCOMES }) outcome!: DecisionView['outcome'];
  @ApiProperty({ enum: DECISION_BASES }) basis!: DecisionView['basis'];
  @ApiProperty({ type: String, ...nullable }) exceptionCode!: string | null;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
  @ApiProperty() rationale!: string;
  @ApiProperty({ type: String, ...nullable, description: 'Why it amended the previous decision' })
  amendmentReason!: string | null;
  @ApiProperty({ format: 'uuid', description: 'The DecisionRecorded / DecisionAmended event' })
  eventId!: string;
}

export class NoticeDto implements NoticeView {
  @ApiProperty({ format: 'uuid' }) noticeId!: string;
  @ApiProperty({ type: String, format: 'uuid', ...nullable }) requestId!: string | null;
  @ApiProperty({ enum: NOTICE_PURPOSES }) purpose!: NoticeView['purpose'];
  @ApiProperty({ enum: NOTICE_RECIPIENTS }) recipient!: NoticeView['recipient'];
  @ApiProperty({ format: 'date-time' }) deliveredAt!: string;
  @ApiProperty({ enum: NOTICE_METHODS }) method!: NoticeView['method'];
  @ApiProperty({ example: 'es' }) language!: string;
  @ApiProperty() includesCopyOfRequest!: boolean;
  @ApiProperty({ enum: STATED_INTENTS, ...nullable }) statedIntent!: NoticeView['statedIntent'];
}

export class RequestViewDto implements RequestView {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ enum: FEDERAL_AGENCIES }) requestingAgency!: RequestView['requestingAgency'];
  @ApiProperty({ enum: REQUEST_TYPES }) requestType!: RequestView['requestType'];
  @ApiProperty({ enum: REQUEST_FORMS }) form!: RequestView['form'];
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) documents!: RequestDocument[];
  @ApiProperty({ enum: INFORMATION_CATEGORIES, isArray: true })
  informationRequested!: RequestView['informationRequested'];
  @ApiProperty({ description: 'Under the ordinance version in force when the request was received' })
  hasJudicialWarrant!: boolean;
  @ApiProperty({ enum: ['PENDING', ...DECISION_OUTCOMES] }) status!: RequestView['status'];
  @ApiProperty({ type: DecisionDto, ...nullable, description: 'The decision in force' })
  decision!: DecisionDto | null;
  @ApiProperty({ type: [DecisionDto], description: 'Decisions later amended, oldest first' })
  previousDecisions!: DecisionDto[];
  @ApiProperty({ type: [NoticeDto] }) notices!: NoticeDto[];
}

export class DisclosureDto implements DisclosureView {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ type: String, format: 'uuid', ...nullable }) requestId!: string | null;
  @ApiProperty({ enum: FEDERAL_AGENCIES }) recipientAgency!: DisclosureView['recipientAgency'];
  @ApiProperty({ enum: INFORMATION_CATEGORIES, isArray: true }) categories!: DisclosureView['categories'];
  @ApiProperty({ format: 'date-time' }) disclosedAt!: string;
}

export class AccessGrantDto implements AccessGrantView {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ type: String, format: 'uuid', ...nullable }) requestId!: string | null;
  @ApiProperty({ enum: FEDERAL_AGENCIES }) agency!: AccessGrantView['agency'];
  @ApiProperty({ enum: ACCESS_PURPOSES }) purpose!: AccessGrantView['purpose'];
  @ApiProperty({ format: 'date-time' }) grantedAt!: string;
  @ApiProperty({ type: Object, ...nullable }) consent!: InformedConsent | null;
}

export class CaseViewDto implements CaseView {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() agencyId!: string;
  @ApiProperty({ enum: ['OPEN', 'CLOSED'] }) status!: CaseView['status'];
  @ApiProperty({ description: 'Also the ETag' }) revision!: number;
  @ApiProperty({ format: 'date-time' }) openedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', ...nullable }) closedAt!: string | null;
  @ApiProperty({ type: Object, description: 'Personal data; every field "[erased]" after erasure' })
  subject!: JsonValue;
  @ApiProperty() personalDataErased!: boolean;
  @ApiProperty({ type: CustodyDto }) custody!: CustodyDto;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) convictions!: Conviction[];
  @ApiProperty({ type: [RequestViewDto] }) requests!: RequestViewDto[];
  @ApiProperty({ type: [NoticeDto] }) notices!: NoticeDto[];
  @ApiProperty({ type: [DisclosureDto] }) disclosures!: DisclosureDto[];
  @ApiProperty({ type: [AccessGrantDto] }) accessGrants!: AccessGrantDto[];
  @ApiProperty({ type: [ViolationDto], description: 'The register’s violations of this case' })
  violations!: ViolationDto[];
}

export class CaseViewPageDto {
  @ApiProperty({ type: [CaseViewDto] }) items!: CaseViewDto[];
  @ApiProperty({ type: String, ...nullable }) nextCursor!: string | null;
}
