/** Typed domain errors; the API maps NotFound → 404, Conflict → 409, Validation → 400. */

export abstract class DomainError extends Error {
  abstract readonly kind: 'NOT_FOUND' | 'CONFLICT' | 'VALIDATION';
  constructor(
    /** Stable machine-readable code, e.g. `CASE_CLOSED`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'NOT_FOUND';
  override readonly name = 'NotFoundError';
}

export class ConflictError extends DomainError {
  readonly kind = 'CONFLICT';
  override readonly name = 'ConflictError';
}

export interface FieldError {
  field: string;
  reason: string;
}

export class ValidationError extends DomainError {
  readonly kind = 'VALIDATION';
  override readonly name = 'ValidationError';
  constructor(readonly errors: FieldError[]) {
    super('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.reason}`).join('; '));
  }
}
