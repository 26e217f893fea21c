import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Prints a bench's figures as a table and writes them to bench/results/<name>.json. */
export function report(name: string, results: Record<string, number>): void {
  console.log(`\n${name}`);
  console.table(results);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
}
