import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventMetadata, JsonObject, JsonValue } from '@trust-ledger/event-store';

/** The `prevHash` of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Stored as `metadata.integrity`; the only metadata key the hash does not cover. */
export interface IntegrityMetadata {
  /** Hex SHA-256 of this event's canonical hash input (see `eventHash`). */
  hash: string;
  /** The `hash` of the event one revision earlier in the same stream, or `GENESIS_HASH`. */
  prevHash: string;
}

export const INTEGRITY_METADATA_KEY = 'integrity';

/** What an event's hash covers: everything it says and everywhere it sits (stream and revision), so
 * that an edited, moved or reordered event no longer matches its hash. The position is not covered:
 * the store assigns it, and the revision already fixes the event's place in its stream. */
export interface HashedEvent {
  id: string;
  streamId: string;
  revision: number;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
}

export interface IntegrityBreak {
  streamId: string;
  /** Where the chain breaks: the edited, reordered or first missing event's revision. */
  revision: number;
  reason: string;
}

export interface VerificationResult {
  valid: boolean;
  checkedEvents: number;
  breaks: IntegrityBreak[];
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** RFC 8785 canonical JSON; the one serialization every hash and signature here is computed over. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no JSON representation');
  return text;
}

function metadataWithoutIntegrity(metadata: EventMetadata): JsonObject {
  const { [INTEGRITY_METADATA_KEY]: _integrity, ...rest } = metadata;
  return rest;
}

/**
 * Hex SHA-256 over the canonical JSON of
 * `{ prevHash, id, streamId, revision, type, data, metadata }`, where `metadata` lacks `integrity`.
 */
export function eventHash(prevHash: string, event: HashedEvent): string {
  return sha256Hex(
    canonicalJson({
      prevHash,
      id: event.id,
      streamId: event.streamId,
      revision: event.revision,
      type: event.type,
      data: event.data,
      metadata: metadataWithoutIntegrity(event.metadata),
    }),
  );
}

/** The event's `metadata.integrity`, or null when it is absent or malformed. */
export function readIntegrity(metadata: EventMetadata): IntegrityMetadata | null {
  const value: JsonValue | undefined = metadata[INTEGRITY_METADATA_KEY];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { hash, prevHash } = value;
  if (typeof hash !== 'string' || typeof prevHash !== 'string') return null;
  if (!HEX_SHA256.test(hash) || !HEX_SHA256.test(prevHash)) return null;
  return { hash, prevHash };
}

/**
 * Walks one stream's events in the order read (ascending revision) and reports every place where the
 * chain does not hold. Callable step by step so a stream is never held in memory whole.
 */
export class ChainVerifier {
  private nextRevision = 0;
  /** Hash of the last event seen, or null right after a gap (its predecessor is unknown). */
  private previousHash: string | null = GENESIS_HASH;
  private readonly found: IntegrityBreak[] = [];
  private checked = 0;
  private last: { revision: number; hash: string | null } | null = null;

  constructor(readonly streamId: string) {}

  add(event: HashedEvent): void {
    this.checked += 1;
    const reasons: string[] = [];
    if (event.revision > this.nextRevision) {
      this.reportGapBefore(event.revision);
    } else if (event.revision < this.nextRevision) {
      reasons.push(`revision ${event.revision} appears again or out of order`);
    }

    const integrity = readIntegrity(event.metadata);
    if (integrity === null) {
      reasons.push('no integrity metadata (metadata.integrity.hash/prevHash)');
    } else {
      if (eventHash(integrity.prevHash, event) !== integrity.hash) {
        reasons.push('content does not match its hash (edited, moved or reordered)');
      }
      if (this.previousHash !== null && integrity.prevHash !== this.previousHash) {
        reasons.push(
          event.revision === 0
            ? 'prevHash is not the genesis hash'
            : 'prevHash does not match the previous event (an earlier event was altered, removed or reordered)',
        );
      }
    }
    if (reasons.length > 0) this.report(event.revision, reasons.join('; '));

    this.previousHash = integrity?.hash ?? null;
    this.nextRevision = Math.max(this.nextRevision, event.revision + 1);
    this.last = { revision: event.revision, hash: integrity?.hash ?? null };
  }

  /** An event the store holds but cannot read (not JSON): a break, and its successor's prevHash
   * has nothing to be checked against. */
  unreadable(revision: number): void {
    this.checked += 1;
    if (revision > this.nextRevision) this.reportGapBefore(revision);
    this.report(revision, 'the stored event is not valid JSON (it was altered)');
    this.previousHash = null;
    this.nextRevision = Math.max(this.nextRevision, revision + 1);
    this.last = { revision, hash: null };
  }

  private reportGapBefore(revision: number): void {
    const missing =
      revision - 1 === this.nextRevision
        ? `revision ${this.nextRevision} is`
        : `revisions ${this.nextRevision}–${revision - 1} are`;
    this.report(this.nextRevision, `${missing} missing (deleted)`);
    this.previousHash = null;
  }

  report(revision: number, reason: string): void {
    this.found.push({ streamId: this.streamId, revision, reason });
  }

  /** The last event read: its revision and stored hash. */
  get head(): { revision: number; hash: string | null } | null {
    return this.last;
  }

  result(): VerificationResult {
    const breaks = [...this.found].sort((a, b) => a.revision - b.revision);
    return { valid: breaks.length === 0, checkedEvents: this.checked, breaks };
  }
}
