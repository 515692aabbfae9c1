import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { ApiError } from './errors.js';
import { printable } from './names.js';

/**
 * External files (LINSTOR's `linstor file ...`): a file registered on the controller with its
 * content, written by the satellites of every node that holds a resource of a definition that
 * deploys it (the definition's `files/<path>` property = True), under the directories the
 * node's administrator allowed (`[files] allowExtFiles` in linstor_satellite.toml).
 */
export interface ExternalFile {
  /** Absolute, normalised path: also its name. */
  path: string;
  /** The content, base64 (as on the REST API). */
  content: string;
  /** If `path + suffix` exists instead of `path`, that file is kept up to date (e.g. ".disabled"). */
  altSuffixes?: string[];
}

/** What a satellite is sent: the file and the digest of its content. */
export interface DesiredExtFile extends ExternalFile { sha256: string }

/** The resource-definition property namespace that deploys files (LINSTOR's NAMESPC_FILES). */
export const FILES_NAMESPACE = 'files';
export const MAX_EXT_FILE_PATH = 4096;
/** Larger content does not fit a REST body either (16 MB, base64). */
export const MAX_EXT_FILE_BYTES = 8 * 1024 * 1024;

/** The deploy property of a file: `files/etc/x.conf` for `/etc/x.conf`. */
export const deployPropKey = (path: string): string => `${FILES_NAMESPACE}${path}`;

/** The file a deploy property names, when it is one. */
export function deployedPath(propKey: string): string | undefined {
  return propKey.startsWith(`${FILES_NAMESPACE}/`) ? propKey.slice(FILES_NAMESPACE.length) : undefined;
}

/**
 * A file name: absolute, already normalised (no `.`/`..` segments, no `//`, no trailing `/`),
 * no control characters. Refused, not repaired: `/a/../etc/shadow` must not become a name.
 */
export function checkExtFilePath(v: unknown): string {
  const bad = (why: string): never => {
    throw new ApiError('FAIL_INVLD_EXT_FILE_NAME', `The external file name '${printable(v)}' is invalid: ${why}.`, {
      correction: 'Give an absolute, normalised path such as /etc/drbd-reactor.d/my.toml (URL-encoded in the request path).',
    });
  };
  if (typeof v !== 'string' || v === '') return bad('it is empty');
  if (v.length > MAX_EXT_FILE_PATH) return bad(`it is longer than ${MAX_EXT_FILE_PATH} characters`);
  if (!v.startsWith('/')) return bad('it is not an absolute path');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) return bad('it contains control characters');
  if (v === '/' || v.endsWith('/')) return bad('it names a directory');
  if (posix.normalize(v) !== v || v.split('/').some((s) => s === '.' || s === '..')) return bad('it is not normalised (no "." or ".." segments, no "//")');
  return v;
}

export function checkAltSuffixes(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length > 16) throw new ApiError('FAIL_INVLD_EXT_FILE', 'alt_suffixes must be a list of at most 16 suffixes.');
  for (const s of v) {
    // eslint-disable-next-line no-control-regex
    if (typeof s !== 'string' || s === '' || s.length > 64 || s.includes('/') || s.includes('..') || /[\u0000-\u001f]/.test(s)) {
      throw new ApiError('FAIL_INVLD_EXT_FILE', `Alternative suffixes must not contain path separators or '..': '${printable(s)}'`, {
        correction: 'Use suffixes such as ".disabled".',
      });
    }
  }
  return v as string[];
}

/** Decodes the content; refuses what is not base64 or is empty, as LINSTOR refuses empty content. */
export function decodeContent(v: unknown): Buffer {
  const s = typeof v === 'string' ? v.replace(/\s+/g, '') : '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) {
    throw new ApiError('FAIL_INVLD_EXT_FILE', 'The content is not base64.', { correction: 'Send the file content base64-encoded in "content".' });
  }
  const buf = Buffer.from(s, 'base64');
  if (buf.length === 0) throw new ApiError('FAIL_INVLD_EXT_FILE', 'The content must not be null or empty');
  if (buf.length > MAX_EXT_FILE_BYTES) throw new ApiError('FAIL_INVLD_EXT_FILE', `The content is larger than ${MAX_EXT_FILE_BYTES} bytes.`);
  return buf;
}

export const sha256Of = (content: Buffer): string => createHash('sha256').update(content).digest('hex');
