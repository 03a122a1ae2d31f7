/** The models capability's public door. Importing it registers the built-in flavors' loaders. */
import { registerChronosFlavor } from './chronos/index.js';
import { registerForecasterFlavor } from './forecast/index.js';
import { registerOnnxFlavor } from './onnx/index.js';
import { registerPerformanceFlavor } from './performance/index.js';
import { registerTextClassifierFlavor } from './text/index.js';

export * from './artifact/flavors.js';
export * from './artifact/manifest.js';
export * from './backtest/index.js';
export * from './chronos/index.js';
export * from './data/index.js';
export * from './forecast/index.js';
export * from './metrics/index.js';
export * from './onnx/index.js';
export * from './performance/index.js';
export * from './plots/index.js';
export * from './text/index.js';

registerPerformanceFlavor();
registerForecasterFlavor();
registerOnnxFlavor();
registerTextClassifierFlavor();
registerChronosFlavor();
