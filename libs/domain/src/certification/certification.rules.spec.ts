import {
  assistanceRefusalRecorded,
  certificationDecided,
  certificationDenied,
  certificationRequested,
  certificationWithdrawn,
  onDay,
  recordedCertification,
} from '../../testing/certification-builders';
import { ordinanceVersion } from '../../testing/ordinance-builders';
import type { OrdinanceHistory } from '../ordinance/ordinance-version';
import type { Recorded } from '../shared/violation';
import type { CertificationEvent } from './certification.events';
import { certificationDeadlines, evaluateCertificationRules } from './certification.rules';

const ordinance: OrdinanceHistory = [ordinanceVersion()];
const requested = certificationRequested();
const inRemoval = certificationRequested({ inRemovalProceedings: true });
/** Requested 10 January 2024: day 90 is 9 April, so the deadline is the start of 10 April (UTC). */
const DEADLINE = '2024-04-10T00:00:00.000Z';
const EXPEDITED_DEADLINE = '2024-01-25T00:00:00.000Z';
const later = '2024-12-31T00:00:00Z';

const evaluate = (events: CertificationEvent[], now = later, history = ordinance) =>
  evaluateCertificationRules(recordedCertification(events), history, now);
const ruleIds = (events: CertificationEvent[], now = later, history = ordinance) =>
  evaluate(events, now, history).map((v) => v.ruleId);

describe('S9_CERTIFICATION_OVERDUE', () => {
  it('fires once the deadline passes undecided, dated at the deadline and citing the request', () => {
    const history = recordedCertification([requested]);
    expect(evaluateCertificationRules(history, ordinance, DEADLINE)).toEqual([
      {
        ruleId: 'S9_CERTIFICATION_OVERDUE',
        section: 9,
        streamId: history[0].streamId,
        requestId: null,
        occurredAt: DEADLINE,
        ordinanceVersion: 1,
        evidence: [
          {
            eventId: history[0].eventId,
            streamId: history[0].streamId,
            revision: 0,
            type: 'CertificationRequested',
          },
        ],
        explanation:
          'The certification was neither decided nor withdrawn by the deadline the ordinance set for it.',
      },
    ]);
  });

  it('is not judged before the deadline', () => {
    expect(evaluate([requested], '2024-04-09T23:59:59.999Z')).toEqual([]);
  });

  it('S9_CERTIFICATION_OVERDUE is judged at the very instant of the deadline', () => {
    expect(evaluate([requested], '2024-04-09T23:59:59.999Z')).toEqual([]);
    expect(ruleIds([requested], DEADLINE)).toEqual(['S9_CERTIFICATION_OVERDUE']);
  });

  it('does not fire for a decision on day 89 or on the last moment of day 90', () => {
    expect(evaluate([requested, certificationDecided({ decidedAt: onDay(89) })])).toEqual([]);
    expect(evaluate([requested, certificationDecided({ decidedAt: onDay(90, '23:59:59.999') })])).toEqual([]);
  });

  it('fires for a decision on day 91', () => {
    expect(ruleIds([requested, certificationDecided({ decidedAt: onDay(91) })])).toEqual([
      'S9_CERTIFICATION_OVERDUE',
    ]);
  });

  it('holds someone in removal proceedings to the expedited deadline: day 13 in time, day 15 late', () => {
    expect(evaluate([inRemoval, certificationDecided({ decidedAt: onDay(13) })])).toEqual([]);
    const late = evaluate([inRemoval, certificationDecided({ decidedAt: onDay(15) })]);
    expect(late).toMatchObject([{ ruleId: 'S9_CERTIFICATION_OVERDUE', occurredAt: EXPEDITED_DEADLINE }]);
    // Worded as the ordinary one: oversight reads it, and must not learn who is in removal proceedings.
    expect(late[0].explanation).toBe(
      'The certification was neither decided nor withdrawn by the deadline the ordinance set for it.',
    );
  });

  it('does not fire when withdrawn in time, and fires when withdrawn late', () => {
    expect(evaluate([requested, certificationWithdrawn({ at: onDay(60) })])).toEqual([]);
    expect(ruleIds([requested, certificationWithdrawn({ at: onDay(95) })])).toEqual([
      'S9_CERTIFICATION_OVERDUE',
    ]);
  });

  it('S9_CERTIFICATION_OVERDUE: a withdrawal at the last millisecond of day 90 is in time, one at the deadline instant is late', () => {
    expect(evaluate([requested, certificationWithdrawn({ at: onDay(90, '23:59:59.999') })])).toEqual([]);
    expect(evaluate([requested, certificationWithdrawn({ at: DEADLINE })])).toMatchObject([
      { ruleId: 'S9_CERTIFICATION_OVERDUE', occurredAt: DEADLINE },
    ]);
  });

  it('clears when a decision made in time is recorded after the deadline', () => {
    const history: Recorded<CertificationEvent>[] = recordedCertification([
      requested,
      certificationDecided({ decidedAt: onDay(80) }),
    ]).map((e) => (e.revision === 1 ? { ...e, recordedAt: '2024-06-01T00:00:00Z' } : e));
    expect(evaluateCertificationRules(history.slice(0, 1), ordinance, '2024-05-01T00:00:00Z')).toHaveLength(
      1,
    );
    expect(evaluateCertificationRules(history, ordinance, '2024-06-01T00:00:00Z')).toEqual([]);
  });

  it('keeps the deadline of the version in force at the request, whatever a later one says', () => {
    const versions: OrdinanceHistory = [
      ordinanceVersion({ version: 1 }),
      ordinanceVersion({ version: 2, effectiveFrom: '2024-02-01T00:00:00Z', certificationDeadlineDays: 30 }),
    ];
    expect(evaluate([requested, certificationDecided({ decidedAt: onDay(60) })], later, versions)).toEqual(
      [],
    );
    expect(evaluate([requested], later, versions)).toMatchObject([
      { occurredAt: DEADLINE, ordinanceVersion: 1 },
    ]);
  });

  it('fires nothing when § 9 was not in force at the request', () => {
    const versions: OrdinanceHistory = [
      ordinanceVersion({ version: 1, sectionsInForce: [1, 2, 3] }),
      ordinanceVersion({ version: 2, effectiveFrom: '2024-02-01T00:00:00Z' }),
    ];
    expect(evaluate([requested], later, versions)).toEqual([]);
  });
});

describe('S9_DENIAL_ON_EXCLUDED_GROUND', () => {
  it('fires for a denial because no one was prosecuted or convicted, citing the decision then the request', () => {
    const history = recordedCertification([requested, certificationDenied('NO_PROSECUTION_OR_CONVICTION')]);
    expect(evaluateCertificationRules(history, ordinance, onDay(31))).toEqual([
      {
        ruleId: 'S9_DENIAL_ON_EXCLUDED_GROUND',
        section: 9,
        streamId: history[0].streamId,
        requestId: null,
        occurredAt: onDay(30),
        ordinanceVersion: 1,
        evidence: [
          {
            eventId: history[1].eventId,
            streamId: history[1].streamId,
            revision: 1,
            type: 'CertificationDecided',
          },
          {
            eventId: history[0].eventId,
            streamId: history[0].streamId,
            revision: 0,
            type: 'CertificationRequested',
          },
        ],
        explanation: expect.stringContaining('no one was prosecuted or convicted') as string,
      },
    ]);
  });

  it('fires for a denial for refused assistance with no refusal recorded', () => {
    expect(ruleIds([requested, certificationDenied('REFUSED_REASONABLE_ASSISTANCE')])).toEqual([
      'S9_DENIAL_ON_EXCLUDED_GROUND',
    ]);
  });

  it('S9_DENIAL_ON_EXCLUDED_GROUND for refused assistance cites the decision then the request and says why', () => {
    const [violation] = evaluate([requested, certificationDenied('REFUSED_REASONABLE_ASSISTANCE')]);
    expect(violation).toMatchObject({
      ruleId: 'S9_DENIAL_ON_EXCLUDED_GROUND',
      section: 9,
      requestId: null,
      ordinanceVersion: 1,
      explanation:
        'Certification was denied for refused assistance, but no refusal is recorded before the decision.',
    });
    expect(violation.evidence.map((e) => e.revision)).toEqual([1, 0]);
  });

  it('fires when the only refusal came at or after the decision', () => {
    const decidedAt = onDay(30);
    expect(
      ruleIds([
        requested,
        assistanceRefusalRecorded({ at: decidedAt }),
        certificationDenied('REFUSED_REASONABLE_ASSISTANCE', decidedAt),
        assistanceRefusalRecorded({ at: onDay(31) }),
      ]),
    ).toEqual(['S9_DENIAL_ON_EXCLUDED_GROUND']);
  });

  it('does not fire for refused assistance when a refusal preceded the decision, even one recorded after it', () => {
    expect(
      evaluate([
        requested,
        assistanceRefusalRecorded({ at: onDay(5) }),
        certificationDenied('REFUSED_REASONABLE_ASSISTANCE'),
      ]),
    ).toEqual([]);
    expect(
      evaluate([
        requested,
        certificationDenied('REFUSED_REASONABLE_ASSISTANCE'),
        assistanceRefusalRecorded({ at: onDay(5) }),
      ]),
    ).toEqual([]);
  });

  it('does not fire when the refusal came during the investigation, before the certification was requested', () => {
    expect(
      evaluate([
        requested,
        certificationDenied('REFUSED_REASONABLE_ASSISTANCE'),
        assistanceRefusalRecorded({ at: onDay(-40) }),
      ]),
    ).toEqual([]);
  });

  it.each(['NOT_A_QUALIFYING_CRIME', 'NOT_A_VICTIM', 'OTHER'] as const)(
    'does not fire for a denial as %s',
    (grounds) => {
      expect(evaluate([requested, certificationDenied(grounds)])).toEqual([]);
    },
  );

  it('does not fire for a certification', () => {
    expect(evaluate([requested, certificationDecided()])).toEqual([]);
  });

  it('fires nothing when § 9 was not in force at the decision', () => {
    const versions: OrdinanceHistory = [
      ordinanceVersion({ version: 1 }),
      ordinanceVersion({ version: 2, effectiveFrom: '2024-02-01T00:00:00Z', sectionsInForce: [1] }),
    ];
    expect(
      evaluate([requested, certificationDenied('NO_PROSECUTION_OR_CONVICTION', onDay(30))], later, versions),
    ).toEqual([]);
  });

  it('fires beside the overdue rule when a late denial is also on an excluded ground', () => {
    expect(ruleIds([requested, certificationDenied('NO_PROSECUTION_OR_CONVICTION', onDay(100))])).toEqual([
      'S9_CERTIFICATION_OVERDUE',
      'S9_DENIAL_ON_EXCLUDED_GROUND',
    ]);
  });
});

describe('certificationDeadlines', () => {
  const deadlines = (events: CertificationEvent[], history = ordinance) =>
    certificationDeadlines(recordedCertification(events), history);

  it('is the deadline while the certification is pending', () => {
    expect(deadlines([requested])).toEqual([DEADLINE]);
    expect(deadlines([inRemoval])).toEqual([EXPEDITED_DEADLINE]);
  });

  it('is empty once decided or withdrawn in time', () => {
    expect(deadlines([requested, certificationDecided()])).toEqual([]);
    expect(deadlines([requested, certificationWithdrawn()])).toEqual([]);
  });

  it('is empty where § 9 was not in force, and for no certification at all', () => {
    expect(deadlines([requested], [ordinanceVersion({ sectionsInForce: [2] })])).toEqual([]);
    expect(deadlines([])).toEqual([]);
  });

  it('judges nothing on a stream holding no request', () => {
    const stray = [certificationWithdrawn({ at: onDay(10) })];
    expect(evaluate(stray, '2025-01-01T00:00:00Z')).toEqual([]);
    expect(deadlines(stray)).toEqual([]);
  });
});
