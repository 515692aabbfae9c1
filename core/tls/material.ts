/**
 * One way to turn the TLS settings of every listener (REST HTTPS, satellite links, clients)
 * into Node TLS options: a PKCS#12 keystore/truststore as LINSTOR's guide configures them,
 * or PEM files for people without Java tools. Relative paths are resolved against the
 * config directory, as LINSTOR resolves `ssl/keystore.jks`.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { SecureVersion } from 'node:tls';
import { TlsConfigError, orderChain, readPkcs12 } from './pkcs12.js';

export { TlsConfigError } from './pkcs12.js';

export interface TlsFileSettings {
  /** PKCS#12 holding this side's private key and certificate (chain). */
  keystore?: string;
  keystorePassword?: string;
  /** Password of the key entry when it differs from the keystore's. */
  keyPassword?: string;
  /** PKCS#12 whose certificates are trusted (CAs, or the peers' own self-signed certificates). */
  truststore?: string;
  truststorePassword?: string;
  /** PEM alternatives: certificate chain, private key, trusted CA bundle. */
  certificate?: string;
  privateKey?: string;
  trustedCa?: string;
}

export interface TlsIdentity {
  /** PKCS#8 PEM, unencrypted in memory only. */
  key: string;
  /** Leaf first, then its chain. */
  cert: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

function resolvePath(p: string, baseDir: string): string {
  return isAbsolute(p) ? p : join(baseDir, p);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new TlsConfigError(`${what}: cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function pemBlocks(text: string): Array<{ label: string; text: string }> {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, text: `${m[0]}\n` }));
}

function decryptKey(keyPem: string, passphrase: string | undefined, what: string): string {
  try {
    return createPrivateKey({ key: keyPem, passphrase: passphrase ?? '' }).export({ type: 'pkcs8', format: 'pem' }) as string;
  } catch (e) {
    throw new TlsConfigError(`${what}: cannot read the private key (${(e as Error).message}); check the key and its password`);
  }
}

function checkCerts(certs: string[], path: string, what: string): void {
  if (!certs.length) throw new TlsConfigError(`${what}: '${path}' holds no certificate`);
  for (const c of certs) {
    try {
      new X509Certificate(c);
    } catch (e) {
      throw new TlsConfigError(`${what}: '${path}' holds a certificate Node cannot read (${(e as Error).message})`);
    }
  }
}

/** This side's key and certificate, or undefined when neither a keystore nor a PEM certificate is set. */
export function loadIdentity(s: TlsFileSettings, baseDir: string, what: string): TlsIdentity | undefined {
  if (s.keystore) {
    const path = resolvePath(s.keystore, baseDir);
    const p12 = readPkcs12(path, [s.keystorePassword, s.keyPassword], what);
    if (!p12.keys.length) throw new TlsConfigError(`${what}: '${path}' holds no private key (a keystore needs the key and its certificate)`);
    checkCerts(p12.certs, path, what);
    const key = p12.keys[0]!;
    return { key, cert: orderChain(key, p12.certs).join('') };
  }
  if (s.certificate) {
    const certPath = resolvePath(s.certificate, baseDir);
    const blocks = pemBlocks(readText(certPath, what));
    const certs = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.text);
    checkCerts(certs, certPath, what);
    // A private_key file, or the key inside the certificate file (as linstor-client's --certfile).
    const keyBlocks = s.privateKey ? pemBlocks(readText(resolvePath(s.privateKey, baseDir), what)) : blocks;
    const keyBlock = keyBlocks.find((b) => /PRIVATE KEY$/.test(b.label));
    if (!keyBlock) throw new TlsConfigError(`${what}: no private key found (set the private key file)`);
    const key = decryptKey(keyBlock.text, s.keyPassword, what);
    return { key, cert: orderChain(key, certs).join('') };
  }
  return undefined;
}

/** The trusted certificates, or undefined when no truststore is configured. */
export function loadTrust(s: TlsFileSettings, baseDir: string, what: string): string[] | undefined {
  if (s.truststore) {
    const path = resolvePath(s.truststore, baseDir);
    const p12 = readPkcs12(path, [s.truststorePassword], what);
    checkCerts(p12.certs, path, what);
    return p12.certs;
  }
  if (s.trustedCa) {
    const path = resolvePath(s.trustedCa, baseDir);
    const certs = pemBlocks(readText(path, what)).filter((b) => b.label === 'CERTIFICATE').map((b) => b.text);
    checkCerts(certs, path, what);
    return certs;
  }
  return undefined;
}

/**
 * LINSTOR's `ssl_protocol` ("TLSv1.2" in the guide) as the lowest version accepted. Older
 * names are raised to TLSv1.2, the lowest this runtime still considers safe.
 */
export function minTlsVersion(sslProtocol: string | undefined, what: string): SecureVersion {
  const p = (sslProtocol ?? 'TLSv1.2').trim().toUpperCase();
  if (p === 'TLSV1.3') return 'TLSv1.3';
  if (['TLS', 'SSL', 'TLSV1', 'TLSV1.1', 'TLSV1.2', ''].includes(p)) return 'TLSv1.2';
  throw new TlsConfigError(`${what}: ssl_protocol '${sslProtocol}' is not known (use TLSv1.2 or TLSv1.3)`);
}
