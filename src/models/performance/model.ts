/**
 * The fleet-level performance model: one `ServiceModelParams` per service, serialisable as plain
 * JSON (the `performance` flavor's weights file) and validated when read back.
 */
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';
import { aggregateDuplicates, groupByServiceLevel, summarizeLevels, userLevels } from '../data/aggregate.js';
import type { LoadStepRow } from '../data/types.js';
import {
  fitServiceModel,
  type PerformanceInput,
  type PerformanceOutput,
  predictService,
  type ServiceModelParams,
} from './service-model.js';

export const PERFORMANCE_PARAMS_KIND = 'fleetcast.performance/v1';

const finite = z.number().refine(Number.isFinite, 'must be finite');
const ServiceParamsSchema = z
  .object({
    service: z.string().min(1),
    users: z.array(finite).min(1),
    responseTime: z.array(finite).min(1),
    throughputPerUser: z.array(finite).min(1),
    cpu: z.array(finite).min(1),
    replicas: z.array(finite).optional(),
    cpuRequest: finite.optional(),
    neighbours: z.object({ responseTime: z.number().int(), throughput: z.number().int(), cpu: z.number().int() }),
    cpuLaw: z.object({ intercept: finite, perReplica: finite, demand: finite }),
    saturation: z
      .object({ fromUsers: finite, throughput: finite.nonnegative(), responseTimeSlope: finite.nonnegative() })
      .optional(),
  })
  .refine(
    (p) =>
      [p.responseTime, p.throughputPerUser, p.cpu, ...(p.replicas ? [p.replicas] : [])].every(
        (a) => a.length === p.users.length,
      ),
    'every per-level array must have one value per user level',
  );

export const PerformanceParamsSchema = z.object({
  kind: z.literal(PERFORMANCE_PARAMS_KIND),
  bucketSeconds: z.number().positive(),
  trainingLevels: z.array(finite),
  services: z.array(ServiceParamsSchema).min(1),
});
export type PerformanceParams = z.infer<typeof PerformanceParamsSchema>;

export interface PerformanceFitOptions {
  /** Timestamp rounding bucket for merging duplicate polls (seconds; the kpp polls are 60 s apart). */
  bucketSeconds?: number;
  /** Names the data in errors. */
  source?: string;
  /** Called after each service is fitted (progress reporting). */
  onService?: (service: string, done: number, total: number) => void;
}

export class PerformanceModel {
  private readonly byService: Map<string, ServiceModelParams>;

  constructor(readonly params: PerformanceParams) {
    this.byService = new Map(params.services.map((s) => [s.service, s]));
  }

  get services(): string[] {
    return [...this.byService.keys()];
  }

  predict(inputs: readonly PerformanceInput[]): PerformanceOutput[] {
    return inputs.map((input) => {
      const service = this.byService.get(input.service);
      if (!service) {
        throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `the model has no service "${input.service}"`, {
          hint: `services in this model: ${this.services.join(', ')}`,
        });
      }
      if (!Number.isFinite(input.users) || input.users < 0) {
        throw new FleetcastError(
          'FLEETCAST_INVALID_ARGUMENT',
          `users must be a finite number ≥ 0, got ${input.users}`,
          {
            hint: 'pass the number of concurrent users of the load test',
          },
        );
      }
      return predictService(service, input);
    });
  }

  toJSON(): PerformanceParams {
    return this.params;
  }

  /** Validates parsed JSON (e.g. a model file) and builds the model. */
  static fromJSON(raw: unknown, source = 'model parameters'): PerformanceModel {
    const parsed = PerformanceParamsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
        {
          hint: `the file is not ${PERFORMANCE_PARAMS_KIND} parameters; train the model again`,
        },
      );
    }
    return new PerformanceModel(parsed.data);
  }
}

/** Fits one model per service on training rows (raw polls: duplicates are merged here). */
export function fitPerformanceModel(
  rows: readonly LoadStepRow[],
  options: PerformanceFitOptions = {},
): PerformanceModel {
  const bucketSeconds = options.bucketSeconds ?? 60;
  const source = options.source ?? 'training data';
  const clean = aggregateDuplicates(rows, bucketSeconds);
  const levels = userLevels(clean);
  if (levels.length < 2) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${source}: fewer than 2 user levels to train on`, {
      hint: 'the load laws need at least two load steps to fit a slope',
    });
  }
  const groups = groupByServiceLevel(clean, source);
  const services = groups.map((group, i) => {
    const fitted = fitServiceModel(group, summarizeLevels(group, source));
    options.onService?.(group.service, i + 1, groups.length);
    return fitted;
  });
  return new PerformanceModel({ kind: PERFORMANCE_PARAMS_KIND, bucketSeconds, trainingLevels: levels, services });
}
