/** A LINSTOR cluster, an sshd and the oned CLI stand-ins, set up the way the driver tests need them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomSuffix } from '../helpers/satellite.js';
import { call, startCluster, type Cluster } from '../e2e/cluster.js';
import { b64, datastoreXml, drvAction, FakeOneCli, imageXml, runDriver, TEST_OUTBOX_DIR, type DriverRun, type ImageFields } from './one-env.js';
import { startSshd, type TestSshd } from './sshd.js';

export interface OneWorld {
  cluster: Cluster; sshd: TestSshd; cli: FakeOneCli; work: string; env: Record<string, string>;
  rg: string; dsTemplate: Record<string, string>; DS: number; SYS_DS: number;
  ds(action: string, imageId: number, image?: ImageFields): Promise<DriverRun>;
  tm(action: string, argv: string[], stdin?: string): Promise<DriverRun>;
  teardown(): Promise<void>;
}

/** Resource group with place count 3 and layer list STORAGE: every node holds each image (no DRBD here). */
export async function startOneWorld(DS = 150, SYS_DS = 0): Promise<OneWorld> {
  const cluster = await startCluster(3);
  const sshd = await startSshd();
  const cli = new FakeOneCli();
  const work = mkdtempSync(join(tmpdir(), 'one-flows-'));
  const rg = `onerg${randomSuffix()}`;
  await call(cluster.ctl, 'POST', '/v1/resource-groups', { name: rg, select_filter: { place_count: 3, storage_pool: cluster.pool, layer_stack: ['STORAGE'] } });
  await call(cluster.ctl, 'POST', `/v1/resource-groups/${rg}/volume-groups`, {});
  const dsTemplate = { LINSTOR_RESOURCE_GROUP: rg, LINSTOR_CONTROLLERS: cluster.ctl.url.replace('http://', ''), BRIDGE_LIST: cluster.nodes.slice(0, 2).map((n) => n.name).join(' ') };
  cli.setDatastore(DS, datastoreXml(DS, dsTemplate));
  cli.setDatastore(SYS_DS, datastoreXml(SYS_DS, dsTemplate, 1));
  const env = { ...sshd.env, ...cli.env };
  return {
    cluster, sshd, cli, work, env, rg, dsTemplate, DS, SYS_DS,
    ds: (action, imageId, image) => runDriver('datastore', action, [String(imageId)], { stdin: b64(drvAction(datastoreXml(DS, dsTemplate), image ? imageXml(image, DS) : undefined)), env }),
    tm: (action, argv, stdin) => runDriver('tm', action, argv, { env, stdin }),
    async teardown() {
      await cluster.teardown();
      await sshd.stop();
      cli.cleanup();
      rmSync(work, { recursive: true, force: true });
      rmSync(TEST_OUTBOX_DIR, { recursive: true, force: true });
    },
  };
}
