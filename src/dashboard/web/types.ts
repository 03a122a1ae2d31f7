export type * from '../../contracts/dashboard.js';
