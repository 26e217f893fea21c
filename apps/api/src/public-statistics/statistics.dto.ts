import { ApiProperty } from '@nestjs/swagger';
import {
  FEDERAL_AGENCIES,
  ORDINANCE_SECTIONS,
  REQUEST_TYPES,
  type FederalAgency,
  type RequestType,
} from '@trust-ledger/domain';
import {
  STATISTICS_FIELDS,
  type PublicStatistics,
  type StatisticsField,
  type StatisticsRow,
} from '@trust-ledger/projections/statistics';

// OpenAPI descriptions of API.md § 11's GET /public/statistics body (and of each stream message).

/** A count, or null when it is withheld (from 1 to threshold − 1, or as needed to protect one). */
const count = (description: string) =>
  ({
    type: 'integer',
    minimum: 0,
    nullable: true,
    description: `${description}; null when withheld`,
  }) as const;

export class StatisticsRowDto implements StatisticsRow {
  @ApiProperty({ enum: FEDERAL_AGENCIES }) requestingAgency!: FederalAgency;
  @ApiProperty({ enum: REQUEST_TYPES }) requestType!: RequestType;
  @ApiProperty(count('Requests received in the period (the cohort)')) received!: number | null;
  @ApiProperty(count('Of the cohort, honored now')) honored!: number | null;
  @ApiProperty(count('Of the cohort, declined now')) declined!: number | null;
  @ApiProperty(count('Of the cohort, partially honored now')) partiallyHonored!: number | null;
  @ApiProperty(count('Of the cohort, undecided now')) pending!: number | null;
  @ApiProperty(count('Of honored + partiallyHonored, on a judicial warrant'))
  honoredWithJudicialWarrant!: number | null;
  @ApiProperty(count('Of honored + partiallyHonored, under an ordinance exception'))
  honoredUnderException!: number | null;
  @ApiProperty(count('Transfers to ICE or CBP that happened in the period'))
  transfersToFederalCustody!: number | null;
  @ApiProperty(
    count('DETAINER, NOTIFICATION and TRANSFER requests past their notice deadline, noticed in time'),
  )
  noticesOnTime!: number | null;
  @ApiProperty(count('As noticesOnTime, noticed late or not at all')) noticesLate!: number | null;
  @ApiProperty({ enum: STATISTICS_FIELDS, isArray: true, description: 'The cells withheld (null)' })
  suppressed!: StatisticsField[];
}

export class PublicStatisticsDto implements PublicStatistics {
  @ApiProperty({ example: '2025-Q1', description: 'YYYY, YYYY-Qn or YYYY-MM, in the ordinance’s time zone' })
  period!: string;

  @ApiProperty({ format: 'date-time' })
  generatedAt!: string;

  @ApiProperty({
    type: 'integer',
    description: 'The small-cell threshold: counts from 1 to threshold − 1 are withheld',
  })
  threshold!: number;

  @ApiProperty({ type: [StatisticsRowDto], description: 'One row per requesting agency and request type' })
  rows!: StatisticsRowDto[];

  @ApiProperty({
    type: 'object',
    description:
      'Violations (not WITHDRAWN) whose act happened in the period, by section; `suppressed` names the sections withheld (null)',
    properties: {
      ...Object.fromEntries(ORDINANCE_SECTIONS.map((section) => [String(section), count(`§ ${section}`)])),
      suppressed: { type: 'array', items: { type: 'string', enum: ORDINANCE_SECTIONS.map(String) } },
    },
    required: [...ORDINANCE_SECTIONS.map(String), 'suppressed'],
  })
  violationsBySection!: PublicStatistics['violationsBySection'];
}
