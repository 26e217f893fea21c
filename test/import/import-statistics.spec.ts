import { Logger } from '@nestjs/common';
import type { FederalAgency, RequestType } from '@trust-ledger/domain';
import {
  periodsOfYear,
  suppressTogether,
  type StatisticsCounts,
  type StatisticsRow,
} from '@trust-ledger/projections/statistics';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type request from 'supertest';
import type { AppConfig } from '../../apps/api/src/config/app-config';
import { API, startTestApp, type TestApp } from '../support/test-app';
import {
  DECLINED,
  freshDataDir,
  importFile,
  PA_MAPPING,
  requestTypeOf,
  TRANSFERRED,
  writeSample,
  type LogRow,
  SAMPLE_IMPORT_TIMEOUT_MS,
} from './support';

/** det_facility → the local agency the import records the request under. */
const FACILITIES = (JSON.parse(readFileSync(PA_MAPPING, 'utf8')) as { facilities: Record<string, string> })
  .facilities;

/*
 * The public statistics of imported history, checked against counts made from the CSV by hand. The
 * ordinance's zone stays the default UTC: the imported times are Pennsylvania midnights (04:00 or
 * 05:00 UTC), on the same calendar day in both zones, so every period holds the same rows.
 */
describe('import detainers: the public statistics of an imported sample of the PA log', () => {
  let dir: string;
  let config: AppConfig;
  let rows: LogRow[];

  beforeAll(async () => {
    ({ dir, config } = freshDataDir());
    const file = join(dir, 'pa-sample.csv');
    rows = writeSample(file, 4);
    expect((await importFile(config, file)).code).toBe(0);
  }, SAMPLE_IMPORT_TIMEOUT_MS);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    "GET /public/statistics agrees exactly, year by year, with counts made from the CSV's rows",
    async () => {
      const app = await startTestApp({ dataDir: config.dataDir });
      // The test app logs nothing: a 500 answers no cause, so the one the exception filter logged is
      // shown with it (a 500 seen once, under load, left no trace of why).
      const logged = jest.spyOn(Logger.prototype, 'error');
      try {
        // The app records the default ordinance version on its first start: the log's last event.
        const head = app.sealed((await app.events()).at(-1)!.position);
        const years = [...new Set(rows.map((r) => r.date.slice(0, 4)))].sort();
        expect(years).toEqual(['2007', '2008', '2009', '2010', '2011', '2012', '2013', '2014', '2015']);
        const expected = new Map(
          years.map((y) => [
            y,
            expectedRows(
              y,
              rows.filter((r) => r.date.startsWith(y)),
            ),
          ]),
        );
        // The sample is small enough that some cells are withheld, so the rule is exercised too.
        expect([...expected.values()].flat().some((row) => row.suppressed.length > 0)).toBe(true);
        for (const year of years) {
          const response = await readOnceCaughtUp(
            app,
            `/public/statistics?period=${year}&minPosition=${head}`,
          );
          expect(
            response.status === 200 ? 200 : `${response.status}, logged: ${logged.mock.calls.join('\n')}`,
          ).toBe(200);
          expect(response.body).toMatchObject({ period: year, threshold: 5 });
          expect(response.body.rows).toEqual(expected.get(year));
        }
      } finally {
        logged.mockRestore();
        await app.close();
      }
    },
    SAMPLE_IMPORT_TIMEOUT_MS,
  );
});

/**
 * The statistics rows API.md defines, counted by hand from one year's rows: every request is ICE's;
 * a transfer happens on the request's own date and counts in its row; no notice was imported, so
 * every notice-bearing request's (long passed) deadline makes it late. Small cells are then
 * withheld by the published rule, over the year, its quarters and months, and every facility.
 */
function expectedRows(year: string, rows: LogRow[]): StatisticsRow[] {
  const agencyOf = (r: LogRow): string => FACILITIES[r.facility];
  const periods = periodsOfYear(Number(year));
  const monthsOf = (period: string): string[] => {
    const parts = periods.find((p) => p.label === period)!.parts;
    return parts.length === 0 ? [period] : parts.flatMap(monthsOf);
  };
  const countsOf = (
    period: string,
    scope: string,
    agency: FederalAgency,
    type: RequestType,
  ): StatisticsCounts => {
    const months = monthsOf(period);
    const cohort =
      agency === 'ICE'
        ? rows.filter(
            (r) =>
              months.includes(r.date.slice(0, 7)) &&
              requestTypeOf(r) === type &&
              (scope === '' || agencyOf(r) === scope),
          )
        : [];
    const honored = cohort.filter((r) => TRANSFERRED.has(r.liftReason)).length;
    const declined = cohort.filter((r) => DECLINED.has(r.liftReason)).length;
    const noticeBearing = ['DETAINER', 'NOTIFICATION', 'TRANSFER'].includes(type);
    return {
      received: cohort.length,
      honored,
      declined,
      partiallyHonored: 0,
      pending: cohort.length - honored - declined,
      honoredWithJudicialWarrant: 0,
      honoredUnderException: 0,
      transfersToFederalCustody: honored,
      noticesOnTime: 0,
      noticesLate: noticeBearing ? cohort.length : 0,
    };
  };
  // Each facility is a local agency: the jurisdiction's rows are withheld together with theirs.
  const agencies = [...new Set(rows.map(agencyOf))].sort();
  return suppressTogether(periods, agencies, countsOf, () => ({}), 5)(year, '').rows;
}

/** The read models catch up in the background; a 503 only says they have not reached `minPosition` yet. */
async function readOnceCaughtUp(app: TestApp, path: string): Promise<request.Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await app.http().get(`${API}${path}`);
    if (response.status !== 503 || attempt === 30) return response;
  }
}
