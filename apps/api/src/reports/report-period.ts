import { ApiProperty } from '@nestjs/swagger';
import { IsPeriod } from '../common/validators';

export class ReportPeriodDto {
  @ApiProperty({
    example: '2025-Q1',
    description: 'A period of the reporting granularity in force: YYYY-Qn or YYYY',
  })
  // Canonical labels only, so that a period names exactly one `report-<period>` stream.
  @IsPeriod()
  period!: string;
}
