import { randomUUID } from 'node:crypto';
import { streamsTag } from '../../apps/api/src/write/revision-etag.interceptor';

/** An ETag in the form a violation's GET gives when its reviews are on several streams (streamsTag),
 * as a client would send it back: never a record's on one stream. */
export const SEVERAL_STREAMS_ETAG = `"${streamsTag([
  [`violation-${randomUUID()}`, 0],
  [`violation-${randomUUID()}`, 1],
])}"`;
