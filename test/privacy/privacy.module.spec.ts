import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import {
  MASTER_KEY_FILE,
  PersonalDataCipher,
  PersonalDataCodec,
  PrivacyModule,
  keyStoreFile,
  subjectKeyId,
} from '@trust-ledger/privacy';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'privacy-module-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('PrivacyModule', () => {
  it('provides the codec and cipher over DATA_DIR, and closes the key store at shutdown', async () => {
    const app = await (
      await Test.createTestingModule({ imports: [PrivacyModule.forRoot({ dataDir: dir })] }).compile()
    ).init();
    expect(existsSync(join(dir, MASTER_KEY_FILE))).toBe(true);
    expect(existsSync(keyStoreFile(dir))).toBe(true);

    const codec = app.get(PersonalDataCodec);
    const opened = { type: 'CaseOpened', data: { caseId: 'c-1', subject: { fullName: 'Ada Lovelace' } } };
    const stored = await codec.encode('case-c-1', opened);
    expect(stored.data.subject).toMatchObject({ $sealed: 1, keyId: subjectKeyId('c-1') });
    expect(await codec.decode({ streamId: 'case-c-1', ...stored })).toEqual(opened);

    app.get(PersonalDataCipher).erase(subjectKeyId('c-1'));
    expect((await codec.decode({ streamId: 'case-c-1', ...stored })).data.subject).toEqual({
      fullName: '[erased]',
    });
    await app.close();
    await expect(
      codec.encode('case-c-2', { ...opened, data: { ...opened.data, caseId: 'c-2' } }),
    ).rejects.toThrow('The database connection is not open');
  });

  it('refuses a master key that cannot unwrap the data keys already stored', async () => {
    const module = (masterKey: string) =>
      Test.createTestingModule({ imports: [PrivacyModule.forRoot({ dataDir: dir, masterKey })] }).compile();
    const first = await (await module(Buffer.alloc(32, 7).toString('base64'))).init();
    await first.get(PersonalDataCodec).encode('case-c-1', {
      type: 'CaseOpened',
      data: { caseId: 'c-1', subject: { fullName: 'Ada Lovelace' } },
    });
    await first.close();
    await expect(module(Buffer.alloc(32, 8).toString('base64'))).rejects.toThrow(
      'The master key cannot unwrap the data keys in keys.db',
    );
    const again = await (await module(Buffer.alloc(32, 7).toString('base64'))).init();
    await again.close();
  });

  it('takes the master key from configuration', async () => {
    const masterKey = Buffer.alloc(32, 7).toString('base64');
    const app = await (
      await Test.createTestingModule({
        imports: [PrivacyModule.forRoot({ dataDir: dir, masterKey })],
      }).compile()
    ).init();
    expect(existsSync(join(dir, MASTER_KEY_FILE))).toBe(false);
    await app.close();
  });
});
