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

/** Parses JSON, keeping every `ret_code` exact as a bigint. */
export function fromJson<T = unknown>(text: string): T {
  // The marker goes into the JSON text as the escape `\u0000` (a raw NUL is not valid JSON);
  // JSON.parse decodes it back to MARK for the reviver.
  const quoted = text.replace(/("ret_code"\s*:\s*)(-?\d+)/g, `$1"\\u0000BIGINT:$2"`);
  return JSON.parse(quoted, (_k, v) =>
    typeof v === 'string' && v.startsWith(MARK) ? BigInt(v.slice(MARK.length)) : v,
  ) as T;
}
