export { ONNX_FILE, type OnnxSignature, readOnnxSignature, registerOnnxFlavor, saveOnnxModel } from './flavor.js';
export { loadOrt } from './runtime.js';
export { linearModelOnnx } from './writer.js';
