import type { OrdinanceVersion } from '../ordinance/ordinance-version';
import { calendarDateIn, plusDays, startOfDayIn } from '../shared/date-time';

/**
 * When a certification must be decided by (§ 9): the end of the `certificationDeadlineDays`-th
 * calendar day after the day of the request (`certificationExpeditedDays` for someone in removal
 * proceedings), days counted in the ordinance's time zone. A decision at any time on that last day
 * is in time; the returned instant is the first moment of the following day, when it is late.
 */
export function certificationDeadline(
  requestedAt: string,
  inRemovalProceedings: boolean,
  version: OrdinanceVersion,
): string {
  const days = inRemovalProceedings ? version.certificationExpeditedDays : version.certificationDeadlineDays;
  const requestDay = calendarDateIn(Date.parse(requestedAt), version.timeZone);
  return new Date(startOfDayIn(plusDays(requestDay, days + 1), version.timeZone)).toISOString();
}
