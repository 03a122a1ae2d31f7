/**
 * Operating models: drift of inputs and predictions against a baseline (population stability
 * index) and agreement of a shadow version with the primary. The one public door of this folder.
 */
export { DriftMonitor, type DriftMonitorOptions, type DriftReport } from './drift-monitor.js';
export { numericFeatures, type PredictionValue, predictionOf } from './features.js';
export { categoricalStabilityIndex, PSI_EPSILON, populationStabilityIndex, quantileEdges } from './psi.js';
export {
  type AgreementTolerance,
  outputsAgree,
  ShadowAgreement,
  type ShadowAgreementOptions,
  type ShadowAgreementSnapshot,
} from './shadow-agreement.js';
