/** § 9 paths no other spec pinned down: boundaries of a withdrawal, the refused-assistance denial's citation. */
import {
  certificationDenied,
  certificationRequested,
  certificationWithdrawn,
  onDay,
  recordedCertification,
  REQUESTED_AT,
  withdrawCertification,
} from '../../testing/certification-builders';
import { specFor } from '../../testing/given-when-then';
import { ordinanceVersion } from '../../testing/ordinance-builders';
import type { OrdinanceHistory } from '../ordinance/ordinance-version';
import { certificationDecider } from './certification.decider';
import type { CertificationEvent } from './certification.events';
import { certificationDeadlines, evaluateCertificationRules } from './certification.rules';

const given = specFor(certificationDecider);
const ordinance: OrdinanceHistory = [ordinanceVersion()];
const requested = certificationRequested();
/** Requested 10 January 2024 (UTC): the deadline is the first instant of 10 April. */
const DEADLINE = '2024-04-10T00:00:00.000Z';
const evaluate = (events: CertificationEvent[], now = '2024-12-31T00:00:00Z') =>
  evaluateCertificationRules(recordedCertification(events), ordinance, now);

describe('Certification — edges', () => {
  it('withdraws at the very moment of the request', () => {
    given([requested])
      .when(withdrawCertification({ at: REQUESTED_AT }))
      .then([certificationWithdrawn({ at: REQUESTED_AT })]);
  });

  it('judges nothing on a stream holding no request', () => {
    const stray = recordedCertification([certificationWithdrawn({ at: onDay(10) })]);
    expect(evaluateCertificationRules(stray, ordinance, '2025-01-01T00:00:00Z')).toEqual([]);
    expect(certificationDeadlines(stray, ordinance)).toEqual([]);
  });

  it('S9_CERTIFICATION_OVERDUE: a withdrawal at the last millisecond of day 90 is in time, one at the deadline instant is late', () => {
    expect(evaluate([requested, certificationWithdrawn({ at: onDay(90, '23:59:59.999') })])).toEqual([]);
    expect(evaluate([requested, certificationWithdrawn({ at: DEADLINE })])).toMatchObject([
      { ruleId: 'S9_CERTIFICATION_OVERDUE', occurredAt: DEADLINE },
    ]);
  });

  it('S9_CERTIFICATION_OVERDUE is judged at the very instant of the deadline', () => {
    expect(evaluate([requested], '2024-04-09T23:59:59.999Z')).toEqual([]);
    expect(evaluate([requested], DEADLINE).map((v) => v.ruleId)).toEqual(['S9_CERTIFICATION_OVERDUE']);
  });

  it('S9_DENIAL_ON_EXCLUDED_GROUND for refused assistance cites the decision then the request and says why', () => {
    const history = recordedCertification([requested, certificationDenied('REFUSED_REASONABLE_ASSISTANCE')]);
    const [violation] = evaluateCertificationRules(history, ordinance, '2024-12-31T00:00:00Z');
    expect(violation).toMatchObject({
      ruleId: 'S9_DENIAL_ON_EXCLUDED_GROUND',
      section: 9,
      requestId: null,
      ordinanceVersion: 1,
      explanation: 'Certification was denied for refused assistance, but no refusal is recorded before the decision.',
    });
    expect(violation.evidence.map((e) => e.revision)).toEqual([1, 0]);
  });
});
