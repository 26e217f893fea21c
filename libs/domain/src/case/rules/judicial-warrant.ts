import type { OrdinanceVersion } from '../../ordinance/ordinance-version';
import { COURT_DOCUMENT_KINDS, type FederalAgency, type IssuerRole } from '../../shared/vocabulary';
import type { FederalRequestReceived, RequestDocument } from '../case.events';
import { isBefore, isIsoDateTime } from '../../shared/date-time';

/** Never judges of a court for the ordinance, whatever a configuration says (§ 14 definitions). */
const NEVER_JUDICIAL: readonly IssuerRole[] = ['IMMIGRATION_JUDGE', 'IMMIGRATION_OFFICER'];

/**
 * A judicial warrant is judged by who signed it, never by its label: a warrant or court order from
 * a judge the version in force recognises, naming its court, judge and signing time. ICE's I-200,
 * I-203 and I-205 and anything an immigration judge or officer signs are administrative.
 */
export function isJudicialWarrant(
  doc: Omit<RequestDocument, 'docketNumber'>,
  version: OrdinanceVersion,
): boolean {
  return (
    COURT_DOCUMENT_KINDS.includes(doc.kind) &&
    !NEVER_JUDICIAL.includes(doc.issuerRole) &&
    version.judicialWarrantIssuers.includes(doc.issuerRole) &&
    present(doc.court) &&
    present(doc.judgeName) &&
    doc.signedAt !== undefined &&
    isIsoDateTime(doc.signedAt)
  );
}

/** A judicial warrant authorises an act only if it was signed by the time of the act. */
export function warrantCovers(
  request: FederalRequestReceived['data'],
  version: OrdinanceVersion,
  at: string,
): boolean {
  return request.documents.some(
    (doc) => isJudicialWarrant(doc, version) && doc.signedAt !== undefined && !isBefore(at, doc.signedAt),
  );
}

/**
 * A warrant on a request authorises what is done for the agency that made it, and nothing done for
 * another (the decider refuses to record that now; acts recorded before are judged so too).
 */
export function coversAct(
  request: FederalRequestReceived['data'],
  agency: FederalAgency,
  version: OrdinanceVersion,
  at: string,
): boolean {
  return request.requestingAgency === agency && warrantCovers(request, version, at);
}

function present(text: string | undefined): boolean {
  return text !== undefined && text.trim() !== '';
}
