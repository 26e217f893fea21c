/**
 * Event-store benchmark: the SQLite adapter through the port against raw better-sqlite3 doing the
 * same work with the same durability (WAL, synchronous FULL), plus group commit under concurrency.
 *
 * Run: npx tsx bench/event-store.bench.ts   (writes bench/results/event-store.json)
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventToAppend, ExpectedRevision, JsonObject } from '../libs/event-store/src/event-store.port';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';

const PAYLOAD_BYTES = 600;
const STREAMS = 10_000;
const CONCURRENT_CALLERS = 50;

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

function perSecond(count: number, startedAt: number): number {
  return Math.round(count / ((performance.now() - startedAt) / 1000));
}

async function portAppendAndRead(file: string, events: number): Promise<{ append: number; readAll: number }> {
  const store = new SqliteEventStore(file, { synchronous: 'FULL' });
  try {
    const revisions = new Map<string, number>();
    let startedAt = performance.now();
    for (let i = 0; i < events; i++) {
      const streamId = `case-${i % STREAMS}`;
      const last = revisions.get(streamId);
      const expectedRevision: ExpectedRevision = last ?? 'no_stream';
      const result = await store.append(streamId, [makeEvent(i)], { expectedRevision });
      revisions.set(streamId, result.nextExpectedRevision);
    }
    const append = perSecond(events, startedAt);

    startedAt = performance.now();
    let read = 0;
    for await (const _ of store.readAll()) read += 1;
    if (read !== events) throw new Error(`readAll returned ${read} of ${events} events`);
    return { append, readAll: perSecond(read, startedAt) };
  } finally {
    await store.close();
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
function rawAppendAndScan(file: string, events: number): { append: number; scan: number } {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE events (
      position INTEGER PRIMARY KEY, event_id TEXT NOT NULL, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
      type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL)`);
    const insert = db.prepare(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    let startedAt = performance.now();
    for (let i = 0; i < events; i++) {
      const event = makeEvent(i);
      insert.run(
        event.id,
        `case-${i % STREAMS}`,
        Math.floor(i / STREAMS),
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
      );
    }
    const append = perSecond(events, startedAt);

    startedAt = performance.now();
    let read = 0;
    for (const row of db.prepare<[], RawRow>('SELECT * FROM events ORDER BY position').iterate()) {
      const data = JSON.parse(row.data) as JsonObject;
      const metadata = JSON.parse(row.metadata) as JsonObject;
      if (data !== null && metadata !== null) read += 1;
    }
    if (read !== events) throw new Error(`scan returned ${read} of ${events} rows`);
    return { append, scan: perSecond(read, startedAt) };
  } finally {
    db.close();
  }
}

/** Many callers at once (as HTTP requests are), each appending to its own stream in turn. */
async function concurrentAppends(file: string, events: number): Promise<number> {
  const store = new SqliteEventStore(file, { synchronous: 'FULL' });
  try {
    const perCaller = Math.ceil(events / CONCURRENT_CALLERS);
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENT_CALLERS }, async (_, caller) => {
        for (let i = 0; i < perCaller; i++) {
          await store.append(`caller-${caller}`, [makeEvent(i)], {
            expectedRevision: i === 0 ? 'no_stream' : i - 1,
          });
        }
      }),
    );
    return perSecond(perCaller * CONCURRENT_CALLERS, startedAt);
  } finally {
    await store.close();
  }
}

export async function runEventStoreBench(events = 100_000): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'trust-ledger-bench-'));
  try {
    const loadBefore = loadavg()[0];
    const port = await portAppendAndRead(join(dir, 'port.db'), events);
    const raw = rawAppendAndScan(join(dir, 'raw.db'), events);
    const concurrent = await concurrentAppends(join(dir, 'concurrent.db'), events / 2);
    const round = (x: number): number => Math.round(x * 100) / 100;
    return {
      events,
      payload_bytes: PAYLOAD_BYTES,
      append_events_per_s: port.append,
      raw_append_events_per_s: raw.append,
      append_ratio: round(port.append / raw.append),
      readall_events_per_s: port.readAll,
      raw_scan_events_per_s: raw.scan,
      readall_ratio: round(port.readAll / raw.scan),
      concurrent_callers: CONCURRENT_CALLERS,
      concurrent_append_events_per_s: concurrent,
      group_commit_ratio: round(concurrent / raw.append),
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
  void runEventStoreBench().then((results) => {
    console.table(results);
    const out = join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'event-store.json'), `${JSON.stringify(results, null, 2)}\n`);
  });
}
