import { open, readdir, stat, statfs, unlink } from 'node:fs/promises';
import { ApiError } from '../../model/errors.js';
import type { ProviderKind } from '../../model/types.js';
import { BaseProvider } from './base-provider.js';
import { LoopInventory, waitDetached } from './loop-devices.js';
import { parseVolumeName, requireProp, type PoolCapacity, type ProviderContext, type ProviderVolume, type Support } from './provider.js';
import { claimIfEmpty, claimPoolFolder, checkedPoolFolder, pathInPool, refusedPool, requirePoolOwnership, type PoolOwner } from './pool-folder.js';

const SUFFIX = '.img';

/**
 * FILE: each volume is a fully allocated file `<FileDir>/<name>.img` attached to a loop device.
 * The steps (allocate, attach, grow, re-read size) are each safe to repeat after a crash.
 */
export class FileProvider extends BaseProvider<FileRow> {
  readonly kind: ProviderKind = 'FILE';
  protected readonly thin: boolean = false;
  /** The node's shared loop-device inventory when the reconciler gives one, else losetup every time. */
  protected readonly loops: LoopInventory;
  constructor(ctx: ProviderContext) {
    super(ctx);
    this.loops = ctx.loops ?? new LoopInventory(ctx.runner, false);
  }

  /** The pool's folder, re-checked here (FileDir rule, no clash with another pool of this node). */
  protected get dir(): string {
    if (this.ctx.refusal) throw refusedPool(this.pool.name, this.ctx.refusal);
    return checkedPoolFolder(this.pool.name, requireProp(this.ctx, 'FileDir', '/var/lib/linstor-pools/pool1'));
  }
  protected file(name: string): string {
    if (!parseVolumeName(name)) throw new ApiError('FAIL_INVLD_VLM_NR', `'${name}' is not a volume name of this pool.`);
    return pathInPool(this.dir, name + SUFFIX);
  }
  protected get owner(): PoolOwner { return { pool: this.pool.name, node: this.ctx.nodeName ?? '' }; }
  /** Marks the folder as this pool's before the first file is made in it. */
  protected claim(): Promise<void> {
    return claimPoolFolder(this.dir, this.owner).catch((e: NodeJS.ErrnoException) => { throw e instanceof ApiError ? e : this.dirError(e); });
  }
  /** Proof (the folder's marker) that the files there are this pool's, before anything is deleted. */
  protected requireOwned(): Promise<void> { return requirePoolOwnership(this.dir, this.owner); }

  async supported(): Promise<Support> {
    try {
      await this.ctx.runner.run(['losetup', '--version'], { quiet: true, timeoutMs: 10_000 });
      return { supported: true, reasons: [] };
    } catch {
      return { supported: false, reasons: ["'losetup' utility not found (util-linux)"] };
    }
  }

  async capacity(): Promise<PoolCapacity> {
    const s = await statfs(this.dir).catch((e: NodeJS.ErrnoException) => { throw this.dirError(e); });
    return {
      totalCapacityKib: Math.floor((s.blocks * s.bsize) / 1024),
      freeCapacityKib: Math.floor((s.bavail * s.bsize) / 1024),
    };
  }

  async listVolumes(): Promise<ProviderVolume[]> {
    const entries = await readdir(this.dir).catch((e: NodeJS.ErrnoException) => { throw this.dirError(e); });
    await claimIfEmpty(this.dir, this.owner, (e) => e.endsWith(SUFFIX));
    const loops = await this.loops.list(this.timeoutMs);
    // Backing file -> its first live loop device: one pass, not a search per file (5,000 volumes).
    const loopOf = new Map<string, (typeof loops)[number]>();
    for (const l of loops) if (!l.deleted && !loopOf.has(l.backFile)) loopOf.set(l.backFile, l);
    const byName = new Map<string, ProviderVolume>();
    for (const entry of entries) {
      if (!entry.endsWith(SUFFIX)) continue;
      const name = entry.slice(0, -SUFFIX.length);
      if (!parseVolumeName(name)) continue;
      const loop = loopOf.get(this.file(name));
      byName.set(name, { ...(await this.sizes(name)), devicePath: loop?.device });
    }
    // A loop device left on an unlinked file (crash between rm and detach) is still ours to clean.
    for (const l of loops) {
      if (!l.deleted || !l.backFile.startsWith(this.dir + '/') || !l.backFile.endsWith(SUFFIX)) continue;
      const name = l.backFile.slice(this.dir.length + 1, -SUFFIX.length);
      if (parseVolumeName(name) && !byName.has(name)) byName.set(name, { name, devicePath: l.device, allocatedSizeKib: 0, usableSizeKib: 0 });
    }
    return [...byName.values()];
  }

  protected async find(name: string): Promise<FileRow | undefined> {
    const s = await stat(this.file(name)).catch(() => undefined);
    return s ? { sizeKib: Math.floor(s.size / 1024) } : undefined;
  }

  protected async createEmpty(name: string, sizeKib: number): Promise<void> {
    const path = this.file(name);
    await this.claim();
    // 'wx' fails if a concurrent or earlier attempt created it meanwhile: then we just grow it.
    await open(path, 'wx').then((fh) => fh.close()).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw this.dirError(e);
    });
    await this.allocate(path, sizeKib);
  }

  protected sizeKibOf(row: FileRow): number { return row.sizeKib; }
  protected describe(name: string): string { return `file '${this.file(name)}'`; }

  /** A file left short by a crash grows first; attaching its loop device follows as for any volume. */
  protected override async growExisting(name: string, sizeKib: number): Promise<ProviderVolume> {
    await this.allocate(this.file(name), sizeKib);
    return this.activate(name);
  }

  /** Attaches the file to a loop device, or makes an attached one re-read the file's size. */
  protected async activate(name: string): Promise<ProviderVolume> {
    const path = this.file(name);
    // A device still attached to an earlier file of this name (removed behind our back) is stale.
    for (const l of await this.loops.list(this.timeoutMs)) {
      if (l.backFile === path && l.deleted) await this.loops.detach(l.device, this.timeoutMs);
    }
    let device = (await this.loops.devicesOf(path, this.timeoutMs))[0];
    if (!device) device = await this.loops.attach(path, this.timeoutMs);
    else await this.ctx.runner.run(['losetup', '-c', device], { timeoutMs: this.timeoutMs });
    await this.waitForDevice(device);
    return { ...(await this.sizes(name)), devicePath: device };
  }

  async resize(name: string, sizeKib: number): Promise<ProviderVolume> {
    const path = this.file(name);
    await this.allocate(path, sizeKib);
    const devices = await this.loops.devicesOf(path, this.timeoutMs);
    // `losetup -c` makes the kernel re-read the file size: the device grows while mounted.
    for (const d of devices) await this.ctx.runner.run(['losetup', '-c', d], { timeoutMs: this.timeoutMs });
    return { ...(await this.sizes(name)), devicePath: devices[0] };
  }

  async delete(name: string): Promise<void> {
    const path = this.file(name);
    await this.requireOwned();
    for (const l of await this.loops.list(this.timeoutMs)) {
      if (l.backFile === path) {
        await this.loops.detach(l.device, this.timeoutMs);
        await waitDetached(l.device, path);
      }
    }
    await unlink(path).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
  }

  async devicePath(name: string): Promise<string | undefined> {
    const path = this.file(name);
    if (!(await stat(path).catch(() => undefined))) return undefined;
    return (await this.loops.devicesOf(path, this.timeoutMs))[0];
  }

  /** Makes the file at least sizeKib long: fully allocated (thick) or sparse (thin). */
  protected async allocate(path: string, sizeKib: number): Promise<void> {
    const bytes = sizeKib * 1024;
    const current = await stat(path);
    if (current.size >= bytes) return;
    if (!this.thin) {
      const free = (await this.capacity()).freeCapacityKib;
      const needKib = Math.ceil((bytes - current.blocks * 512) / 1024);
      if (needKib > free) throw this.noSpace(sizeKib, free);
      await this.ctx.runner.run(['fallocate', '-l', String(bytes), path], { timeoutMs: this.timeoutMs });
    } else {
      const fh = await open(path, 'r+');
      try { await fh.truncate(bytes); } finally { await fh.close(); }
    }
  }

  protected async sizes(name: string): Promise<ProviderVolume> {
    const s = await stat(this.file(name));
    const usable = Math.floor(s.size / 1024);
    return { name, usableSizeKib: usable, allocatedSizeKib: this.thin ? Math.floor((s.blocks * 512) / 1024) : usable };
  }

  protected noSpace(sizeKib: number, freeKib: number): ApiError {
    return new ApiError('FAIL_NOT_ENOUGH_FREE_SPACE',
      `Not enough free space in storage pool '${this.pool.name}': ${sizeKib} KiB requested, ${freeKib} KiB free.`, {
        cause: `The filesystem holding ${this.dir} has ${freeKib} KiB free.`,
        correction: 'Free space in the pool, grow its filesystem or choose another storage pool.',
      });
  }

  protected dirError(e: NodeJS.ErrnoException): ApiError {
    return new ApiError('FAIL_STOR_POOL_CONFIGURATION_ERROR',
      `Directory '${this.ctx.pool.props['StorDriver/FileDir'] ?? ''}' of storage pool '${this.pool.name}' is not usable: ${e.code ?? e.message}.`, {
        cause: e.message,
        correction: 'Create the directory on the node (mkdir -p) or fix StorDriver/FileDir of the storage pool.',
      });
  }
}

interface FileRow { sizeKib: number }
