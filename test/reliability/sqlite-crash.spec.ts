import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteEventStore } from '@trust-ledger/event-store';
import type { Ack } from './sqlite-crash-writer';

const WRITER = join(__dirname, 'sqlite-crash-writer.ts');
const ROOT = join(__dirname, '..', '..');

interface StoredRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  data: string;
}

/** Runs the writer on `file` and SIGKILLs it once it has acknowledged `killAfter` appends. */
async function runWriterAndKill(file: string, killAfter: number): Promise<Ack[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  const acks: Ack[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    acks.push(JSON.parse(line) as Ack);
    if (acks.length === killAfter) child.kill('SIGKILL');
  }
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`writer ended on its own after ${acks.length} acks: ${stderr}`);
  return acks;
}

/** Everything the crash must not break, checked on the raw table after the writer died. */
function verify(file: string, acknowledged: Ack[]): number {
  const db = new Database(file);
  try {
    const rows = db
      .prepare<[], StoredRow>(
        'SELECT position, event_id, stream_id, revision, data FROM events ORDER BY position',
      )
      .all();
    const byId = new Map(rows.map((row) => [row.event_id, row]));
    expect(byId.size).toBe(rows.length);

    for (let i = 1; i < rows.length; i++) expect(rows[i].position).toBeGreaterThan(rows[i - 1].position);

    // Revisions are contiguous from 0 per stream, in log order.
    const nextRevision = new Map<string, number>();
    const gaps = rows.filter((row) => {
      const expected = nextRevision.get(row.stream_id) ?? 0;
      nextRevision.set(row.stream_id, row.revision + 1);
      return row.revision !== expected;
    });
    expect(gaps).toEqual([]);

    // Every acknowledged append is there, once, where its acknowledgement said.
    const lost = acknowledged.filter((ack) => {
      const stored = ack.ids.map((id) => byId.get(id));
      const last = stored[stored.length - 1];
      return (
        stored.some((row) => row === undefined || row.stream_id !== ack.streamId) ||
        last?.revision !== ack.nextExpectedRevision ||
        String(last.position) !== ack.position
      );
    });
    expect(lost).toEqual([]);

    // No half-written append, acknowledged or not: each one's events are all there, in order.
    const appends = new Map<string, StoredRow[]>();
    for (const row of rows) {
      const { appendId } = JSON.parse(row.data) as { appendId: string };
      appends.set(appendId, [...(appends.get(appendId) ?? []), row]);
    }
    const torn = [...appends.values()].filter((group) => {
      const { count } = JSON.parse(group[0].data) as { count: number };
      return (
        group.length !== count ||
        group.some(
          (row, i) =>
            row.stream_id !== group[0].stream_id ||
            row.revision !== group[0].revision + i ||
            (JSON.parse(row.data) as { index: number }).index !== i,
        )
      );
    });
    expect(torn).toEqual([]);
    return rows.length;
  } finally {
    db.close();
  }
}

describe('SQLite event store under SIGKILL', () => {
  jest.setTimeout(60_000);

  it.each([1, 2, 3, 4, 5])(
    'run %i: keeps every acknowledged append, exactly once, whole, in order, and stays writable',
    async (run) => {
      const dir = mkdtempSync(join(tmpdir(), `trust-ledger-crash-${run}-`));
      const file = join(dir, 'events.db');
      try {
        const acknowledged: Ack[] = [];
        // Twice on the same file: the second writer recovers the crashed file and carries on.
        for (const killAfter of [200 + run * 37, 300 + run * 53]) {
          acknowledged.push(...(await runWriterAndKill(file, killAfter)));
          verify(file, acknowledged);
        }
        const total = verify(file, acknowledged);

        const store = new SqliteEventStore(file);
        try {
          let read = 0;
          for await (const _ of store.readAll()) read += 1;
          expect(read).toBe(total);
          const last = acknowledged[acknowledged.length - 1];
          let tip = -1;
          for await (const e of store.readStream(last.streamId, { direction: 'backwards', maxCount: 1 }))
            tip = e.revision;
          await expect(
            store.append(
              last.streamId,
              [
                {
                  id: randomUUID(),
                  type: 'CrashTestAppended',
                  data: { appendId: randomUUID(), index: 0, count: 1 },
                  metadata: {
                    recordedAt: new Date().toISOString(),
                    correlationId: 'after-crash',
                    causationId: null,
                    actor: 'test',
                  },
                },
              ],
              { expectedRevision: tip },
            ),
          ).resolves.toMatchObject({ nextExpectedRevision: tip + 1 });
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
