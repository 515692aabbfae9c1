/**
 * Certificates for the TLS tests, made with the real `openssl` (and `keytool` where a test
 * wants a Java-made store) in the test's own temporary folder: a CA, leaf certificates for
 * servers, clients and satellites, PKCS#12 keystores and certificate-only truststores.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued {
  name: string;
  /** PEM files. */
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export const hasKeytool = (): boolean => spawnSync('keytool', ['-help'], { encoding: 'utf8' }).status === 0;

export class TestPki {
  readonly dir: string;
  readonly ca: Issued;
  private seq = 0;

  constructor(readonly caName = 'linstor-ts test CA') {
    this.dir = mkdtempSync(join(tmpdir(), 'linstor-pki-'));
    const certFile = join(this.dir, 'ca.pem');
    const keyFile = join(this.dir, 'ca.key');
    run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile,
      '-out', certFile, '-days', '2', '-subj', `/CN=${caName}`, '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], this.dir);
    this.ca = { name: 'ca', certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  }

  /** A leaf certificate signed by this CA, valid for localhost and 127.0.0.1 (and `ips`). */
  issue(name: string, opts: { ips?: string[]; encryptKeyWith?: string } = {}): Issued {
    const keyFile = join(this.dir, `${name}.key`);
    const csr = join(this.dir, `${name}.csr`);
    const certFile = join(this.dir, `${name}.pem`);
    const san = ['DNS:localhost', 'IP:127.0.0.1', ...(opts.ips ?? []).map((i) => `IP:${i}`)].join(',');
    run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', csr,
      '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`, '-addext', 'extendedKeyUsage=serverAuth,clientAuth'], this.dir);
    run('openssl', ['x509', '-req', '-in', csr, '-CA', this.ca.certFile, '-CAkey', this.ca.keyFile, '-CAcreateserial',
      '-days', '2', '-copy_extensions', 'copy', '-out', certFile], this.dir);
    if (opts.encryptKeyWith) {
      run('openssl', ['pkcs8', '-topk8', '-in', keyFile, '-out', `${keyFile}.enc`, '-passout', `pass:${opts.encryptKeyWith}`], this.dir);
      renameSync(`${keyFile}.enc`, keyFile);
    }
    return { name, certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  }

  /** A PKCS#12 keystore (key, certificate and the CA) as `openssl pkcs12 -export` makes it. */
  keystore(leaf: Issued, password: string, opts: { legacy?: boolean } = {}): string {
    const out = join(this.dir, `${leaf.name}-${++this.seq}${opts.legacy ? '-legacy' : ''}.p12`);
    run('openssl', ['pkcs12', '-export', ...(opts.legacy ? ['-legacy'] : []), '-in', leaf.certFile, '-inkey', leaf.keyFile,
      '-certfile', this.ca.certFile, '-name', leaf.name, '-out', out, '-passout', `pass:${password}`], this.dir);
    return out;
  }

  /** A certificate-only PKCS#12 truststore (`openssl pkcs12 -export -nokeys`). */
  truststore(certFiles: string[], password: string, name = 'truststore'): string {
    const bundle = join(this.dir, `${name}-${this.seq + 1}-bundle.pem`);
    writeFileSync(bundle, certFiles.map((f) => readFileSync(f, 'utf8')).join(''));
    const out = join(this.dir, `${name}-${++this.seq}.p12`);
    run('openssl', ['pkcs12', '-export', '-nokeys', '-in', bundle, '-out', out, '-passout', `pass:${password}`], this.dir);
    return out;
  }

  /** A PEM file holding the private key and the certificate, as linstor-client's --certfile. */
  combinedPem(leaf: Issued): string {
    const out = join(this.dir, `${leaf.name}-combined.pem`);
    writeFileSync(out, leaf.key + leaf.cert);
    return out;
  }

  /** keytool -genkeypair: a self-signed RSA key in a PKCS#12 keystore (Java's default store type). */
  keytoolKeystore(alias: string, password: string): string {
    const out = join(this.dir, `${alias}-keytool.p12`);
    run('keytool', ['-genkeypair', '-keyalg', 'rsa', '-keysize', '2048', '-keystore', out, '-storetype', 'pkcs12',
      '-storepass', password, '-keypass', password, '-alias', alias, '-validity', '2',
      '-ext', 'san=dns:localhost,ip:127.0.0.1', '-dname', `CN=${alias}, OU=test, O=linstor-ts`], this.dir);
    return out;
  }

  /** keytool -importcert: a truststore holding `pemFile` as a trusted certificate entry. */
  keytoolTruststore(pemFile: string, alias: string, password: string, store = join(this.dir, 'keytool-trust.p12')): string {
    run('keytool', ['-importcert', '-noprompt', '-file', pemFile, '-alias', alias, '-keystore', store, '-storetype', 'pkcs12', '-storepass', password], this.dir);
    return store;
  }

  /** keytool -exportcert: the certificate of a keytool keystore entry, as PEM. */
  keytoolExport(keystore: string, alias: string, password: string): string {
    const out = join(this.dir, `${alias}-export.pem`);
    run('keytool', ['-exportcert', '-rfc', '-keystore', keystore, '-storepass', password, '-alias', alias, '-file', out], this.dir);
    return out;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
