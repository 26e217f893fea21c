import { existsSync, statSync } from 'node:fs';

/** `file`, once it is known to be a file: what an operator named wrongly is said in words, not as
 * ENOENT or EISDIR. */
export function readableFile(file: string, what: string): string {
  if (!existsSync(file)) throw new Error(`${what}: no such file: ${file}`);
  // Pipes and devices (`<(curl …)`) read as files do.
  if (statSync(file).isDirectory()) throw new Error(`${what}: ${file} is a directory, not a file`);
  return file;
}
