import { sign, verify, type KeyObject } from 'node:crypto';
import type { EventMetadata, JsonObject } from '@trust-ledger/event-store';
import { ChainVerifier, canonicalJson, type HashedEvent } from '../hash-chain';
import { publicKeyPem, signingKeyId, type EvidenceSigningKey } from './signing-key';

export type EvidenceSignature = { algorithm: 'Ed25519'; keyId: string; value: string };
export type Signed<T extends object> = Omit<T, 'signature'> & { signature: EvidenceSignature };

/** GET /public/signing-key: the key that signs now, and the others whose signatures are trusted
 * (keys that signed before a change), for packs and checkpoints that name them by keyId. */
export type PublicSigningKey = {
  algorithm: 'Ed25519';
  keyId: string;
  publicKey: string;
  trustedKeys: { keyId: string; publicKey: string }[];
};

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

export interface EvidenceCheck {
  valid: boolean;
  /** Events whose hash chains were recomputed. */
  checkedEvents: number;
  /** Empty when valid; otherwise every reason, in plain words. */
  problems: string[];
}

/** Ed25519 over the canonical JSON of the document without its `signature`. */
export function signEvidence<T extends object>(document: T, key: EvidenceSigningKey): Signed<T> {
  const unsigned = withoutSignature(document);
  const value = sign(null, Buffer.from(canonicalJson(unsigned), 'utf8'), key.privateKey).toString('base64');
  return { ...unsigned, signature: { algorithm: 'Ed25519', keyId: key.keyId, value } };
}

export function verifyEvidence(document: unknown, publicKey: KeyObject): SignatureCheck {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { valid: false, reason: 'the document is not a JSON object' };
  }
  const { signature } = document as { signature?: unknown };
  if (typeof signature !== 'object' || signature === null)
    return { valid: false, reason: 'the document has no signature' };
  const { algorithm, keyId, value } = signature as Record<string, unknown>;
  if (algorithm !== 'Ed25519' || typeof keyId !== 'string' || typeof value !== 'string') {
    return { valid: false, reason: 'the signature is not { algorithm: "Ed25519", keyId, value }' };
  }
  const expectedKeyId = signingKeyId(publicKey);
  if (keyId !== expectedKeyId) {
    return { valid: false, reason: `signed with key ${keyId}, but the public key given is ${expectedKeyId}` };
  }
  const bytes = Buffer.from(value, 'base64');
  // Base64 decoding ignores stray characters and unused trailing bits: only the canonical spelling
  // of the signature counts, so that no changed byte of the file can go unnoticed.
  if (bytes.toString('base64') !== value)
    return { valid: false, reason: 'the signature value is not canonical base64' };
  const message = Buffer.from(canonicalJson(withoutSignature(document)), 'utf8');
  return verify(null, message, publicKey, bytes)
    ? { valid: true }
    : { valid: false, reason: 'the signature does not match the content (the document was changed)' };
}

/** The exact text an evidence pack is served and stored as: its canonical JSON. Verification accepts
 * these bytes only (a single trailing newline aside), so that any changed byte is detected. */
export function serializeEvidence(signed: object): string {
  return canonicalJson(signed);
}

/**
 * Checks an evidence pack file offline: that it is exactly the canonical JSON that was signed, that
 * the signature is the given key's, and that each stream's events in it form an unbroken hash chain
 * from its first revision.
 */
export function verifyEvidenceFile(bytes: Buffer, publicKey: KeyObject): EvidenceCheck {
  const fail = (problem: string): EvidenceCheck => ({ valid: false, checkedEvents: 0, problems: [problem] });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail('the file is not valid UTF-8');
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    // Only where: V8's message quotes the text around it, and a pack holds the person's data.
    const at = /at position (\d+)/.exec((e as Error).message)?.[1];
    return fail(`the file is not valid JSON${at === undefined ? '' : ` (at position ${at})`}`);
  }
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (typeof document !== 'object' || document === null || body !== canonicalJson(document)) {
    return fail(
      'the file is not byte for byte the canonical JSON that was signed (it was changed or reformatted)',
    );
  }
  const problems: string[] = [];
  const signature = verifyEvidence(document, publicKey);
  if (!signature.valid) problems.push(signature.reason);
  // citedEvents (the streams the violations rest on) chain like the record's own; packs made
  // before they were added have none.
  const { events, citedEvents = [] } = document as { events?: unknown; citedEvents?: unknown };
  if (!Array.isArray(citedEvents)) problems.push('the pack has a citedEvents that is not an array');
  const chains = verifyChains(
    Array.isArray(events) && Array.isArray(citedEvents)
      ? [...(events as unknown[]), ...(citedEvents as unknown[])]
      : events,
  );
  problems.push(...chains.problems);
  problems.push(...reportedBreaks((document as { integrity?: unknown }).integrity));
  return { valid: problems.length === 0, checkedEvents: chains.checkedEvents, problems };
}

/**
 * The breaks the server itself found in the record's log when it made the pack (its signed
 * `integrity`): the events the pack carries may chain intact while the log they came from did not.
 */
function reportedBreaks(integrity: unknown): string[] {
  if (typeof integrity !== 'object' || integrity === null) return [];
  const { valid, breaks } = integrity as { valid?: unknown; breaks?: unknown };
  if (valid !== false) return [];
  const reasons = Array.isArray(breaks)
    ? breaks.map((b: unknown) => {
        const { streamId, revision, reason } = (b ?? {}) as Record<string, unknown>;
        return `${String(streamId)} revision ${String(revision)}: ${String(reason)}`;
      })
    : [];
  return [
    `the server found the record's log broken when it made the pack${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`,
  ];
}

function verifyChains(events: unknown): { checkedEvents: number; problems: string[] } {
  if (!Array.isArray(events)) return { checkedEvents: 0, problems: ['the pack has no events array'] };
  const problems: string[] = [];
  const chains = new Map<string, ChainVerifier>();
  events.forEach((event: unknown, index) => {
    if (!isHashedEvent(event)) {
      problems.push(
        `events[${index}] is not a recorded event (id, streamId, revision, type, data, metadata)`,
      );
      return;
    }
    let chain = chains.get(event.streamId);
    if (chain === undefined) chains.set(event.streamId, (chain = new ChainVerifier(event.streamId)));
    chain.add(event);
  });
  let checkedEvents = 0;
  for (const chain of chains.values()) {
    const result = chain.result();
    checkedEvents += result.checkedEvents;
    for (const b of result.breaks) problems.push(`${b.streamId} revision ${b.revision}: ${b.reason}`);
  }
  return { checkedEvents, problems };
}

function isHashedEvent(value: unknown): value is HashedEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.id === 'string' &&
    typeof e.streamId === 'string' &&
    Number.isSafeInteger(e.revision) &&
    typeof e.type === 'string' &&
    isObject(e.data) &&
    isObject(e.metadata)
  );
}

const isObject = (value: unknown): value is JsonObject | EventMetadata =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function withoutSignature<T extends object>(document: T): Omit<T, 'signature'> {
  const { signature: _signature, ...unsigned } = document as T & { signature?: unknown };
  return unsigned;
}

/** Signs evidence packs with the process's key; the Nest provider the API injects. */
export class EvidenceSigner {
  constructor(
    private readonly key: EvidenceSigningKey,
    private readonly trustedPublicKeys: readonly KeyObject[] = [],
  ) {}

  sign<T extends object>(document: T): Signed<T> {
    return signEvidence(document, this.key);
  }

  publicSigningKey(): PublicSigningKey {
    return {
      algorithm: 'Ed25519',
      keyId: this.key.keyId,
      publicKey: publicKeyPem(this.key.publicKey),
      trustedKeys: this.trustedPublicKeys.map((key) => ({
        keyId: signingKeyId(key),
        publicKey: publicKeyPem(key),
      })),
    };
  }
}
