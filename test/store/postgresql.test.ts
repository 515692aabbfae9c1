import pg from 'pg';
import { parseJdbcUrl } from '../../core/store/config.js';
import { storeContract } from './contract.js';

// Ends the leader's database session from outside, as the server does with an idle (stopped) one.
storeContract('postgresql', {
  async breakLease(_server, cfg) {
    const u = parseJdbcUrl(cfg.connectionUrl);
    const c = new pg.Client({ host: u.hosts[0]!.host, port: u.hosts[0]!.port, user: cfg.user, password: cfg.password, database: u.database });
    await c.connect();
    await c.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = 1::oid AND granted
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    await c.end();
  },
});
