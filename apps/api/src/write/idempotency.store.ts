import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ensurePrivateFile } from '@trust-ledger/event-store';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { CommandResult } from './command-result';

export interface RememberedCommand<R = CommandResult> {
  requestHash: string;
  streamId: string;
  response: R;
}

/** In DATA_DIR, whatever the event store. */
export const IDEMPOTENCY_FILE = 'api.db';

interface Row {
  request_hash: string;
  stream_id: string;
  response: string;
}

/**
 * Durable memory of Idempotency-Keys, scoped per caller: (sub, key) → the request it was first used
 * for and the response given. The event stream alone proves a replay only on the stream the command
 * wrote to; this table also catches a key reused on another stream or endpoint, and answers a retry
 * without reading the stream. It lives beside the event store in DATA_DIR/api.db (one per instance:
 * with several instances on EventStoreDB, the stream check and the event-id check still hold).
 */
@Injectable()
export class IdempotencyStore implements OnApplicationShutdown {
  private readonly db: Database.Database;
  private readonly findStatement: Database.Statement<[string, string], Row>;
  private readonly insertStatement: Database.Statement<[string, string, string, string, string, string]>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const file = join(config.dataDir, IDEMPOTENCY_FILE);
    ensurePrivateFile(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      sub TEXT NOT NULL,
      key TEXT NOT NULL,
      request_hash TEXT NOT NULL,
      stream_id TEXT NOT NULL,
      response TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      PRIMARY KEY (sub, key)
    )`);
    this.findStatement = this.db.prepare(
      'SELECT request_hash, stream_id, response FROM idempotency_keys WHERE sub = ? AND key = ?',
    );
    this.insertStatement = this.db.prepare(
      'INSERT OR IGNORE INTO idempotency_keys (sub, key, request_hash, stream_id, response, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  find<R = CommandResult>(sub: string, key: string): RememberedCommand<R> | undefined {
    const row = this.findStatement.get(sub, key);
    return (
      row && {
        requestHash: row.request_hash,
        streamId: row.stream_id,
        response: JSON.parse(row.response) as R,
      }
    );
  }

  /** First use wins: a concurrent duplicate of the same command writes the same row anyway. */
  remember<R>(sub: string, key: string, command: RememberedCommand<R>, recordedAt: string): void {
    this.insertStatement.run(
      sub,
      key,
      command.requestHash,
      command.streamId,
      JSON.stringify(command.response),
      recordedAt,
    );
  }

  /** After the HTTP server has closed (Nest calls this hook last): commands still in flight while
   * the service stops remember their results. */
  onApplicationShutdown(): void {
    this.db.close();
  }
}
