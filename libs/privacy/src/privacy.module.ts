import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { KEY_PROVIDER, LocalKeyProvider, loadMasterKey, type KeyProvider } from './key-provider';
import { SqliteKeyStore, keyStoreFile } from './key-store';
import { PersonalDataCipher } from './personal-data-cipher';
import { PersonalDataCodec } from './personal-data-codec';
import { ListCursors } from './list-cursors';
import { OpaquePositions } from './opaque-positions';
import { RequestHasher } from './request-hasher';

const MASTER_KEY_BYTES = Symbol('MASTER_KEY_BYTES');

export interface PrivacyModuleOptions {
  dataDir: string;
  /** `MASTER_KEY`: base64 of 32 bytes; generated into DATA_DIR/master.key when absent. */
  masterKey?: string;
}

/** The personal-data cipher, the event codec built on it and the request hasher, global so the write path and the read
 * models can inject them. */
@Module({})
export class PrivacyModule implements OnApplicationShutdown {
  constructor(@Inject(SqliteKeyStore) private readonly keys: SqliteKeyStore) {}

  static forRoot(options: PrivacyModuleOptions): DynamicModule {
    return {
      module: PrivacyModule,
      global: true,
      providers: [
        { provide: MASTER_KEY_BYTES, useFactory: () => loadMasterKey(options.dataDir, options.masterKey) },
        {
          provide: KEY_PROVIDER,
          useFactory: (masterKey: Buffer) => new LocalKeyProvider(masterKey),
          inject: [MASTER_KEY_BYTES],
        },
        {
          provide: RequestHasher,
          useFactory: (masterKey: Buffer, cipher: PersonalDataCipher) => new RequestHasher(masterKey, cipher),
          inject: [MASTER_KEY_BYTES, PersonalDataCipher],
        },
        {
          provide: ListCursors,
          useFactory: (masterKey: Buffer) => new ListCursors(masterKey),
          inject: [MASTER_KEY_BYTES],
        },
        {
          provide: OpaquePositions,
          useFactory: (masterKey: Buffer) => new OpaquePositions(masterKey),
          inject: [MASTER_KEY_BYTES],
        },
        { provide: SqliteKeyStore, useFactory: () => new SqliteKeyStore(keyStoreFile(options.dataDir)) },
        {
          provide: PersonalDataCipher,
          useFactory: (keys: SqliteKeyStore, provider: KeyProvider) =>
            PersonalDataCipher.opened(keys, provider),
          inject: [SqliteKeyStore, KEY_PROVIDER],
        },
        {
          provide: PersonalDataCodec,
          useFactory: (cipher: PersonalDataCipher) => new PersonalDataCodec(cipher),
          inject: [PersonalDataCipher],
        },
      ],
      exports: [
        PersonalDataCipher,
        PersonalDataCodec,
        RequestHasher,
        ListCursors,
        OpaquePositions,
        SqliteKeyStore,
      ],
    };
  }

  /** The last hook: nothing reads keys any more. */
  onApplicationShutdown(): void {
    this.keys.close();
  }
}
