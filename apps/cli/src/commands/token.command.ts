import { Option, type Command } from 'commander';
import { mintToken } from '../../../api/src/auth/mint-token';
import { ROLES, type Role } from '../../../api/src/auth/principal';
import { loadConfig } from '../../../api/src/config/app-config';

interface TokenOptions {
  role: Role;
  agency?: string;
  sub?: string;
  expiresIn: string;
}

/** `token`: a signed bearer token for the embedded set-up, with the API's own secret resolution. */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('print a signed bearer token (only the token, on stdout)')
    .addOption(new Option('--role <role>', 'the caller role').choices(ROLES).makeOptionMandatory())
    .option('--agency <agencyId>', 'agency id (required for officer and supervisor)')
    .option('--sub <id>', 'the person the token names (default: a new UUID)')
    .option('--expires-in <span>', 'lifetime, e.g. 30m, 8h', '8h')
    .action(async (options: TokenOptions) => {
      const token = await mintToken(loadConfig({}, process.env, { existingDataDir: true }), {
        role: options.role,
        agencyId: options.agency,
        sub: options.sub,
        expiresIn: options.expiresIn,
      });
      process.stdout.write(`${token}\n`);
    });
}
