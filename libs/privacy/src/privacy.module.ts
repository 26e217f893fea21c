import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { KEY_PROVIDER, LocalKeyProvider, loadMasterKey, type KeyProvider } from './key-provider';
import { SqliteKeyStore, keyStoreFile } from './key-store';
import { PersonalDataCipher } from './personal-data-cipher';
import { PersonalDataCodec } from './personal-data-codec';

export interface PrivacyModuleOptions {
  dataDir: string;
  /** `MASTER_KEY`: base64 of 32 bytes; generated into DATA_DIR/master.key when absent. */
  masterKey?: string;
}

/** The personal-data cipher and the event codec built on it, global so the write path and the read
 * models can inject them. */
@Module({})
export class PrivacyModule implements OnApplicationShutdown {
  constructor(@Inject(SqliteKeyStore) private readonly keys: SqliteKeyStore) {}

  static forRoot(options: PrivacyModuleOptions): DynamicModule {
    return {
      module: PrivacyModule,
      global: true,
      providers: [
        {
          provide: KEY_PROVIDER,
          useFactory: () => new LocalKeyProvider(loadMasterKey(options.dataDir, options.masterKey)),
        },
        { provide: SqliteKeyStore, useFactory: () => new SqliteKeyStore(keyStoreFile(options.dataDir)) },
        {
          provide: PersonalDataCipher,
          useFactory: (keys: SqliteKeyStore, provider: KeyProvider) => new PersonalDataCipher(keys, provider),
          inject: [SqliteKeyStore, KEY_PROVIDER],
        },
        {
          provide: PersonalDataCodec,
          useFactory: (cipher: PersonalDataCipher) => new PersonalDataCodec(cipher),
          inject: [PersonalDataCipher],
        },
      ],
      exports: [PersonalDataCipher, PersonalDataCodec],
    };
  }

  /** The last hook: nothing reads keys any more. */
  onApplicationShutdown(): void {
    this.keys.close();
  }
}
