import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ApiError } from '../../model/errors.js';
import { printable } from '../../model/names.js';

/** Where an export named `name` goes: absolute paths as given, others in the config directory. Never overwrites. */
export function exportPath(name: unknown, configDirectory: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 4096 || /[\u0000-\u001f]/.test(name)) {
    throw new ApiError('FAIL_INVLD_DB_EXPORT_FILE', `The export file name '${printable(name)}' is invalid.`, {
      correction: 'Give backup_name as a file name or an absolute path, e.g. "linstor-backup.db".', obj: 'CTRL_CONF', op: 'CRT',
    });
  }
  const path = isAbsolute(name) ? resolve(name) : resolve(join(configDirectory, name));
  if (existsSync(path)) {
    throw new ApiError('FAIL_INVLD_DB_EXPORT_FILE', `The export file '${path}' already exists.`, {
      correction: 'Choose a file name that does not exist yet; exports never overwrite.', obj: 'CTRL_CONF', op: 'CRT',
    });
  }
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ApiError('FAIL_INVLD_DB_EXPORT_FILE', `The directory '${dir}' for the export does not exist.`, {
      correction: 'Create the directory first or choose another path.', obj: 'CTRL_CONF', op: 'CRT',
    });
  }
  return path;
}

