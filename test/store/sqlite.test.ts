import { storeContract } from './contract.js';

storeContract('sqlite');
