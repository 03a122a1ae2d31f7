/** The `models.fit-forecasters` queue task (fit-chunk.ts): fits one chunk of a fleet bundle in a worker. */
import type { TaskHandler } from '../../core/queue/types.js';
import { type FitChunk, fitChunk } from './fit-chunk.js';
import type { ForecasterParams } from './types.js';

const fitForecasters: TaskHandler<FitChunk, Record<string, ForecasterParams>> = (payload) => fitChunk(payload);

export default fitForecasters;
