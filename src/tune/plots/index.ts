/** Plots of studies: the convergence plot written beside a tune or calibrate run. */
export { bestSoFar, type ConvergencePoint, convergenceSvg, writeConvergencePlot } from './convergence.js';
