/**
 * Runs the built CLI (`node dist/apps/cli/src/main.js`) on a DATA_DIR, as an operator would: the
 * benches that time a CLI command measure the compiled code in its own process, not tsx.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
/**
 * As package.json's `cli` script runs it: with its default limit V8 lets a rebuild's garbage grow
 * past the 300 MB target before collecting it (README, "projections rebuild peak RSS").
 */
const NODE_FLAGS = ['--max-old-space-size=512'];

// Printed by the child as it exits: the only way to learn a child's own peak RSS portably.
const REPORT_RSS =
  'data:text/javascript,process.on("exit",()=>process.stderr.write(`maxRSS ${process.resourceUsage().maxRSS}\\n`))';

export interface CliRun {
  seconds: number;
  peakRssMb: number;
  stdout: string;
}

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
}

/** Resolves with the command's wall time, peak RSS and output; rejects if it exits non-zero. */
export function runCli(args: string[], dataDir: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(process.execPath, [...NODE_FLAGS, '--import', REPORT_RSS, CLI, ...args], {
      env: { ...process.env, DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - startedAt) / 1000;
      const rss = /maxRSS (\d+)/.exec(stderr);
      if (code !== 0 || rss === null) {
        reject(new Error(`${args.slice(0, 2).join(' ')} exited ${code}:\n${stderr.slice(-2000)}`));
        return;
      }
      resolve({ seconds, peakRssMb: Math.round(Number(rss[1]) / 1024), stdout: stdout.trim() });
    });
  });
}
