import { failoverSuite } from './failover.js';

failoverSuite('etcd');
