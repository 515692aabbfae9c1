#!/usr/bin/env node
/**
 * `linstor-database`, as in LINSTOR's guide (stop every controller first):
 *   linstor-database export-db [--config-directory DIR] FILE        (FILE.gz: compressed)
 *   linstor-database import-db [--config-directory DIR] [--force] FILE
 * The database is the one `[db]` in DIR/linstor.toml names (default /etc/linstor). An export
 * imports into any backend; an older export (or a SQLite copy from `controller backup db`)
 * is migrated on import. Import refuses a non-empty database unless --force.
 */
import { parseArgs } from 'node:util';
import { loadControllerConfig } from '../controller/config.js';
import { CONTROLLER_VERSION } from '../controller/errors/reporter.js';
import { exportDocument, importDocument, readExport, writeExport } from '../store/export.js';
import { openStore } from '../store/open.js';

const USAGE = `usage: linstor-database export-db [-c DIR] FILE
       linstor-database import-db [-c DIR] [--force] FILE
  -c, --config-directory DIR   directory of linstor.toml (default /etc/linstor)
      --force                  import-db: replace the contents of a non-empty database
`;

function fail(message: string, code = 1): never {
  process.stderr.write(`linstor-database: ${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      'config-directory': { type: 'string', short: 'c', default: '/etc/linstor' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (e) {
  fail(`${(e as Error).message}\n${USAGE}`, 2);
}
const { values, positionals } = parsed;
if (values.help) { process.stdout.write(USAGE); process.exit(0); }
const [command, file, ...extra] = positionals;
if (!command || !file || extra.length || !['export-db', 'import-db'].includes(command)) fail(USAGE.trimEnd(), 2);

const config = loadControllerConfig(values['config-directory']);
let store;
try {
  store = await openStore(config.db);
} catch (e) {
  fail(`cannot open the database ${config.db.connectionUrl}: ${(e as Error).message}`);
}
try {
  if (command === 'export-db') {
    const doc = await exportDocument(store, `linstor-database ${CONTROLLER_VERSION}`);
    writeExport(file, doc);
    const rows = Object.values(doc.tables).reduce((n, t) => n + t.length, 0);
    process.stdout.write(`Exported ${rows} rows (schema version ${doc.schema_version}, ${store.kind}) to ${file}\n`);
  } else {
    const doc = readExport(file);
    const r = await importDocument(store, doc, { force: values.force });
    const migrated = r.migrated.length ? `; migrated from schema version ${doc.schema_version} through ${r.migrated.join(', ')}` : '';
    process.stdout.write(`Imported ${r.rows} rows into ${store.kind} (${config.db.connectionUrl})${migrated}\n`);
  }
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  const msg = err.code === 'EEXIST' ? `${file} already exists; exports never overwrite a file` : err.code === 'ENOENT' ? `${file}: no such file` : err.message;
  await store.close().catch(() => undefined);
  fail(msg);
}
await store.close();
