/**
 * `POST /v1/controller/database/export` (the JSON export any backend imports) and
 * `/v1/controller/backup/db` (a SQLite copy on SQLite): the database (which holds the sealed
 * master key) goes into the configured backup folder only, under a plain file name the request
 * gives. The folder is 0700 and the file 0600; an existing file is never overwritten. A name
 * with a path, `..`, or control characters is refused.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../model/errors.js';
import { printable } from '../../model/names.js';

/** Room is left for the temporary name's prefix within the 255-byte file-name limit. */
const BACKUP_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,199}$/;
const CTRL = { obj: 'CTRL_CONF' as const, op: 'CRT' as const };

/** Checks `name` and returns its path in `backupDir`. */
export function backupPath(name: unknown, backupDir: string): string {
  if (typeof name !== 'string' || !BACKUP_NAME.test(name) || name.includes('..')) {
    throw new ApiError('FAIL_INVLD_DB_EXPORT_FILE', `The backup name '${printable(name)}' is invalid.`, {
      cause: `Backups are written to the controller's backup folder (${backupDir}, [db] backup_directory in linstor.toml) under a plain file name.`,
      correction: 'Give backup_name as a file name of letters, digits and \'_.+-\', e.g. "linstor-backup.db".', ...CTRL,
    });
  }
  return join(backupDir, name);
}

/**
 * Writes `<backupDir>/<name>` (0600, never overwriting) with `write`, which fills the temporary
 * file it is given (same suffix as `name`, so `.gz` still means compressed); returns the path.
 */
export async function exportDatabase(name: unknown, backupDir: string, write: (tmpPath: string) => Promise<void>): Promise<string> {
  const path = backupPath(name, backupDir);
  const fail = (why: string, correction: string): ApiError => new ApiError('FAIL_INVLD_DB_EXPORT_FILE', `The database could not be exported to '${path}': ${why}`, { correction, ...CTRL });
  if (await stat(path).then(() => true, () => false)) {
    throw fail('the file already exists.', 'Choose a name that does not exist yet; exports never overwrite.');
  }
  try {
    await mkdir(backupDir, { recursive: true, mode: 0o700 });
    await chmod(backupDir, 0o700);
  } catch (e) {
    throw fail(`the backup folder is not usable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, 'Check [db] backup_directory in linstor.toml.');
  }
  // Written under a temporary name, made owner-only, then linked to its name: a reader never
  // sees a half-written or world-readable copy, and link() refuses to replace an existing file.
  const tmp = join(backupDir, `.export-${randomBytes(6).toString('hex')}-${name as string}`);
  try {
    await write(tmp);
    await chmod(tmp, 0o600);
    await link(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'EEXIST' ? fail('the file already exists.', 'Choose a name that does not exist yet; exports never overwrite.')
      : fail((e as Error).message, 'Check that the controller may write to the backup folder.');
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  return path;
}
