import Database from 'better-sqlite3';

/** A backup step this large copies every page at once. */
const ALL_PAGES = 0x7fffffff;

/**
 * SQLite's online backup of `file` into `copy`, in one step, so that the service may keep running:
 * a backup taken in steps starts again whenever the source is written meanwhile, which a running
 * API does all the time.
 */
export async function snapshotSqlite(file: string, copy: string): Promise<void> {
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    await source.backup(copy, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
}
