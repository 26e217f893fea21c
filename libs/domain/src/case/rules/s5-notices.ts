import { sectionInForce, versionInForceAt, type OrdinanceHistory } from '../../ordinance/ordinance-version';
import type { DetectedViolation, Recorded } from '../../shared/violation';
import type { RequestType } from '../../shared/vocabulary';
import { epochMsOf } from '../../shared/date-time';
import type { CaseEvent } from '../case.events';
import { plusMinutes } from '../iso-time';
import {
  requestById,
  type CaseRecord,
  type Departure,
  type RecordedAs,
  type RequestRecord,
} from './case-record';
import { detected } from './detected';
import { honoredNotifications } from './release-dates';

/** § 5: the person concerned is told of the request, and of a release date given out, in time. */

const NOTICE_REQUIRED_FOR: readonly RequestType[] = ['DETAINER', 'NOTIFICATION', 'TRANSFER'];

export function section5Violations(
  record: CaseRecord,
  ordinance: OrdinanceHistory,
  now: string,
  /** From noticeDeadlines(record, ordinance), computed once by the caller, who needs them too. */
  deadlines: readonly NoticeDeadline[],
): DetectedViolation[] {
  return [
    ...noticesNotGiven(deadlines, ordinance, now),
    ...record.notices.flatMap((n) => deficientNotice(record, n, ordinance)),
    ...releaseDatesWithoutNotice(record, ordinance),
  ];
}

export interface NoticeDeadline {
  request: RequestRecord;
  /** The moment by which the subject's notice was due. */
  at: string;
  /** The release or transfer that brought the deadline forward, if it did. */
  departure: Departure | null;
  /** Whether a request-and-intent notice reached the subject by then, whenever it was recorded. */
  met: boolean;
}

/**
 * The notice deadline of each request that needs one, where § 5 was in force when it arrived:
 * `noticeDeadlineHours` after receipt, or the first release or transfer after receipt if sooner.
 */
export function noticeDeadlines(record: CaseRecord, ordinance: OrdinanceHistory): NoticeDeadline[] {
  return record.requests.flatMap((request) => {
    const { requestType, receivedAt, requestId } = request.received.data;
    const version = versionInForceAt(ordinance, receivedAt);
    if (!NOTICE_REQUIRED_FOR.includes(requestType) || !sectionInForce(version, 5)) return [];
    const byHours = plusMinutes(receivedAt, version.noticeDeadlineHours * 60);
    const departure = record.departures.find((d) => epochMsOf(d.data.at) >= epochMsOf(receivedAt)) ?? null;
    const sooner = departure !== null && epochMsOf(departure.data.at) < epochMsOf(byHours);
    const at = sooner ? departure.data.at : byHours;
    const met = record.notices.some(
      (n) =>
        n.data.purpose === 'REQUEST_AND_INTENT' &&
        n.data.recipient === 'SUBJECT' &&
        n.data.requestId === requestId &&
        epochMsOf(n.data.deliveredAt) <= epochMsOf(at),
    );
    return [{ request, at, departure: sooner ? departure : null, met }];
  });
}

/** Judged once the deadline has passed; a notice recorded later but delivered in time clears it. */
function noticesNotGiven(
  deadlines: readonly NoticeDeadline[],
  ordinance: OrdinanceHistory,
  now: string,
): DetectedViolation[] {
  return deadlines.flatMap(({ request, at, departure, met }) => {
    const { receivedAt, requestType, requestingAgency, requestId } = request.received.data;
    // The duty arose with the request, so the version in force at receipt judges it.
    const version = versionInForceAt(ordinance, receivedAt);
    if (met || epochMsOf(now) < epochMsOf(at) || !version) return [];
    return [
      detected('S5_NOTICE_NOT_GIVEN', version, {
        act: request.received,
        occurredAt: at,
        requestId,
        alsoCites: [departure],
        explanation:
          `No request-and-intent notice reached the subject of a ${requestType} request from ${requestingAgency} ` +
          (departure
            ? 'before the release or transfer.'
            : `within ${version.noticeDeadlineHours} hours of its receipt.`),
      }),
    ];
  });
}

function deficientNotice(
  record: CaseRecord,
  notice: RecordedAs<'NoticeIssued'>,
  ordinance: OrdinanceHistory,
): DetectedViolation[] {
  const { purpose, recipient, deliveredAt, method, includesCopyOfRequest, inPreferredLanguage, requestId } =
    notice.data;
  const version = versionInForceAt(ordinance, deliveredAt);
  if (purpose !== 'REQUEST_AND_INTENT' || recipient !== 'SUBJECT' || !sectionInForce(version, 5)) return [];
  const wrongLanguage = inPreferredLanguage === false;
  const deficiencies = [
    ...(method === 'ORAL' ? ['was given orally, not in writing'] : []),
    ...(includesCopyOfRequest ? [] : ['did not include a copy of the request']),
    ...(wrongLanguage ? ["was not in the subject's preferred language"] : []),
  ];
  if (deficiencies.length === 0) return [];
  return [
    detected('S5_NOTICE_DEFICIENT', version, {
      act: notice,
      occurredAt: deliveredAt,
      requestId,
      alsoCites: [requestById(record, requestId)?.received, wrongLanguage ? record.opened : null],
      explanation: `The request-and-intent notice to the subject ${deficiencies.join('; ')}.`,
    }),
  ];
}

/**
 * A release date given to ICE or CBP needs, by then, a written release-date notice to the subject
 * and, where the case names an attorney or a designee, to one of them.
 */
function releaseDatesWithoutNotice(record: CaseRecord, ordinance: OrdinanceHistory): DetectedViolation[] {
  const givenOut: {
    act: Recorded<CaseEvent>;
    at: string;
    requestId: string | null;
    /** Amendments that kept the honoring that gave it: cited, not release dates given again. */
    keptBy: readonly Recorded<CaseEvent>[];
  }[] = [
    ...record.disclosures
      .filter((d) => d.data.categories.includes('RELEASE_DATE'))
      .map((d) => ({ act: d, at: d.data.disclosedAt, requestId: d.data.requestId, keptBy: [] })),
    ...honoredNotifications(record).map(({ request, decision, keptBy }) => ({
      act: decision,
      at: decision.data.decidedAt,
      requestId: request.received.data.requestId,
      keptBy,
    })),
  ];
  const { hasAttorney, hasDesignee } = record.profile;
  const representativeNamed = hasAttorney || hasDesignee;
  return givenOut.flatMap(({ act, at, requestId, keptBy }) => {
    const version = versionInForceAt(ordinance, at);
    if (!sectionInForce(version, 5)) return [];
    const written = record.notices.filter(
      (n) =>
        n.data.purpose === 'RELEASE_DATE' &&
        n.data.method !== 'ORAL' &&
        epochMsOf(n.data.deliveredAt) <= epochMsOf(at),
    );
    const subjectTold = written.some((n) => n.data.recipient === 'SUBJECT');
    // Only a representative the case names counts: a notice to an attorney it does not name reached nobody it knows of.
    const representativeTold = written.some(
      (n) =>
        (n.data.recipient === 'ATTORNEY' && hasAttorney) || (n.data.recipient === 'DESIGNEE' && hasDesignee),
    );
    if (subjectTold && (representativeTold || !representativeNamed)) return [];
    // Worded alike whoever was missed: oversight reads violations, and whether the case names an
    // attorney or designee is the subject's own. The opening, which shows counsel that it does, is
    // cited only then; oversight never sees it, nor does the violation's id count it.
    return [
      detected('S5_RELEASE_DATE_NOTICE_MISSING', version, {
        act,
        occurredAt: at,
        requestId,
        alsoCites: [
          requestById(record, requestId)?.received,
          ...keptBy,
          representativeNamed ? record.opened : null,
        ],
        explanation:
          'A release date was given to a federal agency without the written release-date notices required by then: to the subject, and to their attorney or designee where the case names one.',
      }),
    ];
  });
}
