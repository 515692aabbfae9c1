/**
 * Regular expressions that users give (do-not-place-with regex, Cinder extra specs, glob
 * patterns) run in RE2, a linear-time engine: a pattern such as `(a+)+$` cannot freeze the
 * event loop, whatever it is matched against. RE2 has no backreferences or lookarounds; such
 * patterns are refused with a clear error instead of running with exponential backtracking.
 */
import RE2 from 're2';
import type { RcName } from './apiconsts.js';
import { ApiError, type ApiErrorOptions } from './errors.js';
import { printable } from './names.js';

export const MAX_USER_REGEX_LENGTH = 4096;

export interface UserRegex { test(text: string): boolean }

/** Compiles `source` with RE2; throws an ApiError (rc, field named) when it is not acceptable. */
export function compileUserRegex(source: unknown, field: string, opts: { flags?: string; rc?: RcName } & ApiErrorOptions = {}): UserRegex {
  const { flags = '', rc = 'FAIL_INVLD_REQUEST', ...errorOpts } = opts;
  const refuse = (why: string): never => {
    throw new ApiError(rc, `${field} '${printable(source)}' is not a valid regular expression: ${why}.`, {
      cause: 'Patterns run in a linear-time engine (RE2 syntax): no backreferences (\\1) or lookarounds ((?=, (?!, (?<=).',
      correction: 'Fix the pattern, e.g. ^web-.* to match names that start with web-.',
      ...errorOpts,
    });
  };
  if (typeof source !== 'string') return refuse('it is not a string');
  if (source.length > MAX_USER_REGEX_LENGTH) return refuse(`it is longer than ${MAX_USER_REGEX_LENGTH} characters`);
  try {
    return new RE2(source, flags);
  } catch (e) {
    return refuse((e as Error).message);
  }
}

/** A shell-style glob (`*`, `?`) as a case-insensitive whole-string RE2 matcher. */
export function globMatcher(pattern: string): UserRegex {
  const source = `^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`;
  return new RE2(source, 'i');
}
