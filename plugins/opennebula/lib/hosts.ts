/**
 * How the driver reaches hosts and storage nodes: over SSH (ssh2) with the frontend's key,
 * host keys checked against known_hosts. A host that is also a LINSTOR node is reached at
 * the address LINSTOR has for it, so ONE host names and LINSTOR node names can be the same.
 * Settings (environment, or remotes/etc/linstor.conf via the launcher): ONE_LINSTOR_SSH_PORT,
 * ONE_LINSTOR_SSH_USER, ONE_LINSTOR_SSH_KEY, ONE_LINSTOR_KNOWN_HOSTS.
 */
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { LinstorClient } from '../../../core/client/index.js';
import { SshRunner } from '../remote/ssh-runner.js';

export interface SshSettings { port: number; username: string; privateKeyPath: string; knownHostsPath: string }

export function sshSettings(env: NodeJS.ProcessEnv = process.env): SshSettings {
  const home = homedir();
  const key = env.ONE_LINSTOR_SSH_KEY
    ?? ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((k) => join(home, '.ssh', k)).find((p) => existsSync(p))
    ?? join(home, '.ssh', 'id_rsa');
  return {
    port: Number(env.ONE_LINSTOR_SSH_PORT ?? 22),
    username: env.ONE_LINSTOR_SSH_USER ?? userInfo().username,
    privateKeyPath: key,
    knownHostsPath: env.ONE_LINSTOR_KNOWN_HOSTS ?? join(home, '.ssh', 'known_hosts'),
  };
}

export class Hosts {
  private readonly runners = new Map<string, SshRunner>();
  constructor(private readonly client: LinstorClient, private readonly settings: SshSettings = sshSettings()) {}

  /** The address to SSH to: the LINSTOR node's default interface, else the host name itself. */
  async address(host: string): Promise<string> {
    try {
      const node = await this.client.nodes.get(host);
      const nif = node.net_interfaces?.find((n) => n.is_active) ?? node.net_interfaces?.find((n) => n.name === 'default') ?? node.net_interfaces?.[0];
      if (nif?.address) return nif.address;
    } catch { /* not a LINSTOR node: use the name */ }
    return host;
  }

  async runner(host: string): Promise<SshRunner> {
    let r = this.runners.get(host);
    if (!r) {
      const address = await this.address(host);
      r = new SshRunner({ host: address, label: host, ...this.settings });
      this.runners.set(host, r);
    }
    return r;
  }

  closeAll(): void {
    for (const r of this.runners.values()) r.close();
    this.runners.clear();
  }
}
