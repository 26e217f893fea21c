import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMapping, MappingError } from '../../apps/cli/src/import/detainer-mapping';
import { PA_LOG, PA_MAPPING, readLog } from './support';

describe('the PA mapping', () => {
  const mapping = loadMapping(PA_MAPPING);
  const { rows } = readLog(PA_LOG);

  it('names every facility, lift reason and detainer type of the real log', () => {
    const values = (pick: (r: (typeof rows)[number]) => string): string[] =>
      [...new Set(rows.map(pick))].sort();
    expect(values((r) => r.facility)).toHaveLength(117);
    expect([...mapping.facilities.keys()].sort()).toEqual(values((r) => r.facility));
    expect([...mapping.liftReasons.keys()].sort()).toEqual(values((r) => r.liftReason));
    expect([...mapping.detainerTypes.keys()].sort()).toEqual(values((r) => r.detainerType));
  });

  it('gives each facility its own readable agency id', () => {
    const ids = [...mapping.facilities.values()];
    expect(new Set(ids).size).toBe(117);
    for (const id of ids) expect(id).toMatch(/^PA-[A-Z0-9]+(?:-[A-Z0-9]+)*$/);
    expect(mapping.facilities.get('MOSHANNON VALLEY CORRECTIONAL')).toBe('PA-MOSHANNON-VALLEY-CORRECTIONAL');
    expect(mapping.facilities.get('S.C.I., CRESSON, PA')).toBe('PA-SCI-CRESSON');
  });

  it('reads dates in Pennsylvania and maps the forms the enum has', () => {
    expect(mapping.timeZone).toBe('America/New_York');
    expect(mapping.requestingAgency).toBe('ICE');
    expect(mapping.detainerTypes.get('I247N - Immigration Advisal - Request for Notification')).toEqual({
      requestType: 'NOTIFICATION',
      form: 'I-247N',
    });
    expect(mapping.detainerTypes.get('I247D - Immigration Detainer - Request for Action')).toEqual({
      requestType: 'DETAINER',
      form: 'I-247D',
    });
    expect(mapping.detainerTypes.get('')).toEqual({ requestType: 'DETAINER', form: 'OTHER' });
  });
});

describe('loadMapping', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'import-mapping-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (content: string): string => {
    const file = join(dir, 'mapping.json');
    writeFileSync(file, content);
    return file;
  };

  it('names every problem of the file in one error', () => {
    const file = write(
      JSON.stringify({
        timeZone: 'Pennsylvania/Harrisburg',
        requestingAgency: 'FBI',
        columns: { date: 'date', liftReason: '', facility: 'det_facility' },
        detainerTypes: { '': { requestType: 'DETAINER', form: 'I-247' } },
        liftReasons: { Lifted: { outcome: 'LIFTED', closeCase: 'yes' }, Died: 'PENDING' },
        facilities: { 'SCI ALBION': 'PA SCI ALBION' },
        comment: 'not a field',
      }),
    );
    let error: unknown;
    try {
      loadMapping(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MappingError);
    const problems = (error as Error).message
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/^ {2}- /, ''));
    const fields = problems.map((p) => p.slice(0, p.indexOf(':')));
    expect(fields.sort()).toEqual(
      [
        'comment',
        'timeZone',
        'requestingAgency',
        'columns.liftReason',
        'columns.detainerType',
        'detainerTypes[""].form',
        'liftReasons["Lifted"].outcome',
        'liftReasons["Lifted"].closeCase',
        'liftReasons["Died"]',
        'facilities["SCI ALBION"]',
      ].sort(),
    );
    expect((error as Error).message).toContain(file);
  });

  it('refuses a file that is not JSON, saying why', () => {
    expect(() => loadMapping(write('{ "timeZone": '))).toThrow(/invalid mapping .*mapping\.json:\n {2}- /);
  });
});
