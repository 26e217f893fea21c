import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { readOrCreatePrivateFile } from '@trust-ledger/privacy';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIGNING_KEY_FILE = 'evidence-signing-key.pem';
/** Written beside the private key so the CLI can verify packs offline without reading the latter. */
export const PUBLIC_KEY_FILE = 'evidence-signing-key.pub.pem';

export interface EvidenceSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** Hex SHA-256 of the public key's SPKI DER, first 16 bytes: enough to tell keys apart, short to quote. */
export function signingKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 32);
}

export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

export function parsePublicKey(pem: string, source: string): KeyObject {
  // createPublicKey would derive one from a private key too: a secret passed where a public key is
  // asked for is a mistake to name, not to use.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new Error(`${source} is a private key: give its public key (evidence-signing-key.pub.pem)`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error(`${source} is not a PEM public key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${source} is not an Ed25519 public key`);
  return key;
}

const PUBLIC_KEY_BLOCK = /-----BEGIN PUBLIC KEY-----[^-]+-----END PUBLIC KEY-----/g;

/**
 * Every PEM public key in `text` (blocks one after another, as `cat a.pub.pem b.pub.pem` writes
 * them). Anything else in it, a private key above all, is refused rather than skipped: a
 * misplaced secret must not sit in a setting read as public.
 */
export function parsePublicKeys(text: string, source: string): KeyObject[] {
  const blocks = text.match(PUBLIC_KEY_BLOCK) ?? [];
  if (blocks.length === 0 || text.replace(PUBLIC_KEY_BLOCK, '').trim() !== '') {
    throw new Error(`${source} must hold only PEM public keys (-----BEGIN PUBLIC KEY-----)`);
  }
  return blocks.map((pem, i) => parsePublicKey(pem, `${source} (key ${i + 1})`));
}

/**
 * The Ed25519 key evidence packs are signed with: `configuredPem` (PKCS#8) when given, otherwise
 * DATA_DIR/evidence-signing-key.pem, generated on first start (owner-only). Either way the public
 * key is (re)written to DATA_DIR/evidence-signing-key.pub.pem.
 */
export function loadOrCreateSigningKey(dataDir: string, configuredPem?: string): EvidenceSigningKey {
  const privateKey =
    configuredPem !== undefined ? parsePrivateKey(configuredPem, 'EVIDENCE_SIGNING_KEY') : fromFile(dataDir);
  const publicKey = createPublicKey(privateKey);
  writePublicKeyFile(join(dataDir, PUBLIC_KEY_FILE), publicKeyPem(publicKey));
  return { privateKey, publicKey, keyId: signingKeyId(publicKey) };
}

function fromFile(dataDir: string): KeyObject {
  const file = join(dataDir, SIGNING_KEY_FILE);
  const pem = readOrCreatePrivateFile(file, () =>
    generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  return parsePrivateKey(pem, file);
}

/** An Ed25519 private key from PEM; the error names `source` (a setting or file), never the key. */
export function parsePrivateKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(`${source} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${source} is not an Ed25519 private key`);
  return key;
}

function writePublicKeyFile(file: string, pem: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === pem) return;
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, pem, { mode: 0o644 });
  renameSync(temporary, file);
}
