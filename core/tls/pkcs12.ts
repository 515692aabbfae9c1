/**
 * Reads PKCS#12 key and trust stores as `keytool` and `openssl pkcs12` make them (modern
 * PBES2/AES and legacy 3DES/RC2, with or without a private key) into PEM for Node's TLS.
 * Node's own `pfx` option cannot read a certificate-only truststore, so node-forge parses
 * the container and Node's crypto handles the keys and certificates themselves.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import forge from 'node-forge';

export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

export interface Pkcs12Contents {
  /** PKCS#8 PEM private keys. */
  keys: string[];
  /** PEM certificates in file order. */
  certs: string[];
}

const JKS_MAGIC = 0xfeedfeed;

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function derOf(node: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

/** Parses `path` with the first password that opens it; `what` names the setting in errors. */
export function readPkcs12(path: string, passwords: Array<string | undefined>, what: string): Pkcs12Contents {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw new TlsConfigError(`${what}: cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (data.length >= 4 && data.readUInt32BE(0) === JKS_MAGIC) {
    throw new TlsConfigError(`${what}: '${path}' is a JKS keystore; convert it to PKCS#12 with `
      + `keytool -importkeystore -srckeystore ${path} -destkeystore ${path}.p12 -deststoretype pkcs12`);
  }
  const tried = [...new Set(passwords.map((p) => p ?? ''))];
  let lastError = '';
  for (const password of tried) {
    try {
      const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(data.toString('binary')), false, password);
      const keys: string[] = [];
      const certs: string[] = [];
      for (const safe of p12.safeContents) {
        for (const bag of safe.safeBags) {
          if (bag.type === forge.pki.oids.certBag) {
            const asn = (bag as { asn1?: forge.asn1.Asn1 }).asn1 ?? (bag.cert ? forge.pki.certificateToAsn1(bag.cert) : undefined);
            if (asn) certs.push(pem('CERTIFICATE', derOf(asn)));
          } else if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
            // forge knows RSA only; other key types arrive as the PrivateKeyInfo ASN.1 itself.
            const info = (bag as { asn1?: forge.asn1.Asn1 }).asn1
              ?? (bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey)) : undefined);
            if (info) keys.push(pem('PRIVATE KEY', derOf(info)));
          }
        }
      }
      return { keys, certs };
    } catch (e) {
      lastError = (e as Error).message;
    }
  }
  throw new TlsConfigError(`${what}: cannot open '${path}' as PKCS#12 (${lastError}); check the file and its password`);
}

/** The certificate (of `certs`) whose public key belongs to `keyPem`, first; the rest follow as the chain. */
export function orderChain(keyPem: string, certs: string[]): string[] {
  const pub = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  const i = certs.findIndex((c) => new X509Certificate(c).publicKey.export({ type: 'spki', format: 'der' }).equals(pub));
  if (i < 0) return certs;
  return [certs[i]!, ...certs.filter((_, j) => j !== i)];
}
