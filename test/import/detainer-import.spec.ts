import { IntegrityService } from '@trust-ledger/integrity';
import type { RecordedEvent } from '@trust-ledger/event-store';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AppConfig } from '../../apps/api/src/config/app-config';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { importDetainers } from '../../apps/cli/src/import/detainer-import';
import { loadMapping } from '../../apps/cli/src/import/detainer-mapping';
import {
  clock,
  DECLINED,
  formOf,
  freshDataDir,
  importFile,
  lineOf,
  newYorkWallClock,
  PA_MAPPING,
  requestTypeOf,
  storedEvents,
  TRANSFERRED,
  withContext,
  writeSample,
  type LogRow,
  type Output,
  SAMPLE_IMPORT_TIMEOUT_MS,
} from './support';

describe('import detainers: a sample of the real PA log', () => {
  let dir: string;
  let config: AppConfig;
  let file: string;
  let rows: LogRow[];
  let first: { code: number; output: Output };

  beforeAll(async () => {
    ({ dir, config } = freshDataDir());
    file = join(dir, 'pa-sample.csv');
    rows = writeSample(file, 2);
    first = await importFile(config, file);
  }, SAMPLE_IMPORT_TIMEOUT_MS);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records every row through the command path, with the historical dates and the import marks', async () => {
    expect(first.output.errLines).toEqual([]);
    expect(first.output.outLines).toEqual([`imported ${rows.length} rows, skipped none`]);
    expect(first.code).toBe(0);

    const events = await storedEvents(config, 'cases');
    const count = (type: string): number => events.filter((e) => e.type === type).length;
    const declined = rows.filter((r) => DECLINED.has(r.liftReason)).length;
    const transferred = rows.filter((r) => TRANSFERRED.has(r.liftReason)).length;
    expect(count('CaseOpened')).toBe(rows.length);
    expect(count('FederalRequestReceived')).toBe(rows.length);
    expect(count('DecisionRecorded')).toBe(declined + transferred);
    expect(count('SubjectTransferred')).toBe(transferred);
    expect(count('CaseClosed')).toBe(rows.filter((r) => r.liftReason !== '').length);
    expect(events).toHaveLength(2 * rows.length + declined + 2 * transferred + count('CaseClosed'));

    const byStream = new Map<string, RecordedEvent[]>();
    for (const e of events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
    expect(byStream.size).toBe(rows.length);
    const rowsByLine = new Map(rows.map((r) => [r.line, r]));
    for (const stream of byStream.values()) {
      const mark = stream[0].metadata.imported as { source: string; line: number; sha256: string };
      const row = rowsByLine.get(mark.line)!;
      expect(mark).toEqual({
        source: basename(file),
        line: row.line,
        sha256: createHash('sha256').update(row.text).digest('hex'),
      });
      for (const e of stream) {
        expect(e.metadata.imported).toEqual(mark);
        expect(e.metadata.actor).toBe('system:import');
        // Recorded now; the acts themselves keep the log's date.
        expect(e.metadata.recordedAt).toBe(clock.now());
      }

      const [opened, received, ...rest] = stream;
      const at = received.data.receivedAt as string;
      expect(newYorkWallClock(at)).toBe(row.date);
      expect(opened).toMatchObject({
        type: 'CaseOpened',
        data: {
          openedAt: at,
          subject: { fullName: 'Unknown (imported record)' },
          custody: { status: 'IN_CUSTODY', facility: row.facility },
        },
      });
      expect(received).toMatchObject({
        type: 'FederalRequestReceived',
        data: { requestingAgency: 'ICE', requestType: requestTypeOf(row), form: formOf(row), documents: [] },
      });
      const requestId = received.data.requestId;
      const because = `Detainer log lift reason: ${row.liftReason}`;
      const expected = [
        ...(DECLINED.has(row.liftReason)
          ? [
              {
                type: 'DecisionRecorded',
                data: { requestId, outcome: 'DECLINED', basis: 'NONE', decidedAt: at, rationale: because },
              },
            ]
          : []),
        ...(TRANSFERRED.has(row.liftReason)
          ? [
              {
                type: 'DecisionRecorded',
                data: { requestId, outcome: 'HONORED', basis: 'NONE', decidedAt: at },
              },
              { type: 'SubjectTransferred', data: { at, toAgency: 'ICE', requestId } },
            ]
          : []),
        ...(row.liftReason !== '' ? [{ type: 'CaseClosed', data: { closedAt: at, reason: because } }] : []),
      ];
      expect(rest).toMatchObject(expected);
    }
  });

  it('writes as the API does: subjects sealed at rest, every event hash-chained and the chains intact', async () => {
    const stored = await storedEvents(config, 'cases', false);
    for (const e of stored) expect(e.metadata.integrity).toBeDefined();
    const opened = stored.filter((e) => e.type === 'CaseOpened');
    expect(opened).toHaveLength(rows.length);
    for (const e of opened) expect(JSON.stringify(e.data.subject)).not.toContain('Unknown');

    const verification = await withContext(config, (app) => app.get(IntegrityService).verifyAll());
    expect(verification).toMatchObject({ valid: true, breaks: [] });
  });

  it(
    'records nothing the second time the same file is imported',
    async () => {
      const before = await storedEvents(config);

      const { code, output } = await importFile(config, file);
      expect(code).toBe(0);
      expect(output.outLines).toEqual([
        `imported ${rows.length} rows (all recorded before: nothing written), skipped none`,
      ]);
      const after = await storedEvents(config);
      expect(after.map((e) => [e.id, e.position])).toEqual(before.map((e) => [e.id, e.position]));
    },
    SAMPLE_IMPORT_TIMEOUT_MS,
  );
});

// Written with CRLF line breaks, as spreadsheets export: lines are still numbered and hashed as shown.
describe('import detainers: rows it cannot record', () => {
  const HEADER = 'date,lift_reason,det_facility,city,state,detainer_type';
  const lines = [
    HEADER,
    '2012-03-04 00:00:00,Lifted,SCI ALBION,ALBION,PENNSYLVANIA,', // 2: fine
    '2012-02-30 00:00:00,Lifted,SCI ALBION,ALBION,PENNSYLVANIA,', // 3: no such date
    '2012-03-04 00:00:00,Lifted,NOWHERE JAIL,NOWHERE,PENNSYLVANIA,', // 4: unknown facility
    '2012-03-04 00:00:00,Lifted,SCI ALBION,ALBION,PENNSYLVANIA', // 5: a column short
    '2012-03-04 00:00:00,Lifted,SCI ALBION,ALBION,PENNSYLVANIA,I-999 Mystery', // 6: unknown form
    '2012-03-05 00:00:00,Vanished,"BUCKS CNTY JAIL, PA",DOYLESTOWN,PENNSYLVANIA,', // 7: unknown lift reason
    '',
    '2012-03-06 00:00:00,Died,SCI ALBION,ALBION,PENNSYLVANIA,', // 9, after a blank line: fine
    '2012-03-07 00:00:00,Lifted,"SCI ALBION,ALBION,PENNSYLVANIA,', // 10: a quote never closed
    '2012-03-07 00:00:00,Case Closed,SCI ALBION,ALBION,PENNSYLVANIA,', // 11: fine, the quote above notwithstanding
  ];
  let dir: string;
  let config: AppConfig;
  let file: string;

  beforeEach(() => {
    ({ dir, config } = freshDataDir());
    file = join(dir, 'with-problems.csv');
    writeFileSync(file, lines.join('\r\n') + '\r\n');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('counts a row done with its outcome, so a progress line never counts more rows than are done', async () => {
    const progress: string[] = [];
    await withContext(config, (app) =>
      importDetainers(
        app.get(CommandExecutor),
        { file, mapping: loadMapping(PA_MAPPING), progressEvery: 1, concurrency: 8, now: clock.now() },
        (line) => progress.push(line),
      ),
    );
    const counts = progress
      .map((line) => /^progress: (\d+) rows done \((\d+) imported, (\d+) skipped\)$/.exec(line))
      .filter((m) => m !== null)
      .map((m) => m.slice(1).map(Number));
    expect(counts.map(([done]) => done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const [done, imported, skipped] of counts) expect(imported + skipped).toBe(done);
  });

  it('reports each with its line number, imports the rest and exits non-zero', async () => {
    const { code, output } = await importFile(config, file);
    expect(code).toBe(1);
    expect(output.outLines).toEqual([
      'imported 4 rows, skipped 5 (see above); 1 with a lift reason the mapping does not name, recorded as pending',
    ]);
    const lineNumber = (l: string): number => Number(/^line (\d+)/.exec(l)![1]);
    const problems = output.errLines
      .filter((l) => l.startsWith('line '))
      .sort((x, y) => lineNumber(x) - lineNumber(y));
    expect(problems).toEqual([
      expect.stringMatching(/^line 3: skipped: bad date "2012-02-30 00:00:00"/),
      expect.stringMatching(/^line 4: skipped: unknown facility "NOWHERE JAIL" .*--agency/),
      expect.stringMatching(/^line 5: skipped: malformed CSV \(5 fields where the header has 6\)/),
      expect.stringMatching(/^line 6: skipped: unknown detainer type "I-999 Mystery"/),
      'line 7: lift reason "Vanished" is not in the mapping; recorded as pending',
      expect.stringMatching(/^line 10: skipped: malformed CSV \(CSV_QUOTE_NOT_CLOSED\)/),
    ]);
    expect(output.errLines.at(-1)).toMatch(/--allow-skips/);

    const events = await storedEvents(config, 'cases');
    const imported = new Set(events.map(lineOf));
    expect([...imported].sort((a, b) => a - b)).toEqual([2, 7, 9, 11]);
    const closing = events.find((e) => lineOf(e) === 11)!;
    expect(closing.metadata.imported).toMatchObject({
      line: 11,
      sha256: createHash('sha256').update(lines[10]).digest('hex'),
    });
    // The unknown lift reason leaves the request undecided and the case open.
    const line7 = events.filter((e) => lineOf(e) === 7);
    expect(line7.map((e) => e.type)).toEqual(['CaseOpened', 'FederalRequestReceived']);
  });

  it('exits 0 with --allow-skips, still reporting every skipped row', async () => {
    const { code, output } = await importFile(config, file, { allowSkips: true });
    expect(code).toBe(0);
    expect(output.errLines.filter((l) => l.includes(': skipped: '))).toHaveLength(5);
  });

  it('reads only a regular file, whose name it can keep in every id: not a directory, not a pipe', async () => {
    await expect(importFile(config, dir)).rejects.toThrow(
      `the detainer log: ${dir} is a directory, not a file`,
    );
    // A device, as a pipe (/dev/fd/63) is.
    await expect(importFile(config, '/dev/null')).rejects.toThrow('the detainer log must be a regular file');
  });

  it('holds a row to what the API accepts: no act after the import runs, a facility as the API takes one', async () => {
    const odd = join(dir, 'odd.csv');
    writeFileSync(
      odd,
      [
        HEADER,
        '2099-01-01 00:00:00,Lifted,SCI ALBION,ALBION,PENNSYLVANIA,', // 2: after the import runs
        `2012-03-04 00:00:00,Lifted,${'A'.repeat(201)},X,PENNSYLVANIA,`, // 3: a facility too long
        '2012-03-04 00:00:00,Lifted,SCI\u0007ALBION,ALBION,PENNSYLVANIA,', // 4: a control character
        '2012-03-04 00:00:00,Lifted,SCI ALBION,ALBION,PENNSYLVANIA,', // 5: fine
        '2012-03-04 00:00:00,Lifted,SCI \u202ENOIBLA,ALBION,PENNSYLVANIA,', // 6: displays reversed
      ].join('\n') + '\n',
    );
    const { code, output } = await importFile(config, odd, { agencyId: 'PA-STATEWIDE' });
    expect(code).toBe(1);
    expect(output.errLines.filter((l) => l.startsWith('line '))).toEqual([
      'line 2: skipped: date must not be in the future',
      'line 3: skipped: facility must be shorter than or equal to 200 characters',
      'line 4: skipped: facility must not contain control characters (tab and line breaks aside)',
      'line 6: skipped: facility must not contain bidirectional formatting characters (U+202A-U+202E, U+2066-U+2069) or Unicode line separators (U+2028, U+2029)',
    ]);
    const events = await storedEvents(config, 'cases');
    expect([...new Set(events.map(lineOf))]).toEqual([5]);
  });

  it('with --agency records unknown facilities too, and refuses to re-record rows imported under another agency', async () => {
    await importFile(config, file, { allowSkips: true });
    const before = await storedEvents(config, 'cases');

    const { output } = await importFile(config, file, { agencyId: 'PA-STATEWIDE', allowSkips: true });
    const refused = output.errLines.filter((l) => l.includes('skipped: refused'));
    expect(refused.map((l) => l.split(':')[0]).sort()).toEqual(['line 11', 'line 2', 'line 7', 'line 9']);
    expect(refused[0]).toMatch(/IDEMPOTENCY_KEY_REUSED/);

    const after = await storedEvents(config, 'cases');
    const added = after.slice(before.length);
    expect(added.map((e) => [lineOf(e), e.type])).toEqual([
      [4, 'CaseOpened'],
      [4, 'FederalRequestReceived'],
      [4, 'CaseClosed'],
    ]);
    expect(added[0].data.agencyId).toBe('PA-STATEWIDE');
  });
});
