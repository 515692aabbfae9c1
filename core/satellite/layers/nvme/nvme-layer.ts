import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { ApiError } from '../../../model/errors.js';
import type { DesiredNodeState, DesiredResource } from '../../../model/satellite-protocol.js';
import type { LayerKind } from '../../../model/types.js';
import type { CommandRunner } from '../../../exec/index.js';
import type { Support } from '../../providers/provider.js';
import type { Layer, LayerApplyInput, LayerResult, LayerVolume } from '../layer.js';
import { devicesOf, nvmeCli, parseNvmeList } from './nvme-cli.js';
import { DEFAULT_NVME_PORT, NvmetConfigfs, nqnOf, serialOf, type NvmetOptions } from './nvmet-configfs.js';

/**
 * What the controller adds to a resource with the NVME layer (beside `NVMe/TRType` in its props):
 * the initiator needs the target's address; the target may be told which address to listen on.
 */
export interface NvmeDesired {
  targetAddress?: string;
  listenAddress?: string;
  port?: number;
}
export type NvmeResource = DesiredResource & { nvme?: NvmeDesired };

export const INITIATOR_FLAG = 'NVME_INITIATOR';
export const TRTYPES = ['tcp', 'rdma'] as const;

export interface NvmeLayerOptions extends NvmetOptions {
  runner: CommandRunner;
  log?: Logger;
  /** Seconds to wait for the namespaces to appear after `nvme connect`. */
  connectWaitMs?: number;
}

function trTypeOf(r: DesiredResource): string {
  const t = (r.props['NVMe/TRType'] ?? 'tcp').toLowerCase();
  if (!(TRTYPES as readonly string[]).includes(t)) {
    throw new ApiError('FAIL_INVLD_PROP', `Invalid value '${t}' for property 'NVMe/TRType'.`, { correction: `Use one of ${TRTYPES.join(', ')}.` });
  }
  return t;
}

/**
 * NVMe-oF: a target node exports the devices below it as one subsystem (one namespace per
 * volume, nsid = volume number + 1) through nvmet configfs; an initiator node (resource flag
 * NVME_INITIATOR) connects with nvme-cli and offers the remote namespaces as its devices.
 */
export class NvmeLayer implements Layer {
  readonly kind: LayerKind = 'NVME';
  readonly configfs: NvmetConfigfs;
  constructor(private readonly opts: NvmeLayerOptions) {
    this.configfs = new NvmetConfigfs(opts);
  }

  async supported(): Promise<Support> {
    try {
      await this.opts.runner.run(nvmeCli.version(), { quiet: true, timeoutMs: 10_000 });
      return { supported: true, reasons: [] };
    } catch {
      return { supported: false, reasons: ["'nvme' (nvme-cli) not found"] };
    }
  }

  async prepare({ resource }: { resource: DesiredResource }): Promise<void> {
    trTypeOf(resource);
    const n = (resource as NvmeResource).nvme;
    if (resource.flags.includes(INITIATOR_FLAG) && (!n?.targetAddress || !isIP(n.targetAddress))) {
      throw new ApiError('FAIL_INVLD_NET_ADDR', `NVMe initiator '${resource.name}' has no valid target address.`, {
        correction: 'Create the NVMe target resource (a diskful resource with the NVME layer) on another node first.',
      });
    }
  }

  async apply(input: LayerApplyInput): Promise<LayerResult> {
    const r = input.resource as NvmeResource;
    await this.prepare({ resource: r });
    return r.flags.includes(INITIATOR_FLAG) ? this.applyInitiator(r) : this.applyTarget(r, input.lower);
  }

  private async applyTarget(r: NvmeResource, lower: Map<number, LayerVolume>): Promise<LayerResult> {
    const namespaces = new Map<number, string>();
    const volumes = new Map<number, LayerVolume>();
    for (const v of r.volumes) {
      const below = lower.get(v.volumeNumber);
      if (!below?.devicePath) throw new ApiError('FAIL_UNKNOWN_ERROR', `NVMe target '${r.name}' volume ${v.volumeNumber} has no device below it.`, { correction: 'Check the storage pool of the volume.' });
      namespaces.set(v.volumeNumber + 1, below.devicePath);
      // The target's own device stays the one below: it exports, it does not use the namespace.
      volumes.set(v.volumeNumber, { ...below, backingDevice: below.devicePath });
    }
    const listen = r.nvme?.listenAddress ?? r.drbd?.address ?? '0.0.0.0';
    await this.configfs.exportResource({
      resource: r.name, namespaces, trType: trTypeOf(r), address: listen,
      port: r.nvme?.port ?? DEFAULT_NVME_PORT, adrfam: isIP(listen) === 6 ? 'ipv6' : 'ipv4',
    });
    this.opts.log?.info({ rsc: r.name, nqn: nqnOf(r.name) }, 'NVMe target exported');
    return { volumes };
  }

  private async connected(r: string): Promise<Map<number, { devicePath: string; sizeBytes?: number }>> {
    const res = await this.opts.runner.run(nvmeCli.list(), { quiet: true });
    return devicesOf(parseNvmeList(res.stdout), nqnOf(r), serialOf(r));
  }

  private async applyInitiator(r: NvmeResource): Promise<LayerResult> {
    const nqn = nqnOf(r.name);
    let devs = await this.connected(r.name);
    if (devs.size === 0) {
      await this.opts.runner.run(nvmeCli.connect(trTypeOf(r), r.nvme!.targetAddress!, r.nvme?.port ?? DEFAULT_NVME_PORT, nqn));
      const deadline = Date.now() + (this.opts.connectWaitMs ?? 10_000);
      do {
        devs = await this.connected(r.name);
        if (devs.size >= r.volumes.length) break;
        await new Promise((res) => setTimeout(res, 200));
      } while (Date.now() < deadline);
    }
    const volumes = new Map<number, LayerVolume>();
    for (const v of r.volumes) {
      const d = devs.get(v.volumeNumber + 1);
      volumes.set(v.volumeNumber, d
        ? { volumeNumber: v.volumeNumber, devicePath: d.devicePath, usableSizeKib: d.sizeBytes !== undefined ? Math.floor(d.sizeBytes / 1024) : undefined, diskState: 'UpToDate' }
        : { volumeNumber: v.volumeNumber, diskState: 'Failed' });
    }
    return { volumes };
  }

  async remove(resourceName: string, _state: DesiredNodeState): Promise<void> {
    if ((await this.connected(resourceName).catch(() => new Map())).size > 0) {
      await this.opts.runner.run(nvmeCli.disconnect(nqnOf(resourceName)));
    }
    await this.configfs.unexportResource(resourceName);
  }

  async listResources(): Promise<string[]> {
    return this.configfs.exportedResources();
  }
}
