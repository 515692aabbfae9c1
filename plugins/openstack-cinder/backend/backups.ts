/**
 * Cinder backups on LINSTOR backups: each Cinder backup is one LINSTOR backup of the volume's
 * resource definition to the configured S3 remote (`[backup] remote`), its snapshot named
 * `cinder-backup-<id>`. Restores go through LINSTOR's `backup restore` into a new resource.
 */
import type { LinstorClient } from '../../../core/client/index.js';
import { seg } from '../../../core/client/http.js';

interface Listed { id: string; origin_rsc: string; origin_snap: string; origin_node?: string; success: boolean; shipping: boolean; based_on_id?: string }

export class BackupBackend {
  constructor(private readonly client: LinstorClient, private readonly remote: string) {}

  private path(rest = ''): string { return `/v1/remotes/${seg(this.remote)}/backups${rest}`; }

  async list(resource: string): Promise<Listed[]> {
    const r = await this.client.transport.get<{ linstor?: Listed[] }>(this.path(), { rsc_name: resource });
    return r.linstor ?? [];
  }

  /** Starts the backup and waits until it is listed complete (or its transfer is gone without completing). */
  async create(resource: string, snapName: string, incremental: boolean, timeoutMs: number): Promise<Listed> {
    await this.client.transport.post(this.path(), { rsc_name: resource, snap_name: snapName, incremental });
    const end = Date.now() + timeoutMs;
    for (;;) {
      const mine = (await this.list(resource)).filter((b) => b.origin_snap === snapName);
      const done = mine.find((b) => b.success && !b.shipping);
      if (done) return done;
      if (!mine.length) throw new Error(`The backup of ${resource} did not complete (see the LINSTOR controller's log).`);
      if (Date.now() > end) throw new Error(`The backup of ${resource} did not complete within ${timeoutMs} ms.`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async restore(linstorId: string, target: string, node: string, group: string): Promise<void> {
    await this.client.transport.post(this.path('/restore'), { last_backup: linstorId, target_rsc_name: target, node_name: node, dst_rsc_grp: group });
  }

  async delete(linstorId: string): Promise<void> {
    await this.client.transport.delete(this.path(), { id: linstorId });
  }
}
