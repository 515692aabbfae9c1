/**
 * Volume capabilities: which access modes this endpoint serves. A replicated block volume
 * without a cluster filesystem can be written by one node, or read by many.
 */
import { invalid } from './errors.js';

export const SUPPORTED_MODES = ['SINGLE_NODE_WRITER', 'SINGLE_NODE_READER_ONLY', 'MULTI_NODE_READER_ONLY'] as const;

/** The shape proto-loader (keepCase, enums as strings, oneofs) gives a VolumeCapability. */
export interface VolumeCapability {
  block?: Record<string, never> | null;
  mount?: { fs_type?: string; mount_flags?: string[]; volume_mount_group?: string } | null;
  access_mode?: { mode?: string } | null;
  access_type?: 'block' | 'mount';
}

export function isBlock(c: VolumeCapability): boolean {
  return c.access_type === 'block' || (!!c.block && !c.mount);
}

export function modeOf(c: VolumeCapability): string {
  return c.access_mode?.mode ?? 'UNKNOWN';
}

/** Why a capability cannot be served, or undefined when it can. */
export function unsupportedReason(c: VolumeCapability): string | undefined {
  if (!c.block && !c.mount) return 'volume capability has neither block nor mount access type';
  const mode = modeOf(c);
  if (!(SUPPORTED_MODES as readonly string[]).includes(mode)) {
    return `access mode ${mode} is not supported (supported: ${SUPPORTED_MODES.join(', ')})`;
  }
  const fs = c.mount?.fs_type;
  if (c.mount && fs && !['ext4', 'xfs'].includes(fs)) return `filesystem '${fs}' is not supported (ext4, xfs)`;
  return undefined;
}

/** Throws INVALID_ARGUMENT when no capability is given or any is unsupported. */
export function requireCapabilities(caps: VolumeCapability[] | undefined, what = 'volume_capabilities'): VolumeCapability[] {
  if (!caps || caps.length === 0) throw invalid(`${what} missing in request`);
  for (const c of caps) {
    const why = unsupportedReason(c);
    if (why) throw invalid(why);
  }
  return caps;
}

export function requireCapability(cap: VolumeCapability | undefined | null): VolumeCapability {
  if (!cap) throw invalid('volume_capability missing in request');
  return requireCapabilities([cap], 'volume_capability')[0]!;
}

export function isReadOnlyMode(c: VolumeCapability): boolean {
  const m = modeOf(c);
  return m === 'SINGLE_NODE_READER_ONLY' || m === 'MULTI_NODE_READER_ONLY';
}

export function isSingleNode(c: VolumeCapability): boolean {
  return modeOf(c).startsWith('SINGLE_NODE');
}
