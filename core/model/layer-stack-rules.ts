import { ApiError } from './errors.js';
import { LAYER_KINDS, type LayerKind } from './types.js';

/**
 * Which layer may sit directly on which (§3.5), as LINSTOR's layer rules define them (top first):
 * any layer may be the top one; LUKS only on STORAGE; NVME, WRITECACHE, CACHE and BCACHE never on
 * DRBD; BCACHE not on CACHE; nothing is below STORAGE; every stack ends with STORAGE; no layer twice.
 */
export const ALLOWED_BELOW: Readonly<Record<LayerKind, readonly LayerKind[]>> = {
  DRBD: ['NVME', 'LUKS', 'STORAGE', 'WRITECACHE', 'CACHE', 'BCACHE'],
  LUKS: ['STORAGE'],
  NVME: ['LUKS', 'STORAGE', 'WRITECACHE', 'CACHE', 'BCACHE'],
  WRITECACHE: ['NVME', 'LUKS', 'STORAGE', 'CACHE', 'BCACHE'],
  CACHE: ['NVME', 'LUKS', 'STORAGE', 'WRITECACHE', 'BCACHE'],
  BCACHE: ['NVME', 'LUKS', 'STORAGE', 'WRITECACHE'],
  STORAGE: [],
};

function invalid(stack: readonly string[], rule: string, correction: string): ApiError {
  return new ApiError('FAIL_INVLD_LAYER_STACK', `The layer stack '${stack.join(',')}' is invalid: ${rule}.`, {
    cause: rule.charAt(0).toUpperCase() + rule.slice(1),
    correction,
  });
}

/** Upper-cases and checks the names; returns the typed list. */
export function parseLayerList(list: readonly unknown[]): LayerKind[] {
  return list.map((l) => {
    const up = typeof l === 'string' ? l.trim().toUpperCase() : '';
    if (!(LAYER_KINDS as readonly string[]).includes(up)) {
      throw new ApiError('FAIL_INVLD_LAYER_KIND', `Unknown layer '${String(l)}'.`, { correction: `Use layers from ${LAYER_KINDS.join(', ')}.` });
    }
    return up as LayerKind;
  });
}

/**
 * Throws FAIL_INVLD_LAYER_STACK naming the broken rule; returns the normalised stack (top first).
 * An empty list is allowed by callers that mean "default"; pass it only when that is meant.
 */
export function checkLayerStack(list: readonly unknown[]): LayerKind[] {
  const stack = parseLayerList(list);
  if (stack.length === 0) throw invalid(stack, 'the layer list is empty', "Give at least 'storage', e.g. --layer-list drbd,storage.");
  const seen = new Set<LayerKind>();
  for (const k of stack) {
    if (seen.has(k)) throw invalid(stack, `layer ${k} appears more than once (each layer may be used at most once)`, `Remove the second ${k}.`);
    seen.add(k);
  }
  for (let i = 0; i + 1 < stack.length; i++) {
    const upper = stack[i]!;
    const lower = stack[i + 1]!;
    if (upper === 'STORAGE') throw invalid(stack, 'STORAGE must be the bottom layer; nothing may be below it', `End the list with storage (move ${lower} above STORAGE).`);
    if (!ALLOWED_BELOW[upper].includes(lower)) {
      const allowed = ALLOWED_BELOW[upper].join(', ');
      throw invalid(stack, `${lower} may not be directly below ${upper} (below ${upper} only ${allowed} may follow)`,
        upper === 'LUKS' ? 'Put LUKS directly on STORAGE, e.g. drbd,luks,storage.' : `Reorder the layers, e.g. put ${upper} below DRBD: drbd,${upper.toLowerCase()},storage.`);
    }
  }
  if (stack[stack.length - 1] !== 'STORAGE') throw invalid(stack, 'every layer stack must end with STORAGE', `Append storage: ${[...stack, 'STORAGE'].join(',').toLowerCase()}.`);
  return stack;
}

export function isLayerStackAllowed(list: readonly unknown[]): boolean {
  try { checkLayerStack(list); return true; } catch { return false; }
}
