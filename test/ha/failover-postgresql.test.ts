import { failoverSuite } from './failover.js';

failoverSuite('postgresql');
