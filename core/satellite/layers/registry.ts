import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LayerKind } from '../../model/types.js';
import type { Layer, LayerContext } from './layer.js';
import { StorageLayer } from './storage-layer.js';

/** Layers this satellite can run; STORAGE is always there, others are plugged in. */
export class LayerRegistry {
  readonly storage = new StorageLayer();
  private readonly layers = new Map<LayerKind, Layer>([['STORAGE', this.storage]]);

  register(layer: Layer): void {
    this.layers.set(layer.kind, layer);
  }
  get(kind: LayerKind): Layer | undefined {
    return this.layers.get(kind);
  }
  all(): Layer[] {
    return [...this.layers.values()];
  }
}

/**
 * Loads `layers/<kind>/index.js` for each kind whose module exists and exports createLayer,
 * so the DRBD (LUKS, ...) owners add a layer without editing the reconciler or main.
 */
export async function loadPluggedLayers(registry: LayerRegistry, ctx: LayerContext, kinds: LayerKind[]): Promise<string[]> {
  const here = dirname(fileURLToPath(import.meta.url));
  const problems: string[] = [];
  for (const kind of kinds) {
    const file = join(here, kind.toLowerCase(), 'index.js');
    if (!existsSync(file)) continue;
    try {
      const mod = (await import(pathToFileURL(file).href)) as { createLayer?: (c: LayerContext) => Layer };
      if (typeof mod.createLayer !== 'function') {
        problems.push(`${file} does not export createLayer()`);
        continue;
      }
      registry.register(mod.createLayer(ctx));
    } catch (e) {
      problems.push(`${file}: ${(e as Error).message}`);
    }
  }
  return problems;
}
