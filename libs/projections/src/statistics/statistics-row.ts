import type { FederalAgency, RequestType } from '@trust-ledger/domain';
import { type Identity, suppressCells } from './suppression';

/** The counted cells of a statistics row, in API.md's order. */
export const STATISTICS_FIELDS = [
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
] as const;
export type StatisticsField = (typeof STATISTICS_FIELDS)[number];
export type StatisticsCounts = Record<StatisticsField, number>;

export type StatisticsRow = {
  requestingAgency: FederalAgency;
  requestType: RequestType;
} & Record<StatisticsField, number | null> & { suppressed: StatisticsField[] };

/** Request types that call for a REQUEST_AND_INTENT notice (§ 5), so whose rows count notices. */
export const NOTICE_REQUEST_TYPES: readonly RequestType[] = ['DETAINER', 'NOTIFICATION', 'TRANSFER'];

/*
 * The row's identities:
 *   A  received = honored + declined + partiallyHonored + pending
 *   B  honored + partiallyHonored = honoredWithJudicialWarrant + honoredUnderException + other bases
 *   C  received = noticesOnTime + noticesLate + not yet due        (notice-bearing types only)
 * "Other bases" and "not yet due" are unpublished but often zero, so they are treated as known.
 * Adding or subtracting identities cancels the cells they share, which yields identities of their
 * own; a cell alone among withheld cells in any of those is recoverable, so all of them are listed.
 */
const A: Identity<StatisticsField> = ['received', 'honored', 'declined', 'partiallyHonored', 'pending'];
const B: Identity<StatisticsField> = [
  'honored',
  'partiallyHonored',
  'honoredWithJudicialWarrant',
  'honoredUnderException',
];
const A_PLUS_B: Identity<StatisticsField> = [
  'received',
  'declined',
  'pending',
  'honoredWithJudicialWarrant',
  'honoredUnderException',
];
const C: Identity<StatisticsField> = ['received', 'noticesOnTime', 'noticesLate'];
const A_MINUS_C: Identity<StatisticsField> = [
  'honored',
  'declined',
  'partiallyHonored',
  'pending',
  'noticesOnTime',
  'noticesLate',
];
const A_PLUS_B_MINUS_C: Identity<StatisticsField> = [
  'declined',
  'pending',
  'honoredWithJudicialWarrant',
  'honoredUnderException',
  'noticesOnTime',
  'noticesLate',
];

export function rowIdentities(requestType: RequestType): readonly Identity<StatisticsField>[] {
  return NOTICE_REQUEST_TYPES.includes(requestType)
    ? [A, B, A_PLUS_B, C, A_MINUS_C, A_PLUS_B_MINUS_C]
    : [A, B, A_PLUS_B];
}

export function suppressRow(
  requestingAgency: FederalAgency,
  requestType: RequestType,
  counts: StatisticsCounts,
  threshold: number,
): StatisticsRow {
  const { values, suppressed } = suppressCells(
    counts,
    STATISTICS_FIELDS,
    threshold,
    rowIdentities(requestType),
  );
  return { requestingAgency, requestType, ...values, suppressed };
}

/** Per-section violation counts have no published total, so only the small cells are withheld. */
export function suppressSections(
  counts: Record<string, number>,
  threshold: number,
): { values: Record<string, number | null>; suppressed: string[] } {
  return suppressCells(counts, Object.keys(counts), threshold, []);
}
