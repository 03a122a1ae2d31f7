/**
 * Backtest figures: for each series, the last fold's forecasts of seasonal naive and of the series'
 * best other model (lowest MASE), with their 10–90 % bands, over the recent history and the observed
 * values of that fold.
 */
import type { Forecast } from '../forecast/types.js';
import type { ForecastFigure } from '../plots/forecast.js';
import type { PreparedSeries } from './prepare.js';
import type { BacktestReport } from './run.js';

/** Times after 1973 in milliseconds are read as dates (CSV times are epoch ms or plain numbers). */
const looksLikeEpochMs = (times: readonly number[]): boolean => (times[0] ?? 0) > 1e11;

export class LastFoldForecasts {
  private readonly kept = new Map<string, { fold: number; origin: number; forecasts: Map<string, Forecast> }>();

  /** Pass as `onForecast` to runBacktest. */
  readonly record = (seriesId: string, model: string, fold: number, origin: number, forecast: Forecast): void => {
    const entry = this.kept.get(seriesId);
    if (!entry || fold > entry.fold) {
      this.kept.set(seriesId, { fold, origin, forecasts: new Map([[model, forecast]]) });
    } else if (fold === entry.fold) entry.forecasts.set(model, forecast);
  };

  figures(series: readonly PreparedSeries[], report: BacktestReport): ForecastFigure[] {
    const figures: ForecastFigure[] = [];
    const historyLength = Math.max(3 * report.horizon, 2 * report.season);
    for (const s of series) {
      const entry = this.kept.get(s.id);
      const scores = report.series.find((r) => r.id === s.id)?.scores;
      if (!entry || !scores) continue;
      const others = Object.entries(scores)
        .filter(([model, score]) => model !== 'naive' && score.mase !== null)
        .sort((a, b) => a[1].mase! - b[1].mase!);
      const shown = ['naive', ...(others[0] ? [others[0][0]] : [])];
      const from = Math.max(0, entry.origin - historyLength);
      const end = Math.min(s.values.length, entry.origin + report.horizon);
      figures.push({
        title: `${s.id} — last fold`,
        time: looksLikeEpochMs(s.times),
        history: { x: s.times.slice(from, entry.origin), y: s.values.slice(from, entry.origin) },
        truth: { x: s.times.slice(entry.origin, end), y: s.values.slice(entry.origin, end) },
        curves: shown
          .filter((model) => entry.forecasts.has(model))
          .map((model) => ({
            label: model,
            x: s.times.slice(entry.origin, end),
            forecast: entry.forecasts.get(model)!,
          })),
      });
    }
    return figures;
  }
}
