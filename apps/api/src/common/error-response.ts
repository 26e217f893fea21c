import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldError } from '@trust-ledger/domain';
import type { ProjectionError, ProjectionStatus } from '@trust-ledger/projections';

// OpenAPI descriptions of the bodies ApiExceptionFilter answers errors with (api-exception.filter.ts).

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'subject.fullName', description: 'The field’s full path (`documents[0].court`)' })
  field!: string;
  @ApiProperty({ example: 'fullName should not be empty' })
  reason!: string;
}

export class ProjectionErrorDto implements ProjectionError {
  @ApiProperty() message!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The event it stopped on' })
  eventId!: string | null;
  @ApiProperty({ type: String, nullable: true }) position!: string | null;
}

export class ProjectionStatusDto implements ProjectionStatus {
  @ApiProperty({ example: 'case-views' }) name!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty() running!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Last position reached; null before the first event',
  })
  position!: string | null;
  @ApiProperty({ description: 'Whether the log holds events it has not reached yet' }) behind!: boolean;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Events behind the head, where positions are counts (the embedded store); else null',
  })
  lag!: number | null;
  @ApiProperty({ type: ProjectionErrorDto, nullable: true, description: 'What it stopped on, if it did' })
  error!: ProjectionErrorDto | null;
}

/** Every error response of the API (4xx and 5xx) has this shape. */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', example: 409, description: 'The HTTP status, repeated' })
  statusCode!: number;

  @ApiProperty({ example: 'Conflict', description: 'The status’s reason phrase' })
  error!: string;

  @ApiProperty({ description: 'What went wrong, for a person; never personal data' })
  message!: string;

  @ApiPropertyOptional({
    example: 'CASE_CLOSED',
    description:
      'Stable machine-readable code: a domain error’s (404, 409), ALTERED_EVENT (500: an event altered in the log), PROJECTION_STOPPED (503: a read model stopped on an error)',
  })
  code?: string;

  @ApiPropertyOptional({
    type: [ProjectionStatusDto],
    description: '503 while the read models catch up: each one’s position and lag',
  })
  lag?: ProjectionStatusDto[];
}

/** 400: every offending field is named, each with its reason (a body that is not JSON is `body`). */
export class ValidationErrorResponse extends ErrorResponse {
  @ApiProperty({ type: [FieldErrorDto], description: 'Every offending field, each with a reason' })
  errors!: FieldErrorDto[];
}
