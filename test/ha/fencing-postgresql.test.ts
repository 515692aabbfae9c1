import { fencingSuite } from './fencing.js';

fencingSuite('postgresql');
