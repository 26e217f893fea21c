import { ApiProperty } from '@nestjs/swagger';
import type { ReportStatistics } from '@trust-ledger/domain';
import type { PublishedReportView, ReportAmendmentView } from '@trust-ledger/projections/reports';

// OpenAPI descriptions of the published reports; the values are the events' snapshots.

const STATISTICS = {
  type: 'object',
  additionalProperties: true,
  description: 'The period’s jurisdiction-wide statistics as published (the body of GET /public/statistics)',
} as const;
const HASH = {
  example: 'e3b0c442…',
  description: 'Hex SHA-256 of the canonical JSON (RFC 8785) of statistics',
};

export class ReportAmendmentDto implements ReportAmendmentView {
  @ApiProperty({ format: 'uuid', description: 'The ReportAmended event' }) eventId!: string;
  @ApiProperty({ format: 'date-time' }) amendedAt!: string;
  @ApiProperty() reason!: string;
  @ApiProperty(STATISTICS) statistics!: ReportStatistics;
  @ApiProperty(HASH) contentHash!: string;
}

export class PublishedReportDto implements PublishedReportView {
  @ApiProperty({ example: '2025-Q1' }) period!: string;
  @ApiProperty({ format: 'uuid', description: 'The ReportPublished event' }) eventId!: string;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty(STATISTICS) statistics!: ReportStatistics;
  @ApiProperty(HASH) contentHash!: string;
  @ApiProperty({
    type: [ReportAmendmentDto],
    description: 'Later snapshots, oldest first; the original never changes',
  })
  amendments!: ReportAmendmentDto[];
}

export class PublishedReportPageDto {
  @ApiProperty({ type: [PublishedReportDto] }) items!: PublishedReportDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
