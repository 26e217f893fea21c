import { judicialWarrant, requestReceived } from '../../../testing/case-builders';
import { defaultOrdinanceVersion } from '../../ordinance/ordinance-version';
import type { RequestDocument } from '../case.events';
import { isJudicialWarrant, warrantCovers } from './judicial-warrant';

const v1 = defaultOrdinanceVersion();

describe('isJudicialWarrant', () => {
  it.each<[string, RequestDocument]>([
    ['a warrant signed by a federal judge', judicialWarrant({ issuerRole: 'FEDERAL_JUDGE' })],
    ['a warrant signed by a federal magistrate judge', judicialWarrant()],
    [
      'a court order signed by a federal judge',
      judicialWarrant({ kind: 'COURT_ORDER', issuerRole: 'FEDERAL_JUDGE' }),
    ],
  ])('accepts %s', (_what, doc) => {
    expect(isJudicialWarrant(doc, v1)).toBe(true);
  });

  it.each<[string, RequestDocument]>([
    [
      'an I-200 administrative warrant',
      { kind: 'ADMINISTRATIVE_WARRANT_I200', issuerRole: 'IMMIGRATION_OFFICER' },
    ],
    [
      'an I-205 warrant of removal',
      { kind: 'ADMINISTRATIVE_WARRANT_I205', issuerRole: 'IMMIGRATION_OFFICER' },
    ],
    ['an I-203 order to detain', { kind: 'ORDER_TO_DETAIN_I203', issuerRole: 'IMMIGRATION_OFFICER' }],
    [
      'an I-200 labelled as from a federal judge',
      { ...judicialWarrant(), kind: 'ADMINISTRATIVE_WARRANT_I200' },
    ],
    [
      'a "judicial warrant" signed by an immigration judge',
      judicialWarrant({ issuerRole: 'IMMIGRATION_JUDGE' }),
    ],
    [
      'a "judicial warrant" signed by an immigration officer',
      judicialWarrant({ issuerRole: 'IMMIGRATION_OFFICER' }),
    ],
    [
      'a warrant from a state judge, when the version does not list them',
      judicialWarrant({ issuerRole: 'STATE_JUDGE' }),
    ],
    ['a warrant naming no court', judicialWarrant({ court: undefined })],
    ['a warrant naming no judge', judicialWarrant({ judgeName: ' ' })],
    ['a warrant with no signing time', judicialWarrant({ signedAt: undefined })],
    ['a warrant with an unreadable signing time', judicialWarrant({ signedAt: '14 June 2024' })],
  ])('refuses %s', (_what, doc) => {
    expect(isJudicialWarrant(doc, v1)).toBe(false);
  });

  it('accepts a state judge where the version lists state judges', () => {
    const version = { ...v1, judicialWarrantIssuers: [...v1.judicialWarrantIssuers, 'STATE_JUDGE' as const] };
    expect(isJudicialWarrant(judicialWarrant({ issuerRole: 'STATE_JUDGE' }), version)).toBe(true);
  });

  it('never accepts an immigration judge, even where a version lists one', () => {
    const version = {
      ...v1,
      judicialWarrantIssuers: [...v1.judicialWarrantIssuers, 'IMMIGRATION_JUDGE' as const],
    };
    expect(isJudicialWarrant(judicialWarrant({ issuerRole: 'IMMIGRATION_JUDGE' }), version)).toBe(false);
  });
});

describe('warrantCovers', () => {
  const request = requestReceived({
    documents: [judicialWarrant({ signedAt: '2024-06-14T09:00:00Z' })],
  }).data;

  it('covers acts from the moment the warrant was signed, comparing instants', () => {
    expect(warrantCovers(request, v1, '2024-06-14T09:00:00Z')).toBe(true);
    expect(warrantCovers(request, v1, '2024-06-14T10:30:00+02:00')).toBe(false);
  });
});
