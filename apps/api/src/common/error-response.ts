import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldError } from '@trust-ledger/domain';
import type { JsonObject } from '@trust-ledger/event-store';
import type { ProjectionError, ProjectionStatus } from '@trust-ledger/projections';

// OpenAPI descriptions of the bodies ApiExceptionFilter answers errors with (api-exception.filter.ts).

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'subject.fullName', description: 'The field’s full path (`documents[0].court`)' })
  field!: string;
  @ApiProperty({ example: 'fullName should not be empty' })
  reason!: string;
}

/**
 * A projection's progress as the API shows it, to anyone (`/health` is public): without log
 * positions, which count every agency's events (API.md keeps positions opaque), with its lag
 * rounded (`shownLag`), and with why it stopped said in `PROJECTION_STOPPED_MESSAGE` only. The CLI's
 * `projections status` gives operators the positions and the reason.
 */
export type ProjectionProgress = Omit<ProjectionStatus, 'position' | 'error'> & {
  error: Omit<ProjectionError, 'position'> | null;
};

export function projectionProgress({
  position: _,
  error,
  lag,
  ...status
}: ProjectionStatus): ProjectionProgress {
  return {
    ...status,
    lag: shownLag(lag),
    error: error === null ? null : { message: PROJECTION_STOPPED_MESSAGE, eventId: error.eventId },
  };
}

/**
 * Why a projection stopped, as anyone is told it: its own message may name the stream of another
 * agency's record (an altered event's does) or quote the event's data (a projection that threw
 * applying it), and the service logs it where it stopped.
 */
export const PROJECTION_STOPPED_MESSAGE =
  "it stopped on an error, at the event named if one was at fault: the service's log and `projections status` say why";

/**
 * A lag as anyone may see it: 0, else rounded up to a power of ten, at least 100. Exact, it counted
 * every agency's events as they were recorded while a projection stood still, and was the log's
 * whole length while one was rebuilt; operators read it exact from `projections status` and from
 * /metrics with METRICS_TOKEN.
 */
export function shownLag(lag: number | null): number | null {
  if (lag === null || lag === 0) return lag;
  return 10 ** Math.max(2, Math.ceil(Math.log10(lag)));
}

export class ProjectionErrorDto implements Omit<ProjectionError, 'position'> {
  @ApiProperty({ example: PROJECTION_STOPPED_MESSAGE, description: 'Always this: why is for operators' })
  message!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The event it stopped on' })
  eventId!: string | null;
}

export class ProjectionStatusDto implements ProjectionProgress {
  @ApiProperty({ example: 'case-views' }) name!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty() running!: boolean;
  @ApiProperty({ description: 'Whether the log holds events it has not reached yet' }) behind!: boolean;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description:
      'Events behind the head, where positions are counts (the embedded store), else null: 0, or rounded up to a power of ten, at least 100',
  })
  lag!: number | null;
  @ApiProperty({ type: ProjectionErrorDto, nullable: true, description: 'What it stopped on, if it did' })
  error!: ProjectionErrorDto | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { unappliedReviews: 0 },
    description:
      "What the read model says of itself, where it does. violation-register: `unappliedReviews`, counsel's reviews it could not apply: it holds no violation of the id a review names, nor exactly one of the rule, stream and act the review names (a rules change may find a violation again under another id): conclusions the register does not show.",
  })
  details?: JsonObject;
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
      'Stable machine-readable code: a domain error’s (404, 409), ALTERED_EVENT (500: an event altered in the log), PROJECTION_STOPPED (503: a read model stopped on an error), STORE_UNAVAILABLE (503: the event log did not answer in time)',
  })
  code?: string;

  @ApiPropertyOptional({
    type: [ProjectionStatusDto],
    description: '503 while the read models catch up: how far behind each one is',
  })
  lag?: ProjectionStatusDto[];
}

/** 400: every offending field is named, each with its reason (a body that is not JSON is `body`). */
export class ValidationErrorResponse extends ErrorResponse {
  @ApiProperty({ type: [FieldErrorDto], description: 'Every offending field, each with a reason' })
  errors!: FieldErrorDto[];
}
