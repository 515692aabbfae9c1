/**
 * JSON with exact int64 numbers. LINSTOR's ret_code values do not fit a double, so they
 * travel as bigint inside the process and are written as bare JSON integers.
 */
const MARK = '\u0000BIGINT:';

export function toJson(value: unknown, space?: number): string {
  const text = JSON.stringify(
    value,
    (_k, v) => (typeof v === 'bigint' ? `${MARK}${v.toString()}` : v),
    space,
  );
  return text === undefined ? 'null' : text.replace(/"\\u0000BIGINT:(-?\d+)"/g, '$1');
}

/**
 * Parses JSON, keeping every `ret_code` exact as a bigint. With `exactIntegers`, every integer
 * too big for a double (e.g. the 9223372036854775807 capacity of diskless pools) becomes a
 * bigint too: for printing responses unchanged (`linstor -m`), not for arithmetic.
 */
export function fromJson<T = unknown>(text: string, opts: { exactIntegers?: boolean } = {}): T {
  // The marker goes into the JSON text as the escape `\u0000` (a raw NUL is not valid JSON);
  // JSON.parse decodes it back to MARK for the reviver.
  let quoted = text.replace(/("ret_code"\s*:\s*)(-?\d+)/g, `$1"\\u0000BIGINT:$2"`);
  if (opts.exactIntegers) quoted = quoted.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,}\]])/g, (m, pre: string, digits: string) =>
    (Number.isSafeInteger(Number(digits)) ? m : `${pre}"\\u0000BIGINT:${digits}"`));
  return JSON.parse(quoted, (_k, v) =>
    typeof v === 'string' && v.startsWith(MARK) ? BigInt(v.slice(MARK.length)) : v,
  ) as T;
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
