/**
 * JSON with exact int64 numbers. LINSTOR's ret_code values do not fit a double, so they
 * travel as bigint inside the process and are written as bare JSON integers. Parsing uses a
 * real lossless JSON parser (lossless-json): numbers are read from their digits, so a string
 * that merely looks like a number (a property value "id:12345678901234567890}") stays a string.
 */
import { parse } from 'lossless-json';

const MARK = '\u0000BIGINT:';

export function toJson(value: unknown, space?: number): string {
  const text = JSON.stringify(
    value,
    (_k, v) => (typeof v === 'bigint' ? `${MARK}${v.toString()}` : v),
    space,
  );
  return text === undefined ? 'null' : text.replace(/"\\u0000BIGINT:(-?\d+)"/g, '$1');
}

/** A number token as written, until the reviver knows its key. */
class Digits { constructor(readonly text: string) {} }

const INTEGER = /^-?\d+$/;

/**
 * Parses JSON, keeping every `ret_code` exact as a bigint. With `exactIntegers`, every integer
 * too big for a double (e.g. the 9223372036854775807 capacity of diskless pools) becomes a
 * bigint too: for printing responses unchanged (`linstor -m`), not for arithmetic.
 */
export function fromJson<T = unknown>(text: string, opts: { exactIntegers?: boolean } = {}): T {
  return parse(text, (key, v) => {
    if (!(v instanceof Digits)) return v;
    const integer = INTEGER.test(v.text);
    if (integer && key === 'ret_code') return BigInt(v.text);
    const n = Number(v.text);
    if (integer && opts.exactIntegers && !Number.isSafeInteger(n)) return BigInt(v.text);
    return n;
  }, (digits) => new Digits(digits)) as T;
}

/**
 * A request body as LINSTOR's Jackson reads it: an integer keeps its exact digits where a
 * double would change them (`{"Aux/id": 12345678901234567890}` is stored as those 20 digits,
 * as Jackson's String deserializer takes the token's text); such a number travels as its
 * digit string, which the request validation coerces to a number where the schema wants one.
 */
export function fromRequestJson(text: string): unknown {
  return parse(text, null, (digits) => {
    const n = Number(digits);
    return INTEGER.test(digits) && !Number.isSafeInteger(n) ? digits : n;
  });
}

/** Python's json.dumps(value) (", " and ": " separators, non-ASCII escaped), as python-linstor prints request bodies. */
export function toPyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(toPyJson).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${toPyJson(k)}: ${toPyJson(v)}`).join(', ')}}`;
  return toJson(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** How deeply request bodies may nest: LINSTOR's and Cinder's bodies go a handful of levels deep. */
export const MAX_JSON_DEPTH = 32;

/** Whether a parsed value nests deeper than `max` (checked without recursion, so any depth is safe). */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}
