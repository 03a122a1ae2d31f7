/**
 * onnxruntime-node, imported on first use: commands that never touch ONNX do not pay for its
 * native library. Every flavor that runs ONNX graphs (onnx, chronos) shares this one import.
 */
export type Ort = typeof import('onnxruntime-node');

let ortModule: Promise<Ort> | undefined;

export function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').then((m) => ((m as { default?: Ort }).default ?? m) as Ort);
  return ortModule;
}
