import type { ControllerContext, SatelliteLinks } from '../context.js';

/** Placeholder until the satellite link lands: nodes stay OFFLINE. */
export function createSatelliteLinks(_ctx: ControllerContext): SatelliteLinks {
  return {
    connect() {},
    disconnect() {},
    async waitApplied() {},
  };
}
