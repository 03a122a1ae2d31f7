/** The `models.fit-performance-gru` queue task (queue.ts): fits one service's GRU in a worker. */
import type { TaskHandler } from '../../../core/queue/types.js';
import type { ServiceFit } from './fit.js';
import { fitServicePayload, type GruServicePayload } from './queue.js';

const fitPerformanceGruService: TaskHandler<GruServicePayload, ServiceFit> = (payload) => fitServicePayload(payload);

export default fitPerformanceGruService;
