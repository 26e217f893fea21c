import type { Command } from 'commander';
import { loadConfig } from '../../../api/src/config/app-config';
import { systemClock } from '../../../api/src/config/system-clock';
import { runDetainerImport } from '../import/run-detainer-import';

interface ImportDetainersOptions {
  mapping: string;
  agency?: string;
  allowSkips?: boolean;
}

/** `import detainers <file.csv> --mapping <mapping.json> [--agency <id>] [--allow-skips]`. */
export function registerImportCommand(program: Command): void {
  const importCommand = program.command('import').description('import records kept by other systems');
  importCommand
    .command('detainers')
    .description(
      "record each row of a detainer log (CSV) as a case through the API's command path; importing the same file again records nothing twice",
    )
    .argument('<file>', 'the detainer log, CSV with a header row')
    .requiredOption('--mapping <file>', 'the mapping JSON (see deploy/import-mappings/README.md)')
    .option('--agency <agencyId>', "record every row for this agency instead of the mapping's facility table")
    .option('--allow-skips', 'exit 0 even when some rows could not be imported (they are still reported)')
    .action(async (file: string, options: ImportDetainersOptions) => {
      process.exitCode = await runDetainerImport(
        loadConfig({}, process.env, { existingDataDir: true }),
        systemClock,
        {
          file,
          mappingFile: options.mapping,
          agencyId: options.agency,
          allowSkips: options.allowSkips ?? false,
        },
        {
          out: (line) => process.stdout.write(`${line}\n`),
          err: (line) => process.stderr.write(`${line}\n`),
        },
      );
    });
}
