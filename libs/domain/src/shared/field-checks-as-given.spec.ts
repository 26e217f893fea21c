import { certificationRequestFieldErrors } from '../certification/certification.decider';
import { disclosureFieldErrors, federalRequestFieldErrors, openCaseFieldErrors } from '../case/case.decider';
import { encounterFieldErrors } from '../encounter/encounter.decider';
import { ordinanceTermsFieldErrors } from '../ordinance/ordinance.decider';

// The API runs these beside a body's shape checks, on what the body gives: a part it leaves out
// is judged as one that names nothing, so that one 400 still names every other field's fault.
describe('field checks of a command as a body gives it', () => {
  const now = '2025-03-01T12:00:00Z';
  const later = '2025-03-01T13:00:00Z';
  const fields = (errors: { field: string }[]) => errors.map((e) => e.field);

  it('judge a case opened without its subject, custody or convictions', () => {
    expect(fields(openCaseFieldErrors({}, now))).toEqual(['subject.fullName']);
  });

  it('judge a request without documents or information requested, a disclosure without categories', () => {
    expect(fields(federalRequestFieldErrors({ receivedAt: later }, now))).toEqual(['receivedAt']);
    expect(fields(disclosureFieldErrors({ disclosedAt: later }, now))).toEqual(['disclosedAt', 'categories']);
  });

  it('judge an encounter without grounds and a certification without its victim', () => {
    expect(fields(encounterFieldErrors({ agencyId: 'a', occurredAt: now }, now))).toEqual(['grounds']);
    expect(
      fields(
        certificationRequestFieldErrors({ agencyId: 'a', requestedAt: later, qualifyingActivity: 'x' }, now),
      ),
    ).toEqual(['requestedAt', 'victim.fullName']);
  });

  it('judge ordinance terms without their lists, and an exception given in part', () => {
    const errors = fields(
      ordinanceTermsFieldErrors({
        effectiveFrom: now,
        detainerExceptions: [{ code: 'E-1' }],
        releaseGraceMinutes: 60,
        noticeDeadlineHours: 24,
        certificationDeadlineDays: 90,
        certificationExpeditedDays: 14,
        reportingPeriod: 'QUARTER',
        reportDueDays: 30,
        smallCellThreshold: 5,
        timeZone: 'America/New_York',
      }),
    );
    expect(errors).toEqual([
      'judicialWarrantIssuers',
      'detainerExceptions[0].description',
      'detainerExceptions[0].convictionCategories',
      'detainerExceptions[0].withinYears',
    ]);
  });
});
