import { TABLES } from './store.js';

/**
 * Schema migrations, applied in order and recorded in `schema_version`. Add a new entry
 * to change the schema; never edit one that has shipped.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'one key/value table per object kind',
    sql: TABLES.slice(0, 13).map((t) => `CREATE TABLE IF NOT EXISTS ${t} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`),
  },
  {
    version: 2,
    description: 'encrypted secrets (volume keys, passphrase check data)',
    sql: ['CREATE TABLE IF NOT EXISTS secrets (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)'],
  },
];
