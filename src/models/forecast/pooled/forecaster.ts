/**
 * Hierarchical partial pooling across a fleet for short series (issue 4). Each series gets the model
 * of decompose.ts — level, slope, seasonal profile, AR(1) residual — and its slope, profile and
 * residual autocorrelation are shrunk towards its group (resources of one archetype or service) by
 * empirical Bayes (shrinkage.ts). A series with a few days of data thus forecasts with the daily
 * shape its siblings show clearly, at its own level, amplitude and phase.
 *
 * Forecast at step h (index t = n − 1 + h): μ + σ·(c + b·(t − t̄) + p̃(t mod m) + ρ^h·e_{n−1}), with
 * Gaussian quantiles whose variance adds the AR(1) residual variance σₑ²(1 − ρ^{2h}), the posterior
 * variance of the profile at that phase, the slope's (t − t̄)²·Var(b) and the level's σₑ²/n.
 *
 * `fit` on one series is the same model unpooled (a group of one); `fitPooledFleet` pools. Fallback:
 * fewer than 3 points or a constant series is forecast by seasonal naive (saved as such).
 */
import { FleetcastError } from '../../../core/errors.js';
import { SeasonalNaive } from '../naive.js';
import { normalQuantile } from '../random.js';
import {
  type FitOptions,
  type FleetSeries,
  FORECAST_QUANTILES,
  type Forecast,
  type Forecaster,
  type ForecasterParams,
} from '../types.js';
import { checkHorizon, checkSeason, checkSeries, finiteArray, finiteNumber, notFitted } from '../validate.js';
import { estimateSeries, residualsOf, type SeriesEstimates } from './decompose.js';
import { poolProfiles, shrinkScalars } from './shrinkage.js';

interface PooledState {
  season: number;
  n: number;
  mean: number;
  scale: number;
  level: number;
  slope: number;
  profile: number[];
  rho: number;
  lastResidual: number;
  residualVariance: number;
  profileVariance: number[];
  slopeVariance: number;
  /** How much was borrowed: mean profile weight on the series' own estimate, and the slope's weight. */
  pooling: { group: string; members: number; profileWeight: number; slopeWeight: number };
}

export interface PooledFleetOptions {
  season?: number;
  /** false: fit every series on its own (the unpooled model, for comparison). */
  pool?: boolean;
}

export class PooledForecaster implements Forecaster {
  readonly name = 'pooled';
  private state: PooledState | undefined;
  private fallback: SeasonalNaive | undefined;

  get pooling(): PooledState['pooling'] | undefined {
    return this.state?.pooling;
  }

  fit(series: readonly number[], options: FitOptions = {}): void {
    const fitted = fitPooledFleet([{ id: 'series', values: series }], { season: checkSeason(options.season) });
    const only = fitted.get('series')!;
    this.state = only.state;
    this.fallback = only.fallback;
  }

  forecast(horizon: number): Forecast {
    checkHorizon(horizon);
    if (this.fallback) return this.fallback.forecast(horizon);
    const s = this.state;
    if (!s) throw notFitted('pooled');
    const m = s.season;
    const tBar = (s.n - 1) / 2;
    const mean: number[] = [];
    const sd: number[] = [];
    let rhoPower = 1;
    for (let h = 1; h <= horizon; h++) {
      const t = s.n - 1 + h;
      rhoPower *= s.rho;
      const phase = t % m;
      const x = s.level + s.slope * (t - tBar) + s.profile[phase]! + rhoPower * s.lastResidual;
      const variance =
        s.residualVariance * (1 - rhoPower * rhoPower) +
        s.profileVariance[phase]! +
        s.slopeVariance * (t - tBar) ** 2 +
        s.residualVariance / s.n;
      mean.push(s.mean + s.scale * x);
      sd.push(s.scale * Math.sqrt(Math.max(variance, 0)));
    }
    const quantiles = FORECAST_QUANTILES.map((q) => {
      const z = normalQuantile(q);
      return mean.map((value, h) => value + z * sd[h]!);
    });
    return { mean, quantiles };
  }

  toJSON(): ForecasterParams {
    if (this.fallback) return { ...this.fallback.toJSON(), fallbackFrom: 'pooled' };
    if (!this.state) throw notFitted('pooled');
    return { model: 'pooled', ...this.state };
  }

  static fromJSON(params: ForecasterParams): PooledForecaster {
    const model = new PooledForecaster();
    const number = (key: string) => finiteNumber(params[key], key);
    const profile = finiteArray(params.profile, 'profile');
    const season = number('season');
    const profileVariance = finiteArray(params.profileVariance, 'profileVariance');
    if (profile.length !== season || profileVariance.length !== season) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        'pooled: saved profile does not hold one value per phase',
        {
          hint: 'the saved parameters are damaged; fit and save the model again',
        },
      );
    }
    const pooling = (params.pooling ?? {}) as PooledState['pooling'];
    model.state = {
      season,
      n: number('n'),
      mean: number('mean'),
      scale: number('scale'),
      level: number('level'),
      slope: number('slope'),
      profile,
      rho: number('rho'),
      lastResidual: number('lastResidual'),
      residualVariance: number('residualVariance'),
      profileVariance,
      slopeVariance: number('slopeVariance'),
      pooling,
    };
    return model;
  }

  /** Builds a fitted model from pooled estimates (used by fitPooledFleet). */
  static fromEstimates(
    estimates: SeriesEstimates,
    pooled: { slope: number; slopeVariance: number; profile: number[]; profileVariance: number[]; rho: number },
    pooling: PooledState['pooling'],
  ): PooledForecaster {
    const model = new PooledForecaster();
    const { x, n } = estimates;
    const e = residualsOf(x, pooled.slope, pooled.profile);
    const tBar = (n - 1) / 2;
    const level =
      x.reduce((a, v, t) => a + v - pooled.slope * (t - tBar) - pooled.profile[t % estimates.season]!, 0) / n;
    const parameters = 2 + (estimates.season > 1 ? estimates.season - 1 : 0);
    const residualVariance = e.reduce((a, v) => a + v * v, 0) / Math.max(1, n - Math.min(parameters, n - 1));
    model.state = {
      season: estimates.season,
      n,
      mean: estimates.mean,
      scale: estimates.scale,
      level,
      slope: pooled.slope,
      profile: pooled.profile,
      rho: pooled.rho,
      lastResidual: e[n - 1]!,
      residualVariance,
      profileVariance: pooled.profileVariance.map((v) => (Number.isFinite(v) ? v : residualVariance)),
      slopeVariance: Number.isFinite(pooled.slopeVariance) ? pooled.slopeVariance : 0,
      pooling,
    };
    return model;
  }

  static naive(series: readonly number[], season: number): PooledForecaster {
    const model = new PooledForecaster();
    model.fallback = new SeasonalNaive();
    model.fallback.fit(series, { season });
    return model;
  }
}

/** Fits every series, pooling within groups; returns the fitted forecaster of each id. */
export function fitPooledFleet(
  fleet: readonly FleetSeries[],
  options: PooledFleetOptions = {},
): Map<string, PooledForecaster> {
  const season = checkSeason(options.season);
  const out = new Map<string, PooledForecaster>();
  const groups = new Map<string, Array<{ id: string; estimates: SeriesEstimates }>>();
  for (const series of fleet) {
    checkSeries(series.values, `pooled (series ${series.id})`);
    const first = series.values[0];
    if (series.values.length < 3 || series.values.every((v) => v === first)) {
      out.set(series.id, PooledForecaster.naive(series.values, season));
      continue;
    }
    const key = options.pool === false ? `\u0000${series.id}` : (series.group ?? '');
    const members = groups.get(key) ?? [];
    members.push({ id: series.id, estimates: estimateSeries(series.values, season) });
    groups.set(key, members);
  }
  for (const [key, members] of groups) {
    const all = members.map((member) => member.estimates);
    const slopes = shrinkScalars(
      all.map((e) => e.slope),
      all.map((e) => e.slopeVariance),
    );
    const rhos = shrinkScalars(
      all.map((e) => e.rho),
      all.map((e) => e.rhoVariance),
    );
    const profiles = poolProfiles(
      all.map((e) => e.profile),
      all.map((e) => e.profileVariance),
    );
    members.forEach((member, i) => {
      const pooled = {
        slope: slopes.shrunk[i]!,
        slopeVariance: slopes.posteriorVariance[i]!,
        profile: profiles.shrunk[i]!,
        profileVariance: profiles.posteriorVariance[i]!,
        rho: Math.min(0.95, Math.max(0, rhos.shrunk[i]!)),
      };
      const group = key.startsWith('\u0000') ? member.id : key;
      out.set(
        member.id,
        PooledForecaster.fromEstimates(member.estimates, pooled, {
          group,
          members: members.length,
          profileWeight: profiles.weights[i]!,
          slopeWeight: slopes.weights[i]!,
        }),
      );
    });
  }
  return out;
}
