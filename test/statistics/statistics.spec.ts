import { caseStreamId, parsePeriod, type Period } from '@trust-ledger/domain';
import {
  StatisticsProjection,
  StatisticsQueries,
  statisticsCsv,
  SuppressionThread,
  type PublicStatistics,
  type StatisticsRow,
} from '@trust-ledger/projections/statistics';
import { parse } from 'csv-parse/sync';
import {
  caseOpened,
  decisionAmended,
  decisionRecorded,
  JUDICIAL_WARRANT,
  noticeIssued,
  ordinanceAdopted,
  requestReceived,
  subjectTransferred,
} from '../violations/case-events';
import { Harness, quietLogs } from '../violations/support';

quietLogs();

const period = (label: string): Period => parsePeriod(label)!;
const row = (s: PublicStatistics, agency: string, type: string): StatisticsRow =>
  s.rows.find((r) => r.requestingAgency === agency && r.requestType === type)!;
const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('public statistics', () => {
  let h: Harness;
  let stats: StatisticsQueries;
  const suppression = new SuppressionThread();
  afterAll(() => suppression.close());

  beforeEach(async () => {
    h = new Harness([new StatisticsProjection()]).start();
    await h.caughtUp();
  });
  afterEach(() => h.close());

  /** Records the scenario's cases: agency-1's in Q1 2024 (and one in Q2), one of agency-2. */
  async function scenario(threshold: number, timeZone = 'UTC'): Promise<void> {
    await h.adopt(ordinanceAdopted({ smallCellThreshold: threshold, timeZone }), '2024-01-01T00:00:00Z');
    const c1 = caseStreamId(id(1));
    await h.append(c1, [caseOpened('agency-1')], '2024-02-01T00:00:00Z');
    await h.append(
      c1,
      [
        requestReceived(id(11), '2024-02-01T10:00:00Z', 'DETAINER', 'ICE', [JUDICIAL_WARRANT]),
        noticeIssued(id(11), '2024-02-01T12:00:00Z'),
        decisionRecorded(id(11), '2024-02-01T13:00:00Z', 'HONORED', 'JUDICIAL_WARRANT'),
        subjectTransferred('2024-02-02T09:00:00Z', 'ICE', id(11)),
      ],
      '2024-02-02T09:00:00Z',
    );
    const c2 = caseStreamId(id(2));
    await h.append(
      c2,
      [
        caseOpened('agency-1'),
        requestReceived(id(21), '2024-03-01T10:00:00Z'),
        decisionRecorded(id(21), '2024-03-01T11:00:00Z', 'DECLINED'),
        noticeIssued(id(21), '2024-03-03T10:00:00Z'), // two days late
        requestReceived(id(22), '2024-03-30T10:00:00Z', 'NOTIFICATION', 'CBP'),
        decisionRecorded(id(22), '2024-03-30T11:00:00Z', 'PARTIALLY_HONORED', 'ORDINANCE_EXCEPTION', 'X'),
      ],
      '2024-03-03T10:00:00Z',
    );
    const c3 = caseStreamId(id(3));
    await h.append(
      c3,
      [
        caseOpened('agency-1'),
        requestReceived(id(31), '2024-03-31T23:30:00Z'), // pending; notice due 1 April 23:30
        requestReceived(id(32), '2024-04-01T02:00:00Z'), // Q2 in UTC, 31 March in New York
      ],
      '2024-04-02T10:00:00Z',
    );
    const c4 = caseStreamId(id(4));
    await h.append(
      c4,
      [caseOpened('agency-2'), requestReceived(id(41), '2024-01-15T10:00:00Z', 'INFORMATION', 'CBP')],
      '2024-01-15T10:00:00Z',
    );
    await h.caughtUp();
    stats = new StatisticsQueries(h.db, suppression);
  }

  it('counts a period’s cohort by outcome, basis and notice timeliness, and transfers by when they happened', async () => {
    await scenario(1);
    const q1 = await stats.forPeriod(period('2024-Q1'), '2024-04-01T12:00:00Z', null);
    expect(q1).toMatchObject({ period: '2024-Q1', generatedAt: '2024-04-01T12:00:00Z', threshold: 1 });
    expect(q1.rows).toHaveLength(10);
    expect(row(q1, 'ICE', 'DETAINER')).toEqual({
      requestingAgency: 'ICE',
      requestType: 'DETAINER',
      received: 3,
      honored: 1,
      declined: 1,
      partiallyHonored: 0,
      pending: 1,
      honoredWithJudicialWarrant: 1,
      honoredUnderException: 0,
      transfersToFederalCustody: 1,
      noticesOnTime: 1,
      noticesLate: 1, // the third's deadline has not passed at 12:00 on 1 April
      suppressed: [],
    });
    expect(row(q1, 'CBP', 'NOTIFICATION')).toMatchObject({
      received: 1,
      partiallyHonored: 1,
      honoredUnderException: 1,
      noticesOnTime: 0,
      noticesLate: 1, // no notice at all is late
    });
    expect(row(q1, 'CBP', 'INFORMATION')).toMatchObject({
      received: 1,
      pending: 1,
      noticesOnTime: 0,
      noticesLate: 0,
    });

    const later = await stats.forPeriod(period('2024-Q1'), '2024-04-02T00:00:00Z', null);
    expect(row(later, 'ICE', 'DETAINER')).toMatchObject({ noticesOnTime: 1, noticesLate: 2 });
    expect(
      row(await stats.forPeriod(period('2024-Q2'), '2024-07-01T00:00:00Z', null), 'ICE', 'DETAINER'),
    ).toMatchObject({
      received: 1,
      transfersToFederalCustody: 0,
    });
  });

  it('keeps received = honored + declined + partiallyHonored + pending in every row', async () => {
    await scenario(1);
    for (const label of ['2024', '2024-Q1', '2024-03', '2024-Q2']) {
      for (const r of (await stats.forPeriod(period(label), '2024-12-31T00:00:00Z', null)).rows) {
        expect(r.received).toBe(r.honored! + r.declined! + r.partiallyHonored! + r.pending!);
        expect(r.honoredWithJudicialWarrant! + r.honoredUnderException!).toBeLessThanOrEqual(
          r.honored! + r.partiallyHonored!,
        );
      }
    }
  });

  it('narrows to one local agency', async () => {
    await scenario(1);
    const agency2 = await stats.forPeriod(period('2024'), '2024-12-31T00:00:00Z', 'agency-2');
    expect(
      agency2.rows.filter((r) => r.received! > 0).map((r) => [r.requestingAgency, r.requestType]),
    ).toEqual([['CBP', 'INFORMATION']]);
  });

  it('does not give away an agency’s withheld count as the jurisdiction’s minus the other agencies’', async () => {
    await h.adopt(ordinanceAdopted({ smallCellThreshold: 5 }), '2024-01-01T00:00:00Z');
    // Six detainers at the police, two at the sheriff's office, all declined.
    for (const [n, agency] of [1, 2, 3, 4, 5, 6, 7, 8].map(
      (n) => [n, n <= 6 ? 'police' : 'sheriff'] as const,
    )) {
      await h.append(
        caseStreamId(id(n)),
        [
          caseOpened(agency),
          requestReceived(id(100 + n), '2024-02-01T10:00:00Z'),
          decisionRecorded(id(100 + n), '2024-02-01T11:00:00Z', 'DECLINED'),
        ],
        '2024-02-01T12:00:00Z',
      );
    }
    await h.caughtUp();
    stats = new StatisticsQueries(h.db, suppression);
    const at = '2024-12-31T00:00:00Z';
    const [all, police, sheriff] = await Promise.all(
      [null, 'police', 'sheriff'].map(async (agency) =>
        row(await stats.forPeriod(period('2024-Q1'), at, agency), 'ICE', 'DETAINER'),
      ),
    );
    expect(sheriff.received).toBeNull();
    // Published both, 8 − 6 would be the sheriff's 2: one of them is withheld too.
    for (const field of ['received', 'declined', 'noticesLate'] as const) {
      expect([all[field], police[field], sheriff[field]].filter((v) => v === null).length).not.toBe(1);
    }
    // Nor can the police subtract their own 6 from a published 8: the jurisdiction's count goes too.
    expect([all.received, police.received]).toEqual([null, null]);

    // The same counts are answered from what was decided on them; new counts are decided anew.
    expect(await stats.forPeriod(period('2024-Q1'), at, 'police')).toEqual(
      await stats.forPeriod(period('2024-Q1'), at, 'police'),
    );
    // Four more declined at the sheriff's: no count is small any more, and the new counts are
    // decided anew.
    for (const n of [9, 10, 11, 12]) {
      await h.append(
        caseStreamId(id(n)),
        [
          caseOpened('sheriff'),
          requestReceived(id(100 + n), '2024-02-02T10:00:00Z'),
          decisionRecorded(id(100 + n), '2024-02-02T11:00:00Z', 'DECLINED'),
        ],
        '2024-02-02T12:00:00Z',
      );
    }
    await h.caughtUp();
    expect(row(await stats.forPeriod(period('2024-Q1'), at, null), 'ICE', 'DETAINER').received).toBe(12);
  });

  /** Under a threshold of 5, one police case a day listed, each with an ICE detainer declined that day. */
  it('answers an agency that recorded nothing in the year with zeros, none of them withheld', async () => {
    await h.adopt(ordinanceAdopted({ smallCellThreshold: 5 }), '2024-01-01T00:00:00Z');
    // ICE detainers, none with a notice: [agency, day, outcome (undefined: pending)].
    const detainers: [string, string, 'DECLINED' | 'HONORED' | undefined][] = [
      ['police', '2024-02-05', 'DECLINED'],
      ['police', '2024-02-06', 'DECLINED'],
      ['police', '2024-03-05', undefined],
      ['police', '2024-03-06', 'HONORED'],
      ...(['2024-04-05', '2024-04-06', '2024-04-07', '2024-04-08'] as const).map(
        (day) => ['police', day, 'DECLINED'] as [string, string, 'DECLINED'],
      ),
      ...(['2024-03-07', '2024-03-08', '2024-03-09'] as const).map(
        (day) => ['sheriff', day, 'DECLINED'] as [string, string, 'DECLINED'],
      ),
    ];
    for (const [n, [agency, day, outcome]] of detainers.entries()) {
      await h.append(
        caseStreamId(id(n + 1)),
        [
          caseOpened(agency),
          requestReceived(id(100 + n), `${day}T10:00:00Z`),
          ...(outcome === undefined ? [] : [decisionRecorded(id(100 + n), `${day}T11:00:00Z`, outcome)]),
        ],
        `${day}T12:00:00Z`,
      );
    }
    await h.caughtUp();
    stats = new StatisticsQueries(h.db, suppression);
    const at = '2024-12-31T00:00:00Z';
    const police = await stats.forPeriod(period('2024-Q1'), at, 'police');
    // Any name is an agency id. One unheard of was decided over with the agencies that recorded
    // something, as an agency of zeros: a zero of its own could then be the complement withheld
    // (its table showed withheld cells that are all 0), and each new name decided the year anew.
    for (const agency of ['0', 'fire-department', 'zzz']) {
      const none = await stats.forPeriod(period('2024-Q1'), at, agency);
      for (const r of none.rows) {
        expect(r).toMatchObject({
          received: 0,
          declined: 0,
          noticesOnTime: 0,
          noticesLate: 0,
          suppressed: [],
        });
      }
      expect(none.violationsBySection).toMatchObject({ '2': 0, '5': 0, suppressed: [] });
    }
    expect(await stats.forPeriod(period('2024-Q1'), at, 'police')).toEqual(police);
  });

  async function declinedDetainersOn(days: string[]): Promise<void> {
    await h.adopt(ordinanceAdopted({ smallCellThreshold: 5 }), '2024-01-01T00:00:00Z');
    for (const [i, day] of days.entries()) {
      await h.append(
        caseStreamId(id(i + 1)),
        [
          caseOpened('police'),
          requestReceived(id(101 + i), `${day}T10:00:00Z`),
          decisionRecorded(id(101 + i), `${day}T11:00:00Z`, 'DECLINED'),
        ],
        `${day}T12:00:00Z`,
      );
    }
    await h.caughtUp();
  }

  it('does not give away a month’s withheld count as its quarter’s or year’s minus the other months’', async () => {
    // Six declined detainers in January, two in February: nothing else all year.
    await declinedDetainersOn([...Array<string>(6).fill('2024-01-10'), '2024-02-10', '2024-02-10']);
    stats = new StatisticsQueries(h.db, suppression);
    const at = '2024-12-31T00:00:00Z';
    for (const agency of [null, 'police']) {
      const [year, q1, january, february] = await Promise.all(
        ['2024', '2024-Q1', '2024-01', '2024-02'].map(async (label) =>
          row(await stats.forPeriod(period(label), at, agency), 'ICE', 'DETAINER'),
        ),
      );
      expect(february.received).toBeNull();
      // Published with January's, the year's or the quarter's count, less January's, would be 2.
      for (const field of ['received', 'declined', 'noticesLate'] as const) {
        expect(february[field]).toBeNull();
        expect(january[field] === null || (year[field] === null && q1[field] === null)).toBe(true);
      }
    }
  });

  it('does not pin withheld months at 1 by their sum, as every withheld count is at least 1', async () => {
    // One declined detainer in April, one in May, eight in June.
    await declinedDetainersOn(['2024-04-10', '2024-05-10', ...Array<string>(8).fill('2024-06-10')]);
    stats = new StatisticsQueries(h.db, suppression);
    const at = '2024-12-31T00:00:00Z';
    const [q2, april, may, june] = await Promise.all(
      ['2024-Q2', '2024-04', '2024-05', '2024-06'].map(async (label) =>
        row(await stats.forPeriod(period(label), at, null), 'ICE', 'DETAINER'),
      ),
    );
    expect([april.received, may.received]).toEqual([null, null]);
    // Published both, 10 − 8 = 2 over two withheld months of at least 1 each: 1 and 1.
    expect(q2.received === null || june.received === null).toBe(true);
  });

  it('places acts in periods of the ordinance’s time zone', async () => {
    await scenario(1, 'America/New_York');
    // 2024-04-01T02:00Z is 22:00 on 31 March in New York: Q1 there, Q2 in UTC.
    const q1 = await stats.forPeriod(period('2024-Q1'), '2024-12-31T00:00:00Z', null);
    expect(row(q1, 'ICE', 'DETAINER').received).toBe(4);
    const march = await stats.forPeriod(period('2024-03'), '2024-12-31T00:00:00Z', null);
    expect(row(march, 'ICE', 'DETAINER').received).toBe(3);
    expect(
      row(await stats.forPeriod(period('2024-Q2'), '2024-12-31T00:00:00Z', null), 'ICE', 'DETAINER').received,
    ).toBe(0);
  });

  it('withholds small cells and the cells that would reveal them', async () => {
    await scenario(5);
    const q1 = await stats.forPeriod(period('2024-Q1'), '2024-12-31T00:00:00Z', null);
    const detainers = row(q1, 'ICE', 'DETAINER');
    expect(detainers.received).toBeNull();
    expect(detainers.suppressed).toEqual(
      expect.arrayContaining(['received', 'honored', 'declined', 'pending', 'noticesOnTime', 'noticesLate']),
    );
    for (const r of q1.rows) {
      for (const [field, value] of Object.entries(r)) {
        if (typeof value === 'number') expect(value === 0 || value >= 5).toBe(true);
        if (value === null) expect(r.suppressed).toContain(field);
      }
    }
  });

  it('counts violations not withdrawn by the section and time of their act, withholding small counts', async () => {
    await scenario(1);
    await h.tickAt('2024-04-03T00:00:00Z');
    const all = h.violations().filter((v) => v.status !== 'WITHDRAWN');
    const q1 = await stats.forPeriod(period('2024-Q1'), '2024-12-31T00:00:00Z', null);
    const inQ1 = all.filter((v) => v.occurredAt < '2024-04-01');
    const expected: Record<string, number> = {};
    for (const v of inQ1) expected[String(v.section)] = (expected[String(v.section)] ?? 0) + 1;
    expect(inQ1.length).toBeGreaterThan(0);
    for (const s of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']) {
      expect(q1.violationsBySection[s]).toBe(expected[s] ?? 0);
    }
    expect(q1.violationsBySection.suppressed).toEqual([]);

    const suppressedQ1 = new StatisticsQueries(h.db, suppression);
    await h.adopt(ordinanceAdopted({ version: 2, smallCellThreshold: 100 }), '2024-05-01T00:00:00Z');
    await h.caughtUp();
    const { violationsBySection: withheld } = await suppressedQ1.forPeriod(
      period('2024-Q1'),
      '2024-12-31T00:00:00Z',
      null,
    );
    expect(withheld.suppressed).toEqual(Object.keys(expected).sort((a, b) => Number(a) - Number(b)));
    for (const s of withheld.suppressed) expect(withheld[s]).toBeNull();
  });

  it('counts a request honored once however often an amendment keeps it honored: the register holds one violation', async () => {
    await h.adopt(ordinanceAdopted({ smallCellThreshold: 1 }), '2024-01-01T00:00:00Z');
    await h.append(
      caseStreamId(id(5)),
      [
        caseOpened('agency-1'),
        // A detainer honored without a warrant, kept honored on another basis in Q1 and again in Q2.
        requestReceived(id(51), '2024-02-01T10:00:00Z'),
        noticeIssued(id(51), '2024-02-01T11:00:00Z'),
        decisionRecorded(id(51), '2024-02-01T12:00:00Z', 'HONORED'),
        decisionAmended(id(51), '2024-02-02T12:00:00Z', 'HONORED', 'FEDERAL_LAW'),
        decisionAmended(id(51), '2024-04-02T12:00:00Z', 'PARTIALLY_HONORED', 'JUDICIAL_WARRANT'),
        // A notification honored, then kept honored at once: one release date given, § 3 and § 5 once each.
        requestReceived(id(52), '2024-02-01T10:00:00Z', 'NOTIFICATION'),
        noticeIssued(id(52), '2024-02-01T11:00:00Z'),
        decisionRecorded(id(52), '2024-02-01T12:00:00Z', 'HONORED'),
        decisionAmended(id(52), '2024-02-01T12:00:00Z', 'PARTIALLY_HONORED', 'FEDERAL_LAW'),
        // A detainer honored, declined, then honored afresh: two honorings, two acts.
        requestReceived(id(53), '2024-03-01T10:00:00Z'),
        noticeIssued(id(53), '2024-03-01T11:00:00Z'),
        decisionRecorded(id(53), '2024-03-01T12:00:00Z', 'HONORED'),
        decisionAmended(id(53), '2024-03-02T12:00:00Z', 'DECLINED'),
        decisionAmended(id(53), '2024-03-03T12:00:00Z', 'HONORED'),
      ],
      '2024-04-02T12:00:00Z',
    );
    // A detainer honored under an exception the case's conviction meets, kept honored without one:
    // unlawful from the amendment on.
    const opened = caseOpened('agency-1');
    const convicted = { offense: 'assault', category: 'VIOLENT_FELONY', convictedAt: '2023-01-01' } as const;
    await h.append(
      caseStreamId(id(6)),
      [
        { ...opened, data: { ...opened.data, convictions: [convicted] } },
        requestReceived(id(61), '2024-02-01T10:00:00Z'),
        noticeIssued(id(61), '2024-02-01T11:00:00Z'),
        decisionRecorded(
          id(61),
          '2024-02-01T12:00:00Z',
          'HONORED',
          'ORDINANCE_EXCEPTION',
          'VIOLENT_OR_SERIOUS_FELONY_5Y',
        ),
        decisionAmended(id(61), '2024-02-05T12:00:00Z', 'HONORED'),
      ],
      '2024-04-02T12:00:00Z',
    );
    await h.caughtUp();
    stats = new StatisticsQueries(h.db, suppression);
    const fired = (ruleId: string) =>
      h
        .violations()
        .filter((v) => v.ruleId === ruleId && v.status === 'OPEN')
        .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
        .map((v) => [v.requestId, v.occurredAt]);
    expect(fired('S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT')).toEqual([
      [id(51), '2024-02-01T12:00:00Z'],
      [id(61), '2024-02-05T12:00:00Z'],
      [id(53), '2024-03-01T12:00:00Z'],
      [id(53), '2024-03-03T12:00:00Z'],
    ]);
    expect(fired('S3_SENSITIVE_INFORMATION_DISCLOSED')).toEqual([[id(52), '2024-02-01T12:00:00Z']]);
    expect(fired('S5_RELEASE_DATE_NOTICE_MISSING')).toEqual([[id(52), '2024-02-01T12:00:00Z']]);
    const bySection = async (label: string) =>
      (await stats.forPeriod(period(label), '2024-12-31T00:00:00Z', null)).violationsBySection;
    expect(await bySection('2024-Q1')).toMatchObject({ '2': 4, '3': 1, '5': 1, suppressed: [] });
    expect(await bySection('2024-Q2')).toMatchObject({ '2': 0, '3': 0, '5': 0, suppressed: [] });
    expect(await bySection('2024')).toMatchObject({ '2': 4, '3': 1, '5': 1, suppressed: [] });
  });

  it('decides a year’s counts once for the queries asked together, and again after a failed decision', async () => {
    await scenario(5);
    const at = '2024-12-31T00:00:00Z';
    const decide = jest.spyOn(suppression, 'decide');
    try {
      const queries = ['2024', '2024-Q1', '2024-02'].flatMap((label) =>
        [null, 'agency-1', 'agency-2'].map((agency) => stats.forPeriod(period(label), at, agency)),
      );
      const together = await Promise.all(queries);
      expect(decide).toHaveBeenCalledTimes(1);
      // The same answers as queries asked one by one, of a decision made afresh.
      const alone = new StatisticsQueries(h.db, suppression);
      for (const [i, label] of ['2024', '2024-Q1', '2024-02'].entries()) {
        for (const [j, agency] of [null, 'agency-1', 'agency-2'].entries()) {
          expect(together[i * 3 + j]).toEqual(await alone.forPeriod(period(label), at, agency));
        }
      }

      // A decision that failed is not kept: the next query of those counts decides again.
      decide.mockClear();
      decide.mockRejectedValueOnce(new Error('the suppression worker stopped (exit code 1)'));
      await expect(stats.forPeriod(period('2023'), at, null)).rejects.toThrow(/worker stopped/);
      expect((await stats.forPeriod(period('2023'), at, null)).period).toBe('2023');
      expect(decide).toHaveBeenCalledTimes(2);
    } finally {
      decide.mockRestore();
    }
  });

  it('counts a query asked while its year is being decided once that decision is made, so that the queries asked meanwhile share one', async () => {
    await scenario(5);
    const at = '2024-12-31T00:00:00Z';
    const decideNow = suppression.decide.bind(suppression);
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const decide = jest
      .spyOn(suppression, 'decide')
      .mockImplementation(async (task) => held.then(() => decideNow(task)));
    /** One more request of agency-1 in May 2024: the year's counts change. */
    const another = async (n: number): Promise<void> => {
      await h.append(
        caseStreamId(id(n)),
        [caseOpened('agency-1'), requestReceived(id(n * 10), '2024-05-01T10:00:00Z')],
        '2024-05-01T10:00:00Z',
      );
      await h.caughtUp();
    };
    try {
      const first = stats.forPeriod(period('2024'), at, null);
      await another(5);
      const second = stats.forPeriod(period('2024-Q2'), at, null);
      await another(6);
      const third = stats.forPeriod(period('2024'), at, 'agency-1');
      release();
      const answers = await Promise.all([first, second, third]);
      // The first's counts, then one decision for the two asked while it was made, not one each.
      expect(decide).toHaveBeenCalledTimes(2);
      expect(answers[0].period).toBe('2024');
      decide.mockRestore();
      const fresh = new StatisticsQueries(h.db, suppression);
      expect(answers[1]).toEqual(await fresh.forPeriod(period('2024-Q2'), at, null));
      expect(answers[2]).toEqual(await fresh.forPeriod(period('2024'), at, 'agency-1'));
    } finally {
      decide.mockRestore();
    }
  });

  it('writes the rows as CSV in the JSON field order, withheld cells empty', async () => {
    await scenario(5);
    const q1 = await stats.forPeriod(period('2024-Q1'), '2024-12-31T00:00:00Z', null);
    const csv = statisticsCsv(q1);
    const [header, ...lines] = parse(csv);
    expect(header).toEqual([
      'period',
      'requestingAgency',
      'requestType',
      'received',
      'honored',
      'declined',
      'partiallyHonored',
      'pending',
      'honoredWithJudicialWarrant',
      'honoredUnderException',
      'transfersToFederalCustody',
      'noticesOnTime',
      'noticesLate',
    ]);
    expect(lines).toHaveLength(10);
    const detainers = lines.find((l) => l[1] === 'ICE' && l[2] === 'DETAINER')!;
    expect(detainers[0]).toBe('2024-Q1');
    expect(detainers[3]).toBe('');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
