import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@trust-ledger/event-store';
import { parse } from 'csv-parse/sync';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../libs/domain/testing/manual-clock';
import { loadConfig, type AppConfig } from '../../apps/api/src/config/app-config';
import { EVENT_CODEC, type EventCodec } from '../../apps/api/src/write/event-codec';
import { ImportModule } from '../../apps/cli/src/import/import.module';
import { runDetainerImport, type ImportOutput } from '../../apps/cli/src/import/run-detainer-import';

/** The real PA log the project reaches at ../shared (see shared/README.md). */
export const PA_LOG = join(__dirname, '../../../shared/data/pa-detainers-2007-2015.csv');
export const PA_MAPPING = join(__dirname, '../../deploy/import-mappings/pa-detainers-2007-2015.json');

export interface LogRow {
  /** 1-based line in the file the row was written to. */
  line: number;
  text: string;
  date: string;
  liftReason: string;
  facility: string;
  detainerType: string;
}

/** The file's rows (one line each: the PA log has no quoted line breaks). */
export function readLog(file: string): { header: string; rows: LogRow[] } {
  const [header, ...lines] = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
  const rows = lines.map((text, i) => {
    const [[date, liftReason, facility, , , detainerType]] = parse(text);
    return { line: i + 2, text, date, liftReason, facility, detainerType };
  });
  return { header, rows };
}

/**
 * A deterministic sample of the real log that the suite can carry: the first `perGroup` rows of
 * every (year, lift reason, detainer type), in file order — every year, reason and form appears.
 */
export function writeSample(file: string, perGroup: number): LogRow[] {
  const { header, rows } = readLog(PA_LOG);
  const taken = new Map<string, number>();
  const sample = rows.filter((r) => {
    const group = `${r.date.slice(0, 4)}|${r.liftReason}|${r.detainerType}`;
    const n = taken.get(group) ?? 0;
    taken.set(group, n + 1);
    return n < perGroup;
  });
  writeFileSync(file, [header, ...sample.map((r) => r.text)].join('\n') + '\n');
  return readLog(file).rows;
}

// The outcome table of deploy/import-mappings/README.md, restated so the test does not read it from the code.
export const DECLINED = new Set(['Detainer Declined by LEA']);
export const TRANSFERRED = new Set(['Booked into Detention', 'Transferred']);
export const requestTypeOf = (r: LogRow): string =>
  r.detainerType.startsWith('I247N') ? 'NOTIFICATION' : 'DETAINER';
export const formOf = (r: LogRow): string =>
  r.detainerType.startsWith('I247D') ? 'I-247D' : r.detainerType.startsWith('I247N') ? 'I-247N' : 'OTHER';

/** "YYYY-MM-DD HH:MM:SS" of an instant on a Pennsylvania wall clock. */
export const newYorkWallClock = (iso: string): string =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'America/New_York',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

export class Output implements ImportOutput {
  readonly outLines: string[] = [];
  readonly errLines: string[] = [];
  out = (line: string): void => void this.outLines.push(line);
  err = (line: string): void => void this.errLines.push(line);
}

/** Importing a sample of a few hundred rows writes a few thousand durable commits (and as many keys). */
export const SAMPLE_IMPORT_TIMEOUT_MS = 180_000;

export const clock = new ManualClock('2026-01-15T09:00:00Z');

/** A DATA_DIR of its own, configured from nothing but the overrides (no stray environment). */
export function freshDataDir(): { dir: string; config: AppConfig } {
  const dir = mkdtempSync(join(tmpdir(), 'import-detainers-'));
  return { dir, config: loadConfig({ dataDir: join(dir, 'data'), eventStore: 'sqlite' }, {}) };
}

export async function importFile(
  config: AppConfig,
  file: string,
  options: { agencyId?: string; allowSkips?: boolean } = {},
): Promise<{ code: number; output: Output }> {
  const output = new Output();
  const code = await runDetainerImport(
    config,
    clock,
    { file, mappingFile: PA_MAPPING, allowSkips: options.allowSkips ?? false, agencyId: options.agencyId },
    output,
  );
  return { code, output };
}

/** Runs `use` on the import's own Nest context: the same store, codec and integrity service. */
export async function withContext<T>(
  config: AppConfig,
  use: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const app = await NestFactory.createApplicationContext(ImportModule.forRoot(config, clock), {
    logger: false,
  });
  try {
    return await use(app);
  } finally {
    await app.close();
  }
}

/**
 * Every stored event (the cases' only, if asked), with its data as the write path's codec decodes
 * it, or as stored (personal data sealed) when `decoded` is false.
 */
export function storedEvents(config: AppConfig, only?: 'cases', decoded = true): Promise<RecordedEvent[]> {
  return withContext(config, async (app) => {
    const store = app.get<EventStore>(EVENT_STORE);
    const codec = app.get<EventCodec>(EVENT_CODEC);
    const events: RecordedEvent[] = [];
    const filter = only === 'cases' ? { streamPrefixes: ['case-'] } : undefined;
    for await (const event of store.readAll({ filter }))
      events.push(decoded ? { ...event, data: (await codec.decode(event)).data } : event);
    return events;
  });
}

export const lineOf = (e: RecordedEvent): number => (e.metadata.imported as { line: number }).line;
