import { ApiError } from '../model/errors.js';
import type { Props } from '../model/types.js';
import { checkPropKey, checkPropValue } from './keys.js';

/** The body every LINSTOR `*Modify` request shares (validated at the REST edge: core/api). */
export interface PropsModify {
  override_props?: Record<string, string>;
  delete_props?: string[];
  delete_namespaces?: string[];
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
  const validated: Array<[string, string]> = Object.entries(body.override_props ?? {}).map(([k, v]) => {
    const key = checkPropKey(k);
    return [key, checkPropValue(key, v)];
  });
  const deletes = body.delete_props ?? [];
  const namespaces = body.delete_namespaces ?? [];
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
