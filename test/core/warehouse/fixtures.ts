import type { TableSpec } from '../../../src/core/warehouse/index.js';

/** A small keyed table both warehouse test files create. */
export const metrics = (name: string): TableSpec => ({
  name,
  columns: [
    { name: 'id', type: 'text' },
    { name: 'value', type: 'double' },
    { name: 'count', type: 'integer' },
  ],
  key: ['id'],
});
