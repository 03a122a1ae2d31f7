/** Plots (issue 4, item 6): SVG figures written beside a run's report. */
export { performancePlotSvg, writePerformancePlots } from './performance.js';
export { type Panel, type Point, panelsSvg, ticks } from './svg.js';
