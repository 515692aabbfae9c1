/** LINSTOR's layer stack rules (LayerStackUtils): known kinds, STORAGE last, each kind at most once. */
import { ApiError } from '../../model/errors.js';
import { printable } from '../../model/names.js';
import { LAYER_KINDS, type LayerKind } from '../../model/types.js';

export const DEFAULT_LAYER_STACK: readonly LayerKind[] = ['DRBD', 'STORAGE'];

export function checkLayerStack(raw: unknown, field = 'layer_list'): LayerKind[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    throw new ApiError('FAIL_INVLD_LAYER_STACK', `'${field}' must be a list of layer kinds.`, { correction: `Use e.g. ["DRBD", "STORAGE"].` });
  }
  if (raw.length === 0) return undefined;
  const out = raw.map((k) => {
    const up = typeof k === 'string' ? k.toUpperCase() : '';
    if (!(LAYER_KINDS as readonly string[]).includes(up)) {
      throw new ApiError('FAIL_INVLD_LAYER_KIND', `Unknown layer kind '${printable(k)}'.`, { correction: `Use one of ${LAYER_KINDS.join(', ')}.` });
    }
    return up as LayerKind;
  });
  if (new Set(out).size !== out.length) {
    throw new ApiError('FAIL_INVLD_LAYER_STACK', `Layer stack [${out.join(', ')}] uses a layer more than once.`, { correction: 'List every layer at most once.' });
  }
  if (out[out.length - 1] !== 'STORAGE') {
    throw new ApiError('FAIL_INVLD_LAYER_STACK', `Layer stack [${out.join(', ')}] is invalid: STORAGE must be the last layer.`, {
      correction: 'End the layer list with STORAGE, e.g. ["DRBD", "STORAGE"] or ["STORAGE"].',
    });
  }
  return out;
}

export function hasDrbd(stack: readonly LayerKind[]): boolean {
  return stack.includes('DRBD');
}

export function hasLuks(stack: readonly LayerKind[]): boolean {
  return stack.includes('LUKS');
}
