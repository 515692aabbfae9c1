import { fencingSuite } from './fencing.js';

fencingSuite('etcd');
