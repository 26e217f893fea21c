import { Command } from 'commander';
import { registerBackupCommand } from './commands/backup.command';
import { registerImportCommand } from './commands/import.command';
import { registerProjectionsCommand } from './commands/projections.command';
import { registerTokenCommand } from './commands/token.command';
import { registerVerifyEvidenceCommand } from './commands/verify-evidence.command';
import { registerVerifyCommand } from './commands/verify.command';

/** Each operator command lives in its own file under commands/ and adds itself to the program here. */
const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  registerTokenCommand,
  registerImportCommand,
  registerVerifyCommand,
  registerVerifyEvidenceCommand,
  registerProjectionsCommand,
  registerBackupCommand,
];

export function buildProgram(): Command {
  const program = new Command('trust-ledger')
    .description('Trust Ledger operator commands; each uses DATA_DIR and the rest of the API configuration')
    .showHelpAfterError();
  for (const register of COMMANDS) register(program);
  return program;
}
