import { Command } from 'commander';
import { buildProgram } from '../../apps/cli/src/program';

/**
 * Runs an operator command in-process, as `npm run cli -- <args>` would: what it printed on stdout
 * (its result) and its exit code. Its diagnostics on stderr are held back; a thrown error rejects,
 * as the CLI's main would print it.
 */
export async function runCli(...args: string[]): Promise<{ code: number; out: string }> {
  const { code, out } = await runCliWithStderr(...args);
  return { code, out };
}

/** As runCli, with what the command wrote on stderr (its diagnostics, warnings). */
export async function runCliWithStderr(
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const program: Command = buildProgram().exitOverride();
  let out = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  let err = '';
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, out, err };
}
