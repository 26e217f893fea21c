import type { Position } from '@eventstore/db-client';

// Commit and prepare positions are unsigned 64-bit: at most 20 decimal digits. Zero-padding both to
// that width makes the string order the same as EventStoreDB's (commit, then prepare) order, so a
// checkpoint stored as text sorts correctly too.
const WIDTH = 20;
const MAX = 10n ** BigInt(WIDTH) - 1n;
const ENCODED = /^(\d{20})\/(\d{20})$/;

/** The opaque port position of an `$all` position. */
export function encodePosition(position: Position): string {
  for (const part of [position.commit, position.prepare]) {
    if (part < 0n || part > MAX) throw new RangeError(`not an $all position: ${String(part)}`);
  }
  return `${position.commit.toString().padStart(WIDTH, '0')}/${position.prepare.toString().padStart(WIDTH, '0')}`;
}

/** The `$all` position an opaque port position stands for; throws on anything this adapter did not encode. */
export function decodePosition(encoded: unknown): Position {
  const match = typeof encoded === 'string' ? ENCODED.exec(encoded) : null;
  if (match === null) throw new Error(`not a position of the EventStoreDB store: ${String(encoded)}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

/** EventStoreDB's order of `$all` positions: by commit position, then by prepare position. */
export function comparePosition(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}
