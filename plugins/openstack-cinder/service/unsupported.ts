/**
 * What the LINSTOR backend cannot do, refused the way Cinder refuses input (400 InvalidInput,
 * "Invalid input received: ..."), before anything is created. Real Cinder would accept such a
 * request and then fail to schedule it ("No valid backend was found"), leaving a volume in
 * `error`; refusing up front tells the caller why without leaving debris.
 */
import { badRequest } from '../http/faults.js';
import type { VolumeTypeRecord } from '../state/records.js';

/** Cinder's capability syntax: `<is> True` (any case), or a plain boolean string. */
const isTrue = (v: string | undefined): boolean => v !== undefined && /^(<is>\s*)?true$/i.test(v.trim());

export const MULTIATTACH_UNSUPPORTED = 'the LINSTOR backend attaches a volume to one host at a time (no multiattach)';

/** A volume of this type (or with the deprecated `multiattach` flag) cannot be made here. */
export function refuseMultiattach(type: VolumeTypeRecord, flag?: unknown): void {
  if (flag === true || (typeof flag === 'string' && isTrue(flag))) {
    throw badRequest(`Invalid input received: multiattach volumes are not supported: ${MULTIATTACH_UNSUPPORTED}.`);
  }
  if (isTrue(type.extraSpecs.multiattach)) {
    throw badRequest(`Invalid input received: Volume type ${type.name} has multiattach=${type.extraSpecs.multiattach}, which no backend of this service offers: ${MULTIATTACH_UNSUPPORTED}.`);
  }
}

export const ENCRYPTION_UNSUPPORTED = 'Volume encryption types are not supported by this service: it has no key manager (Barbican) to create and keep volume keys.';
