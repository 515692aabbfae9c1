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

/** Python's json.dumps(value) (", " and ": " separators, non-ASCII escaped), as python-linstor prints request bodies. */
export function toPyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(toPyJson).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${toPyJson(k)}: ${toPyJson(v)}`).join(', ')}}`;
  return toJson(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
