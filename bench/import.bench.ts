/**
 * Import benchmark: the full PA detainer log (32,757 rows) imported by the built CLI into a fresh
 * DATA_DIR, then imported again (every command replayed as a no-op), timed end to end with the
 * child's peak RSS. The CLI is spawned because the import needs Nest DI, and tsx cannot emit the
 * decorator metadata it relies on.
 *
 * Run: npm run build && npx tsx bench/import.bench.ts   (or npm run bench import; writes
 * bench/results/import.json)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { requireBuiltCli, ROOT, runCli } from './cli';
import { report } from './report';

const LOG = join(ROOT, '../shared/data/pa-detainers-2007-2015.csv');
const MAPPING = join(ROOT, 'deploy/import-mappings/pa-detainers-2007-2015.json');

const runImport = (dataDir: string) => runCli(['import', 'detainers', LOG, '--mapping', MAPPING], dataDir);

/** The store's events, or only the cases' (what the import itself records). */
async function countEvents(dataDir: string, only?: 'cases'): Promise<number> {
  const store = new SqliteEventStore(join(dataDir, 'trust-ledger.db'));
  try {
    let n = 0;
    const filter = only === 'cases' ? { streamPrefixes: ['case-'] } : undefined;
    for await (const _ of store.readAll({ filter })) n += 1;
    return n;
  } finally {
    await store.close();
  }
}

export async function runImportBench(): Promise<Record<string, number>> {
  requireBuiltCli();
  const rows = readFileSync(LOG, 'utf8').trimEnd().split('\n').length - 1;
  const dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-import-bench-'));
  try {
    const round = (x: number): number => Math.round(x * 100) / 100;
    const loadBefore = loadavg()[0];
    const first = await runImport(dataDir);
    if (first.stdout !== `imported ${rows} rows, skipped 0 (see above)`) {
      throw new Error(`unexpected summary: ${first.stdout}`);
    }
    const events = await countEvents(dataDir, 'cases');
    const stored = await countEvents(dataDir);
    const again = await runImport(dataDir);
    const added = (await countEvents(dataDir)) - stored;
    if (added !== 0) throw new Error(`the second import added ${added} events`);
    return {
      rows,
      events,
      total_s: round(first.seconds),
      rows_per_s: Math.round(rows / first.seconds),
      events_per_s: Math.round(events / first.seconds),
      peak_rss_mb: first.peakRssMb,
      reimport_total_s: round(again.seconds),
      reimport_rows_per_s: Math.round(rows / again.seconds),
      reimport_events_added: added,
      reimport_peak_rss_mb: again.peakRssMb,
      cpus: cpus().length,
      load_avg_1m_before: round(loadBefore),
      load_avg_1m_after: round(loadavg()[0]),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void runImportBench().then((results) => report('import', results));
}
