import { createCipheriv, createDecipheriv } from 'node:crypto';

export const TOKEN_IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The form of the opaque tokens this service hands out (list cursors, log positions):
 * base64url(iv ‖ tag ‖ AES-256-GCM ciphertext), `aad` binding a token to what it may be used for.
 */
export function sealToken(key: Buffer, iv: Buffer, clear: Buffer, aad?: string): string {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(clear), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url');
}

/** The IV and clear bytes of a token `sealToken` made of `clearBytes` bytes; null for anything else. */
export function openToken(
  key: Buffer,
  token: string,
  clearBytes: number,
  aad?: string,
): { iv: Buffer; clear: Buffer } | null {
  const bytes = Buffer.from(token, 'base64url');
  // Only the one spelling of each token: base64url would also take other padding and last characters.
  if (bytes.length !== TOKEN_IV_BYTES + TAG_BYTES + clearBytes || bytes.toString('base64url') !== token) {
    return null;
  }
  const iv = bytes.subarray(0, TOKEN_IV_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(TOKEN_IV_BYTES, TOKEN_IV_BYTES + TAG_BYTES));
    const clear = Buffer.concat([
      decipher.update(bytes.subarray(TOKEN_IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
    return { iv, clear };
  } catch {
    return null;
  }
}
