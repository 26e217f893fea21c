import type { ReportStatistics } from '@trust-ledger/domain';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

/**
 * A published report's `contentHash` (§ 11): hex SHA-256 of the canonical JSON (RFC 8785) of its
 * statistics, so anyone can check a report against the hash from the statistics alone.
 */
export function reportContentHash(statistics: ReportStatistics): string {
  return createHash('sha256')
    .update(canonicalize(statistics) ?? '')
    .digest('hex');
}
