/** §§ 6–10 paths no other spec pinned down. */
import { matterActionRecorded, matterOpened, recordedMatter } from '../../testing/matter-builders';
import { ordinanceVersion } from '../../testing/ordinance-builders';
import type { OrdinanceHistory } from '../ordinance/ordinance-version';
import type { MatterActionRecorded, MatterOpened } from './matter.events';
import { evaluateMatterRules } from './matter.rules';

const ordinance: OrdinanceHistory = [ordinanceVersion()];
const AT = '2024-03-02T10:00:00-05:00';
const judged = (matter: Partial<MatterOpened['data']>, act: Partial<MatterActionRecorded['data']>, history = ordinance) =>
  evaluateMatterRules(recordedMatter([matterOpened(matter), matterActionRecorded({ at: AT, ...act })]), history);

describe('Matter rules — edges', () => {
  it('fires nothing for an act done before any ordinance version took effect', () => {
    const later: OrdinanceHistory = [ordinanceVersion({ effectiveFrom: '2024-03-03T00:00:00Z' })];
    expect(judged({ kind: 'REGISTRY_REQUEST' }, { action: 'PARTICIPATED' }, later)).toEqual([]);
    expect(judged({ kind: 'REGISTRY_REQUEST' }, { action: 'PARTICIPATED' }).map((v) => v.ruleId)).toEqual([
      'S6_REGISTRY_PARTICIPATION',
    ]);
  });

  it('S7_SERVICE_DENIED_ON_STATUS fires for a cited denial whose basis is no law or eligibility rule, saying so', () => {
    const [v] = judged(
      { kind: 'SERVICE_DENIAL', requestingAgency: null, program: 'library card', denialReason: 'IMMIGRATION_STATUS' },
      { action: 'SERVICE_DENIED', legalBasis: 'NONE', citation: 'Library policy 4.2' },
    );
    expect(v).toMatchObject({
      ruleId: 'S7_SERVICE_DENIED_ON_STATUS',
      section: 7,
      occurredAt: AT,
      explanation:
        'A service was denied for IMMIGRATION_STATUS with legal basis NONE: only a cited law or eligibility rule allows it.',
    });
  });

  it('S7_UNNECESSARY_STATUS_COLLECTION fires for a required-by-law basis whose citation is blank', () => {
    expect(
      judged(
        { kind: 'STATUS_COLLECTION', requestingAgency: null, program: 'housing' },
        { action: 'COLLECTED', legalBasis: 'REQUIRED_BY_LAW', citation: ' ' },
      ).map((v) => v.ruleId),
    ).toEqual(['S7_UNNECESSARY_STATUS_COLLECTION']);
  });

  it('S8 fires for a criminal predicate whose approver is blank, as if none approved it', () => {
    expect(
      judged(
        { kind: 'SURVEILLANCE', target: { kind: 'RELIGIOUS_GROUP' } },
        { action: 'PARTICIPATED', legalBasis: 'CRIMINAL_PREDICATE', approvedBy: '  ' },
      ).map((v) => v.ruleId),
    ).toEqual(['S8_SURVEILLANCE_WITHOUT_CRIMINAL_PREDICATE']);
  });

  it('S10: access granted to a school from DHS_OTHER without consent or a court fires, and access is never a disclosure needing parents told', () => {
    expect(
      judged({ kind: 'SCHOOL_ACCESS_REQUEST', requestingAgency: 'DHS_OTHER' }, { action: 'ACCESS_GRANTED' }).map(
        (v) => v.ruleId,
      ),
    ).toEqual(['S10_STUDENT_INFORMATION_DISCLOSED']);
    expect(
      judged(
        { kind: 'SCHOOL_ACCESS_REQUEST', requestingAgency: 'DHS_OTHER' },
        { action: 'ACCESS_GRANTED', legalBasis: 'JUDICIAL_SUBPOENA' },
      ),
    ).toEqual([]);
  });
});
