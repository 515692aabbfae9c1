/**
 * A real OpenSSH server for the driver tests: listens on 127.0.0.1-3 at a non-standard port,
 * with a generated host key (written to a known_hosts file) and a generated client key.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestSshd { port: number; dir: string; clientKey: string; knownHosts: string; proc: ChildProcess; env: Record<string, string>; stop(): Promise<void> }

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

const canConnect = (host: string, port: number): Promise<boolean> => new Promise((res) => {
  const s = connect({ host, port }, () => { s.destroy(); res(true); });
  s.on('error', () => res(false));
});

export async function startSshd(addresses = ['127.0.0.1', '127.0.0.2', '127.0.0.3']): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'one-sshd-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'id_ed25519'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')));
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `${addresses.map((a) => `[${a}]:${port}`).join(',')} ${hostPub}\n`);
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`, ...addresses.map((a) => `ListenAddress ${a}`), `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'PermitRootLogin yes', 'StrictModes no', 'UsePAM no', `PidFile ${join(dir, 'sshd.pid')}`, 'Subsystem sftp internal-sftp', 'LogLevel ERROR',
  ].join('\n') + '\n');
  mkdirSync('/run/sshd', { recursive: true });
  const proc = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  const end = Date.now() + 10_000;
  while (!(await canConnect(addresses[0]!, port))) {
    if (proc.exitCode !== null || Date.now() > end) throw new Error(`sshd did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port, dir, proc, clientKey: join(dir, 'id_ed25519'), knownHosts: join(dir, 'known_hosts'),
    env: { ONE_LINSTOR_SSH_PORT: String(port), ONE_LINSTOR_SSH_KEY: join(dir, 'id_ed25519'), ONE_LINSTOR_KNOWN_HOSTS: join(dir, 'known_hosts'), ONE_LINSTOR_SSH_USER: 'root' },
    async stop() {
      if (proc.exitCode === null) { const ex = new Promise((r) => proc.once('exit', r)); proc.kill('SIGTERM'); await ex; }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
