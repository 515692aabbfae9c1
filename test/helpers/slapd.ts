/**
 * A real OpenLDAP server for the authentication tests: Debian's slapd, started on loopback
 * ports with a throw-away mdb database and a slapd.conf in the test's own folder (schemas
 * copied there too), ldap:// and ldaps:// (with a certificate of the test's CA).
 * Users: alice (employeeType storage-admin) and bob (no employeeType).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Issued } from './pki.js';

export const BASE = 'dc=example,dc=com';
export const USERS = { alice: 'alice-pw', bob: 'bob-pw' } as const;

export interface Slapd {
  ldapUri: string;
  ldapsUri: string;
  dir: string;
  stop(): Promise<void>;
}

const hasSlapd = (): boolean => spawnSync('slapd', ['-VV'], { encoding: 'utf8' }).error === undefined;
export const slapdAvailable = hasSlapd();

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

const LDIF = `dn: ${BASE}
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=users,${BASE}
objectClass: organizationalUnit
ou: users

dn: uid=alice,ou=users,${BASE}
objectClass: inetOrgPerson
uid: alice
cn: Alice
sn: Admin
employeeType: storage-admin
userPassword: ${USERS.alice}

dn: uid=bob,ou=users,${BASE}
objectClass: inetOrgPerson
uid: bob
cn: Bob
sn: Other
userPassword: ${USERS.bob}
`;

export async function startSlapd(tls: Issued): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'linstor-slapd-'));
  mkdirSync(join(dir, 'db'));
  for (const s of ['core', 'cosine', 'inetorgperson']) copyFileSync(`/etc/ldap/schema/${s}.schema`, join(dir, `${s}.schema`));
  const conf = join(dir, 'slapd.conf');
  writeFileSync(conf, [
    ...['core', 'cosine', 'inetorgperson'].map((s) => `include ${join(dir, `${s}.schema`)}`),
    'modulepath /usr/lib/ldap', 'moduleload back_mdb',
    `pidfile ${join(dir, 'slapd.pid')}`, `argsfile ${join(dir, 'slapd.args')}`,
    `TLSCertificateFile ${tls.certFile}`, `TLSCertificateKeyFile ${tls.keyFile}`,
    'database mdb', 'maxsize 10485760', `suffix "${BASE}"`, `rootdn "cn=admin,${BASE}"`, 'rootpw admin-pw', `directory ${join(dir, 'db')}`, '',
  ].join('\n'));
  writeFileSync(join(dir, 'data.ldif'), LDIF);
  const add = spawnSync('slapadd', ['-f', conf, '-l', join(dir, 'data.ldif')], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`slapadd failed: ${add.stderr}`);

  let proc: ChildProcess | undefined;
  let log = '';
  for (let attempt = 0; attempt < 10 && !proc; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 30000);
    const p = spawn('slapd', ['-f', conf, '-h', `ldap://127.0.0.1:${port}/ ldaps://127.0.0.1:${port + 1}/`, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
    p.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
    const exited = new Promise<boolean>((r) => p.once('exit', () => r(false)));
    const up = (async () => {
      for (let i = 0; i < 100; i++) {
        if (await portOpen(port) && await portOpen(port + 1)) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    })();
    if (await Promise.race([up, exited])) {
      proc = p;
      const stop = async (): Promise<void> => {
        if (p.exitCode === null && p.signalCode === null) {
          const gone = new Promise((r) => p.once('exit', r));
          p.kill('SIGTERM');
          await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
          if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
        }
        rmSync(dir, { recursive: true, force: true });
      };
      return { ldapUri: `ldap://127.0.0.1:${port}`, ldapsUri: `ldaps://127.0.0.1:${port + 1}`, dir, stop };
    }
    p.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`slapd did not start: ${log.slice(-2000)}`);
}
