import mysql from 'mysql2/promise';
import { parseJdbcUrl } from '../../core/store/config.js';
import { storeContract } from './contract.js';

// Ends the leader's database session from outside, as wait_timeout does with an idle (stopped) one.
storeContract('mariadb', {
  async breakLease(_server, cfg) {
    const u = parseJdbcUrl(cfg.connectionUrl);
    const c = await mysql.createConnection({ host: u.hosts[0]!.host, port: u.hosts[0]!.port, user: cfg.user, password: cfg.password });
    const [r] = await c.query('SELECT IS_USED_LOCK(?) AS id', [`linstor:${u.database}:active`]);
    const id = (r as Array<{ id: number | null }>)[0]?.id;
    if (id !== null && id !== undefined) await c.query(`KILL CONNECTION ${Number(id)}`);
    await c.end();
  },
});
