/**
 * `npm run bench [name…]`: runs the named benches (all by default) one after another, so that they
 * do not compete for the machine, printing each table and writing bench/results/<name>.json.
 * BENCH_EVENTS sizes the projections bench (default 1,000,000). The projections and import benches
 * run the built CLI: `npm run build` first.
 */
import { runEventStoreBench } from './event-store.bench';
import { runImportBench } from './import.bench';
import { runIntegrityBench } from './integrity.bench';
import { runProjectionsBench } from './projections.bench';
import { report } from './report';
import { runSuppressionBench } from './suppression.bench';

const benches: Record<string, () => Promise<Record<string, number>>> = {
  'event-store': () => runEventStoreBench(),
  projections: () => runProjectionsBench(),
  import: () => runImportBench(),
  integrity: () => runIntegrityBench(),
  suppression: () => runSuppressionBench(),
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in benches));
  if (unknown.length > 0) {
    throw new Error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  }
  for (const name of names.length > 0 ? names : Object.keys(benches)) {
    report(name, await benches[name]());
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
