import { ApiError } from '../model/errors.js';
import type { Props } from '../model/types.js';
import { checkPropKey, checkPropValue } from './keys.js';

/** The body every LINSTOR `*Modify` request shares. */
export interface PropsModify {
  override_props?: Record<string, unknown>;
  delete_props?: unknown[];
  delete_namespaces?: unknown[];
}

export interface PropsChange {
  props: Props;
  /** Keys asked to be deleted that were not set (LINSTOR warns WARN_DEL_UNSET_PROP). */
  unsetDeletes: string[];
}

/**
 * Applies override/delete/delete-namespace to a copy of `current`, validating every key and
 * value first, so a bad request changes nothing.
 */
export function applyPropsModify(current: Props, body: PropsModify | undefined): PropsChange {
  const props: Props = { ...current };
  const unsetDeletes: string[] = [];
  if (!body) return { props, unsetDeletes };
  const overrides = body.override_props ?? {};
  if (typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new ApiError('FAIL_INVLD_PROP', 'override_props must be an object of string values.', { correction: 'Send {"override_props": {"Key": "value"}}.' });
  }
  const validated: Array<[string, string]> = Object.entries(overrides).map(([k, v]) => {
    const key = checkPropKey(k);
    return [key, checkPropValue(key, v)];
  });
  const deletes = arrayOfStrings(body.delete_props, 'delete_props');
  const namespaces = arrayOfStrings(body.delete_namespaces, 'delete_namespaces');
  for (const [k, v] of validated) props[k] = v;
  for (const k of deletes) {
    if (k in props) delete props[k];
    else unsetDeletes.push(k);
  }
  for (const ns of namespaces) {
    const prefix = ns.endsWith('/') ? ns : `${ns}/`;
    for (const k of Object.keys(props)) if (k.startsWith(prefix)) delete props[k];
  }
  return { props, unsetDeletes };
}

/** Validates a full props map given at creation time. */
export function checkProps(input: unknown): Props {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new ApiError('FAIL_INVLD_PROP', 'props must be an object of string values.', { correction: 'Send {"props": {"Key": "value"}}.' });
  }
  const out: Props = {};
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    const key = checkPropKey(k);
    out[key] = checkPropValue(key, v);
  }
  return out;
}

function arrayOfStrings(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ApiError('FAIL_INVLD_PROP', `${field} must be a list of strings.`, { correction: `Send {"${field}": ["Key"]}.` });
  }
  return v as string[];
}
