import type { Statement } from 'better-sqlite3';
import type { ReadModelDb } from '../runner/projection';
import { hasTable } from '../runner/read-model-db';

/** A deadline of a judged stream, as the violation register keeps it ahead of the stream's judgement. */
export interface RegisterDeadline {
  streamId: string;
  deadline: string;
}

interface Statements {
  due: Statement<[number], RegisterDeadline>;
  next: Statement<[], string>;
}

/**
 * Reads of the deadlines ahead that the violation register keeps (vr_deadlines), for the scheduler
 * that records each as it passes. The register creates the table when it first runs, which may be
 * after the scheduler starts: until then there are no deadlines.
 */
export class DeadlineQueries {
  private statements: Statements | undefined;

  constructor(private readonly db: ReadModelDb) {}

  /** Every deadline at or before `nowMs`, earliest first. */
  due(nowMs: number): RegisterDeadline[] {
    return this.prepared()?.due.all(nowMs) ?? [];
  }

  /** The earliest deadline ahead, or null when there is none. */
  next(): string | null {
    return this.prepared()?.next.get() ?? null;
  }

  private prepared(): Statements | undefined {
    if (this.statements === undefined && hasTable(this.db, 'vr_deadlines')) {
      this.statements = {
        due: this.db.prepare<[number], RegisterDeadline>(
          `SELECT stream_id AS streamId, deadline FROM vr_deadlines WHERE deadline_ms <= ?
           ORDER BY deadline_ms, stream_id`,
        ),
        next: this.db
          .prepare<[], string>('SELECT deadline FROM vr_deadlines ORDER BY deadline_ms LIMIT 1')
          .pluck(),
      };
    }
    return this.statements;
  }
}
