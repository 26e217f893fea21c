/**
 * Event-store benchmark: the SQLite adapter through the port against raw better-sqlite3 doing the
 * same work with the same durability (WAL, synchronous FULL), plus group commit under concurrency
 * and, for scale, the rate bare better-sqlite3 reaches committing the same batches into the same
 * indexed table (what group commit could reach at best on this disk).
 *
 * Run: npx tsx bench/event-store.bench.ts   (writes bench/results/event-store.json)
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventToAppend, ExpectedRevision, JsonObject } from '../libs/event-store/src/event-store.port';
import { SQLITE_EVENTS_SCHEMA, SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { report } from './report';

const PAYLOAD_BYTES = 600;
const STREAMS = 10_000;
const CONCURRENT_CALLERS = 50;
const SEGMENTS = 10;

/** A detainer-request-like event whose data serializes to exactly PAYLOAD_BYTES. */
function makeEvent(i: number): EventToAppend {
  const data: JsonObject = {
    caseId: randomUUID(),
    requestId: randomUUID(),
    requestingAgency: 'ICE',
    requestType: 'DETAINER',
    form: 'I-247A',
    receivedAt: '2024-05-01T12:00:00.000Z',
    documents: [
      { kind: 'ADMINISTRATIVE_WARRANT_I200', signedBy: 'Supervisory Detention and Deportation Officer' },
    ],
    sequence: i,
    notes: '',
  };
  data.notes = 'n'.repeat(PAYLOAD_BYTES - JSON.stringify(data).length);
  return {
    id: randomUUID(),
    type: 'FederalRequestReceived',
    data,
    metadata: {
      recordedAt: new Date().toISOString(),
      correlationId: randomUUID(),
      causationId: null,
      actor: 'bench:officer',
    },
  };
}

/** Appends through the port, one event per call, each awaited, with exact expected revisions. */
class PortWriter {
  readonly store: SqliteEventStore;
  private readonly revisions = new Map<string, number>();

  constructor(file: string) {
    this.store = new SqliteEventStore(file, { synchronous: 'FULL' });
  }

  async append(from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) {
      const streamId = `case-${i % STREAMS}`;
      const expectedRevision: ExpectedRevision = this.revisions.get(streamId) ?? 'no_stream';
      const result = await this.store.append(streamId, [makeEvent(i)], { expectedRevision });
      this.revisions.set(streamId, result.nextExpectedRevision);
    }
  }

  async readAll(): Promise<number> {
    let read = 0;
    for await (const _ of this.store.readAll()) read += 1;
    return read;
  }
}

interface RawRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/** The floor: one plain INSERT per transaction, and a plain SELECT scan parsing the JSON columns. */
class RawWriter {
  readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, string, number, string, string, string]>;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE events (
      position INTEGER PRIMARY KEY, event_id TEXT NOT NULL, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
      type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL)`);
    this.insert = this.db.prepare(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  append(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const event = makeEvent(i);
      this.insert.run(
        event.id,
        `case-${i % STREAMS}`,
        Math.floor(i / STREAMS),
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
      );
    }
  }

  scan(): number {
    let read = 0;
    for (const row of this.db.prepare<[], RawRow>('SELECT * FROM events ORDER BY position').iterate()) {
      const data = JSON.parse(row.data) as JsonObject;
      const metadata = JSON.parse(row.metadata) as JsonObject;
      if (data !== null && metadata !== null) read += 1;
    }
    return read;
  }
}

/**
 * The ceiling for group commit on this disk: bare better-sqlite3 committing CONCURRENT_CALLERS
 * one-event appends per transaction into the port's own table, with its two unique indexes (event
 * id; stream and revision) and FULL durability, but no savepoints, lookups, validation or promises.
 */
function rawGroupCommit(file: string, events: number): number {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('wal_autocheckpoint = 10000');
    db.exec(SQLITE_EVENTS_SCHEMA);
    const insert = db.prepare<[string, string, number, string, string, string, number]>(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const commit = db.transaction((batch: EventToAppend[], revision: number) => {
      batch.forEach((event, caller) =>
        insert.run(
          event.id,
          `caller-${caller}`,
          revision,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
          Date.now(),
        ),
      );
    });
    const rounds = Math.ceil(events / CONCURRENT_CALLERS);
    const started = performance.now();
    for (let revision = 0; revision < rounds; revision++) {
      commit.immediate(
        Array.from({ length: CONCURRENT_CALLERS }, (_, caller) =>
          makeEvent(revision * CONCURRENT_CALLERS + caller),
        ),
        revision,
      );
    }
    return Math.round((rounds * CONCURRENT_CALLERS) / ((performance.now() - started) / 1000));
  } finally {
    db.close();
  }
}

/** Milliseconds taken by `work`. */
async function timed(work: () => unknown): Promise<number> {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
}

/** Port and raw take turns, segment by segment, so that both see the same (shared, noisy) machine. */
async function appendAndRead(dir: string, events: number): Promise<Record<string, number>> {
  const port = new PortWriter(join(dir, 'port.db'));
  const raw = new RawWriter(join(dir, 'raw.db'));
  try {
    const segment = Math.ceil(events / SEGMENTS);
    let portMs = 0;
    let rawMs = 0;
    for (let from = 0; from < events; from += segment) {
      const to = Math.min(events, from + segment);
      portMs += await timed(() => port.append(from, to));
      rawMs += await timed(() => raw.append(from, to));
    }
    let portRead = 0;
    let rawRead = 0;
    const readMs = await timed(async () => (portRead = await port.readAll()));
    const scanMs = await timed(() => (rawRead = raw.scan()));
    if (portRead !== events || rawRead !== events)
      throw new Error(`read ${portRead} and ${rawRead} of ${events}`);
    return {
      append_events_per_s: Math.round(events / (portMs / 1000)),
      raw_append_events_per_s: Math.round(events / (rawMs / 1000)),
      readall_events_per_s: Math.round(events / (readMs / 1000)),
      raw_scan_events_per_s: Math.round(events / (scanMs / 1000)),
    };
  } finally {
    await port.store.close();
    raw.db.close();
  }
}

/** Many callers at once (as HTTP requests are), each appending to its own stream in turn. */
async function concurrentAppends(file: string, events: number): Promise<number> {
  const store = new SqliteEventStore(file, { synchronous: 'FULL' });
  try {
    const perCaller = Math.ceil(events / CONCURRENT_CALLERS);
    const ms = await timed(() =>
      Promise.all(
        Array.from({ length: CONCURRENT_CALLERS }, async (_, caller) => {
          for (let i = 0; i < perCaller; i++) {
            await store.append(`caller-${caller}`, [makeEvent(i)], {
              expectedRevision: i === 0 ? 'no_stream' : i - 1,
            });
          }
        }),
      ),
    );
    return Math.round((perCaller * CONCURRENT_CALLERS) / (ms / 1000));
  } finally {
    await store.close();
  }
}

export async function runEventStoreBench(events = 100_000): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'trust-ledger-bench-'));
  try {
    const loadBefore = loadavg()[0];
    const sequential = await appendAndRead(dir, events);
    const concurrent = await concurrentAppends(join(dir, 'concurrent.db'), events / 2);
    const ceiling = rawGroupCommit(join(dir, 'raw-batches.db'), events / 2);
    const round = (x: number): number => Math.round(x * 100) / 100;
    return {
      events,
      payload_bytes: PAYLOAD_BYTES,
      ...sequential,
      append_ratio: round(sequential.append_events_per_s / sequential.raw_append_events_per_s),
      readall_ratio: round(sequential.readall_events_per_s / sequential.raw_scan_events_per_s),
      concurrent_callers: CONCURRENT_CALLERS,
      concurrent_append_events_per_s: concurrent,
      group_commit_ratio: round(concurrent / sequential.raw_append_events_per_s),
      raw_batched_append_events_per_s: ceiling,
      raw_batched_ratio: round(ceiling / sequential.raw_append_events_per_s),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      cpus: cpus().length,
      load_avg_1m_before: round(loadBefore),
      load_avg_1m_after: round(loadavg()[0]),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void runEventStoreBench().then((results) => report('event-store', results));
}
