/**
 * A client's own TLS and login settings. Each LinstorClient gets an agent of its own built
 * from these (never the process-wide one), so two Proxmox storages, or a CSI plugin and a
 * test, with different certificates work side by side in one process.
 */
import { readFileSync } from 'node:fs';

export interface ClientTls {
  /** PEM trusted CA(s); without it the system's CAs are used. */
  ca?: string | string[];
  /** PEM client certificate (chain) and key, for controllers that require client certificates. */
  cert?: string;
  key?: string;
  /** false skips verifying the controller's certificate (linstor-csi --linstor-skip-tls-verification). */
  rejectUnauthorized?: boolean;
}

export interface ClientAuth {
  user: string;
  password: string;
}

/** The options linstor-client takes as file names: --certfile (may hold the key too), --keyfile, --cafile. */
export interface ClientTlsFiles { certfile?: string; keyfile?: string; cafile?: string }

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Reads the PEM files named by linstor-client's options; undefined when none is given. */
export function clientTlsFromFiles(f: ClientTlsFiles): ClientTls | undefined {
  if (!f.certfile && !f.keyfile && !f.cafile) return undefined;
  const out: ClientTls = {};
  if (f.cafile) out.ca = read(f.cafile, '--cafile');
  if (f.certfile) {
    const text = read(f.certfile, '--certfile');
    out.cert = text;
    // As Python's load_cert_chain(certfile, keyfile=None): the key may sit in the certificate file.
    out.key = f.keyfile ? read(f.keyfile, '--keyfile') : text;
    if (!/PRIVATE KEY-----/.test(out.key)) throw new Error(`--certfile '${f.certfile}' holds no private key; give --keyfile`);
  } else if (f.keyfile) {
    throw new Error('--keyfile needs --certfile');
  }
  return out;
}
