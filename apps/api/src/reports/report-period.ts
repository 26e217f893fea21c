import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** A period label in its canonical form, so that it names exactly one `report-<period>` stream. */
const PERIOD = /^\d{4}(?:-Q[1-4]|-(?:0[1-9]|1[0-2]))?$/;

export class ReportPeriodDto {
  @ApiProperty({
    example: '2025-Q1',
    description: 'A period of the reporting granularity in force: YYYY-Qn or YYYY',
  })
  @Matches(PERIOD, { message: 'period must be YYYY, YYYY-Qn or YYYY-MM' })
  period!: string;
}
