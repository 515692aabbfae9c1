import { Etcd3 } from 'etcd3';
import { parseEtcdUrl } from '../../core/store/config.js';
import { storeContract } from './contract.js';

// Removes the leader key from outside, as etcd does when the leader's lease expires.
storeContract('etcd', {
  async breakLease(_server, cfg) {
    const c = new Etcd3({ hosts: parseEtcdUrl(cfg.connectionUrl, false) });
    await c.delete().key(`${cfg.etcd.prefix}_meta/leader`);
    c.close();
  },
});
