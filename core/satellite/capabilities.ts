import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { FEATURE_ERROR_REPORTS, FEATURE_INCREMENTAL, FEATURE_LOG_LEVEL, FEATURE_SOS_REPORT, PROTOCOL_VERSION, type SatelliteHello } from '../model/satellite-protocol.js';
import { LAYER_KINDS, type LayerKind, type ProviderKind } from '../model/types.js';
import type { CommandRunner } from '../exec/index.js';
import type { LayerRegistry } from './layers/registry.js';
import { probeProviders } from './providers/registry.js';

export type Capabilities = Omit<SatelliteHello, 'type' | 'version' | 'nodeName' | 'features'>;

/**
 * What this node can do, probed once at start (node info shows it, with the reasons for
 * what is unsupported, e.g. "DRBD kernel module not loaded").
 */
export async function probeCapabilities(runner: CommandRunner, layers: LayerRegistry): Promise<Capabilities> {
  const providers: ProviderKind[] = [];
  const unsupportedProviders: Record<string, string[]> = {};
  for (const [kind, s] of Object.entries(await probeProviders({ runner }))) {
    if (s.supported) providers.push(kind as ProviderKind);
    else unsupportedProviders[kind] = s.reasons;
  }
  const supportedLayers: LayerKind[] = [];
  const unsupportedLayers: Record<string, string[]> = {};
  for (const kind of LAYER_KINDS) {
    const layer = layers.get(kind);
    if (layer) {
      const s = await layer.supported().catch((e: unknown) => ({ supported: false, reasons: [(e as Error).message] }));
      if (s.supported) supportedLayers.push(kind);
      else unsupportedLayers[kind] = s.reasons;
      continue;
    }
    const reasons: string[] = [];
    if (kind === 'DRBD' && !existsSync('/proc/drbd')) reasons.push('DRBD kernel module not loaded');
    reasons.push(`layer ${kind} not available on this satellite`);
    unsupportedLayers[kind] = reasons;
  }
  return { uname: hostname(), providers, layers: supportedLayers, unsupportedProviders, unsupportedLayers };
}

export function helloMessage(caps: Capabilities, nodeName: string): SatelliteHello {
  return { type: 'hello', version: PROTOCOL_VERSION, nodeName, ...caps, features: [FEATURE_INCREMENTAL, FEATURE_ERROR_REPORTS, FEATURE_LOG_LEVEL, FEATURE_SOS_REPORT] };
}
