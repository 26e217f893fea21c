import { caseDecider, caseStreamId, DomainError } from '@trust-ledger/domain';
import { parse, type CsvError } from 'csv-parse/sync';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { CommandExecutor } from '../../../api/src/write/command-executor';
import type { DetainerMapping } from './detainer-mapping';
import { IMPORT_ACTOR, planRow, type RowPlan } from './detainer-row';

export interface DetainerImportOptions {
  file: string;
  mapping: DetainerMapping;
  /** Records every row for this agency instead of the mapping's facility table. */
  agencyId?: string;
  /** When the import runs: a row dated after it is refused, as the API refuses an act in the future. */
  now: string;
  /** Rows in flight at once, so that the store's group commit can batch their appends. */
  concurrency?: number;
  /** A progress line every this many rows. */
  progressEvery?: number;
}

export interface DetainerImportSummary {
  /** Rows whose commands are all recorded (now or by an earlier run of the same file). */
  imported: number;
  /** Rows not (fully) recorded, each reported with its line number. */
  skipped: number;
  /** Imported rows whose lift reason the mapping does not name, recorded as pending. */
  unknownLiftReasons: number;
  /** Commands run, including those an earlier run had already recorded (replayed as no-ops). */
  commands: number;
}

const DEFAULT_CONCURRENCY = 64;
const DEFAULT_PROGRESS_EVERY = 2000;

/**
 * Streams a detainer log through the API's command path: each line after the header is one row,
 * parsed by csv-parse, whose case commands (`planRow`) the CommandExecutor runs in order, with up
 * to `concurrency` rows in flight. Memory stays bounded: the file is only read while fewer rows are
 * in flight. A row that cannot be mapped, that is not well-formed CSV, or that the domain refuses
 * (e.g. an earlier import of the same line under another mapping) is reported through `report`
 * with its line number, never dropped silently; anything else (the store failing) stops the import
 * once the rows in flight have settled.
 */
export async function importDetainers(
  executor: CommandExecutor,
  options: DetainerImportOptions,
  report: (line: string) => void,
): Promise<DetainerImportSummary> {
  const { file, mapping } = options;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const progressEvery = options.progressEvery ?? DEFAULT_PROGRESS_EVERY;
  const source = basename(file);
  const summary: DetainerImportSummary = { imported: 0, skipped: 0, unknownLiftReasons: 0, commands: 0 };
  const skip = (line: number, problem: string): void => {
    summary.skipped += 1;
    report(`line ${line}: skipped: ${problem}`);
  };
  let done = 0;
  const settled = (): void => {
    done += 1;
    if (done % progressEvery === 0)
      report(`progress: ${done} rows done (${summary.imported} imported, ${summary.skipped} skipped)`);
  };

  const { date, liftReason, facility, detainerType } = mapping.columns;
  const wanted = [date, liftReason, facility, detainerType];
  let header: string[] | undefined;

  const runRow = async (plan: RowPlan): Promise<void> => {
    for (const { commandId, requestHash, command } of plan.commands) {
      await executor.execute({
        actor: IMPORT_ACTOR,
        commandId,
        requestHash,
        correlationId: plan.correlationId,
        imported: plan.imported,
        streamId: caseStreamId(plan.caseId),
        decider: caseDecider,
        command,
      });
      summary.commands += 1;
    }
  };

  const inFlight = new Set<Promise<void>>();
  let fatal: { error: unknown } | undefined;
  try {
    for await (const { line, text } of numberedLines(file)) {
      if (fatal) break;
      if (header === undefined) {
        header = headerOf(text.replace(/^\uFEFF/, ''), file, wanted);
        continue;
      }
      // A blank line holds no row.
      if (text.trim() === '') continue;
      const parsed = recordOf(header, text);
      const result =
        'problem' in parsed
          ? parsed
          : planRow(mapping, { source, line, text, record: parsed.record }, options.now, options.agencyId);
      if ('problem' in result) {
        skip(line, result.problem);
        settled();
        continue;
      }
      const { plan } = result;
      const row = runRow(plan)
        .then(
          () => {
            summary.imported += 1;
            if (plan.unknownLiftReason !== undefined) {
              summary.unknownLiftReasons += 1;
              report(
                `line ${line}: lift reason ${JSON.stringify(plan.unknownLiftReason)} is not in the mapping; recorded as pending`,
              );
            }
            settled();
          },
          (error: unknown) => {
            if (!(error instanceof DomainError)) {
              fatal ??= { error };
              return;
            }
            skip(line, `refused: ${error.message} (${error.code})`);
            settled();
          },
        )
        // Counted as done with its outcome, not after: another row may settle in between, and the
        // progress line would count it imported but not done.
        .finally(() => inFlight.delete(row));
      inFlight.add(row);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  } finally {
    await Promise.all(inFlight);
  }
  if (fatal) throw fatal.error;
  if (header === undefined) throw new Error(`${file} is empty: expected a header row`);
  return summary;
}

/**
 * The file's lines, numbered from 1, without their line breaks (\n or \r\n), read as a stream.
 * One row per line: lines are what the operator sees, so each is reported, hashed and numbered
 * exactly as `sed -n '<n>p'` shows it, and a broken line never swallows the lines after it.
 */
async function* numberedLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  let line = 0;
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8' }) as AsyncIterable<string>) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const text of lines) yield { line: ++line, text: text.replace(/\r$/, '') };
  }
  if (rest !== '') yield { line: ++line, text: rest.replace(/\r$/, '') };
}

function headerOf(text: string, file: string, wanted: string[]): string[] {
  const [header = []] = parse(text);
  const missing = wanted.filter((column) => !header.includes(column));
  if (missing.length > 0)
    throw new Error(`${file} lacks the column(s) the mapping names: ${missing.join(', ')}`);
  return header;
}

function recordOf(header: string[], text: string): { record: Record<string, string> } | { problem: string } {
  let fields: string[][];
  try {
    fields = parse(text);
  } catch (e) {
    return { problem: `malformed CSV (${(e as CsvError).code ?? (e as Error).message})` };
  }
  if (fields.length !== 1 || fields[0].length !== header.length) {
    return {
      problem: `malformed CSV (${fields[0]?.length ?? 0} fields where the header has ${header.length})`,
    };
  }
  return { record: Object.fromEntries(header.map((name, i) => [name, fields[0][i]])) };
}
