import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { dbConfigFromToml, type DbConfig } from '../store/config.js';
import type { TlsFileSettings } from '../tls/material.js';

/** `[ldap]` exactly as LINSTOR's guide writes it (plus `trusted_ca` for a private LDAPS CA). */
export interface LdapConfig {
  enabled: boolean;
  allowPublicAccess: boolean;
  uri: string;
  /** `{user}` is replaced by the (escaped) user name. */
  dn: string;
  searchBase: string;
  searchFilter: string;
  trustedCa?: string;
}

/** Controller settings from `linstor.toml` in the config directory, as LINSTOR reads them. */
export interface ControllerConfig {
  configDirectory: string;
  /** `db.backupDirectory`: where database backups and exports go (`[db] backup_directory`). */
  db: DbConfig;
  /** `advertiseUrl`: how clients and standbys reach this controller's REST API (HA). */
  http: { enabled: boolean; port: number; listenAddr: string; advertiseUrl?: string };
  /** `enabled` defaults to true when a keystore (or PEM certificate) is given. */
  https: { enabled: boolean; port: number; listenAddr: string } & TlsFileSettings;
  ldap: LdapConfig;
  /** The controller's own keystore/truststore for SSL satellite links (`[netcom]`, as the satellite's). */
  netcom: TlsFileSettings & { sslProtocol?: string };
  encrypt: { passphrase?: string };
  /** `sosDirectory`: where `linstor sos-report create` leaves its archives (`[logging] sos_directory`). */
  logging: { level: string; sosDirectory: string };
}

type Toml = Record<string, Record<string, unknown> | undefined>;

/** LINSTOR's defaults for the controller's SSL connector: ssl/keystore.jks, ssl/certificates.jks, password "linstor". */
export const DEFAULT_NETCOM_TLS: TlsFileSettings = {
  keystore: 'ssl/keystore.jks', keystorePassword: 'linstor', keyPassword: 'linstor',
  truststore: 'ssl/certificates.jks', truststorePassword: 'linstor',
};

export function tlsSettings(sec: Record<string, unknown> | undefined, keys: { keystore: string; truststore: string }): TlsFileSettings {
  const str = (k: string): string | undefined => (typeof sec?.[k] === 'string' && sec[k] !== '' ? String(sec[k]) : undefined);
  const out: TlsFileSettings = {
    keystore: str(keys.keystore), keystorePassword: str('keystore_password'), keyPassword: str('key_password'),
    truststore: str(keys.truststore), truststorePassword: str('truststore_password'),
    certificate: str('certificate'), privateKey: str('private_key'), trustedCa: str('trusted_ca'),
  };
  for (const k of Object.keys(out) as Array<keyof TlsFileSettings>) if (out[k] === undefined) delete out[k];
  return out;
}

export function loadControllerConfig(configDirectory = '/etc/linstor'): ControllerConfig {
  const file = join(configDirectory, 'linstor.toml');
  const t = (existsSync(file) ? parse(readFileSync(file, 'utf8')) : {}) as Toml;
  const s = (sec: string, key: string): unknown => t[sec]?.[key];
  const httpsTls = tlsSettings(t.https, { keystore: 'keystore', truststore: 'truststore' });
  const hasHttpsIdentity = httpsTls.keystore !== undefined || httpsTls.certificate !== undefined;
  const netcom = tlsSettings(t.netcom, { keystore: 'server_certificate', truststore: 'trusted_certificates' });
  // LINSTOR's defaults fill in only the side (own identity, trust) the section leaves unset.
  const ownIdentity = netcom.keystore !== undefined || netcom.certificate !== undefined;
  const ownTrust = netcom.truststore !== undefined || netcom.trustedCa !== undefined;
  const netcomDefaults: TlsFileSettings = {
    ...(ownIdentity ? {} : { keystore: DEFAULT_NETCOM_TLS.keystore, keystorePassword: 'linstor', keyPassword: 'linstor' }),
    ...(ownTrust ? {} : { truststore: DEFAULT_NETCOM_TLS.truststore, truststorePassword: 'linstor' }),
  };
  return {
    configDirectory,
    db: dbConfigFromToml(t.db),
    // Without a listen_addr the REST API stays on this machine: an open API lets anyone redirect satellites.
    http: {
      enabled: s('http', 'enabled') !== false, port: Number(s('http', 'port') ?? 3370), listenAddr: String(s('http', 'listen_addr') ?? '127.0.0.1'),
      ...(typeof s('http', 'advertise_url') === 'string' ? { advertiseUrl: String(s('http', 'advertise_url')) } : {}),
    },
    https: {
      enabled: hasHttpsIdentity && s('https', 'enabled') !== false,
      port: Number(s('https', 'port') ?? 3371),
      listenAddr: String(s('https', 'listen_addr') ?? '::'),
      ...httpsTls,
    },
    ldap: {
      enabled: s('ldap', 'enabled') === true,
      allowPublicAccess: s('ldap', 'allow_public_access') === true,
      uri: String(s('ldap', 'uri') ?? ''),
      dn: String(s('ldap', 'dn') ?? 'uid={user}'),
      searchBase: String(s('ldap', 'search_base') ?? ''),
      searchFilter: String(s('ldap', 'search_filter') ?? ''),
      ...(typeof s('ldap', 'trusted_ca') === 'string' ? { trustedCa: String(s('ldap', 'trusted_ca')) } : {}),
    },
    netcom: { ...netcomDefaults, ...netcom, ...(typeof s('netcom', 'ssl_protocol') === 'string' ? { sslProtocol: String(s('netcom', 'ssl_protocol')) } : {}) },
    encrypt: { passphrase: (s('encrypt', 'passphrase') as string | undefined) ?? process.env.MASTER_PASSPHRASE },
    // LINSTOR's guide writes levels in capitals (level = "DEBUG"); pino knows them in lower case.
    logging: {
      level: String(s('logging', 'level') ?? process.env.LINSTOR_LOG_LEVEL ?? 'info').toLowerCase(),
      sosDirectory: String(s('logging', 'sos_directory') ?? '/var/log/linstor-controller'),
    },
  };
}
