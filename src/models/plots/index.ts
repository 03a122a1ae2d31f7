/** Plots (issue 4, item 6): SVG figures written beside a run's report. */

export { bundleFigures, MAX_BUNDLE_FIGURES } from './bundle.js';
export {
  type ForecastCurve,
  type ForecastFigure,
  forecastPlotSvg,
  plotFileName,
  writeForecastPlots,
} from './forecast.js';
export { performancePlotSvg, writePerformancePlots } from './performance.js';
export { type Panel, type Point, panelsSvg, ticks } from './svg.js';
