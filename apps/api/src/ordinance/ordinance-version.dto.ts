import { ApiProperty } from '@nestjs/swagger';
import {
  CONVICTION_CATEGORIES,
  JUDICIAL_WARRANT_ISSUER_ROLES,
  ORDINANCE_SECTIONS,
  REPORTING_PERIODS,
  type ConvictionCategory,
  type IssuerRole,
  type OrdinanceSection,
  type OrdinanceVersion,
} from '@trust-ledger/domain';
import type { RecordedAdoption } from '@trust-ledger/projections/ordinance';

// OpenAPI descriptions of a recorded version; the values are the OrdinanceVersionAdopted event's.

export class DetainerExceptionView {
  @ApiProperty() code!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: CONVICTION_CATEGORIES, isArray: true }) convictionCategories!: ConvictionCategory[];
  @ApiProperty() withinYears!: number;
}

export class OrdinanceVersionView implements OrdinanceVersion {
  @ApiProperty({ description: 'Numbered in adoption order; violations name the version that judged them' })
  version!: number;
  @ApiProperty({ format: 'date-time' }) effectiveFrom!: string;
  @ApiProperty({ enum: ORDINANCE_SECTIONS, isArray: true }) sectionsInForce!: OrdinanceSection[];
  @ApiProperty({ enum: JUDICIAL_WARRANT_ISSUER_ROLES, isArray: true }) judicialWarrantIssuers!: IssuerRole[];
  @ApiProperty({ type: [DetainerExceptionView] }) detainerExceptions!: DetainerExceptionView[];
  @ApiProperty() releaseGraceMinutes!: number;
  @ApiProperty() noticeDeadlineHours!: number;
  @ApiProperty() certificationDeadlineDays!: number;
  @ApiProperty() certificationExpeditedDays!: number;
  @ApiProperty({ enum: REPORTING_PERIODS }) reportingPeriod!: OrdinanceVersion['reportingPeriod'];
  @ApiProperty() reportDueDays!: number;
  @ApiProperty() smallCellThreshold!: number;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ format: 'date-time', description: 'When the version was recorded' }) adoptedAt!: string;
}

export class OrdinanceVersionPage {
  @ApiProperty({ type: [OrdinanceVersionView] }) items!: OrdinanceVersionView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export const versionView = (adoption: RecordedAdoption): OrdinanceVersionView => ({
  ...adoption.data,
  adoptedAt: adoption.recordedAt,
});
