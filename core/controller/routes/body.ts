import type { Request } from 'express';
import { ApiError } from '../../model/errors.js';

/** The request body as an object, or LINSTOR's parse error (HTTP 400). */
export function bodyOf<T = Record<string, unknown>>(req: Request, required = true): T {
  const b = req.body as unknown;
  if (b === undefined || b === null || (typeof b === 'object' && !Array.isArray(b) && Object.keys(b).length === 0 && !required)) {
    if (required && (b === undefined || b === null)) {
      throw new ApiError('API_CALL_PARSE_ERROR', 'The request has no JSON body.', { correction: 'Send a JSON object with Content-Type: application/json.' });
    }
    return (b ?? {}) as T;
  }
  if (typeof b !== 'object' || Array.isArray(b)) {
    throw new ApiError('API_CALL_PARSE_ERROR', 'The request body must be a JSON object.', { correction: 'Send a JSON object with Content-Type: application/json.' });
  }
  return b as T;
}

export function optionalInt(v: unknown, field: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ApiError('API_CALL_PARSE_ERROR', `'${field}' must be an integer between ${min} and ${max}.`, { correction: `Give ${field} as a number.` });
  }
  return v;
}

export function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ApiError('API_CALL_PARSE_ERROR', `'${field}' must be a string.`, { correction: `Give ${field} as a JSON string.` });
  return v;
}

export function optionalStringList(v: unknown, field: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ApiError('API_CALL_PARSE_ERROR', `'${field}' must be a list of strings.`, { correction: `Give ${field} as a JSON array of strings.` });
  }
  return v as string[];
}
