import { fencingSuite } from './fencing.js';

fencingSuite('mariadb');
