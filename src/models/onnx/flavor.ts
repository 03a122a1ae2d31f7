/**
 * The `onnx` flavor: any ONNX graph (exported from scikit-learn, PyTorch, …) with a declared
 * signature. The signature's numeric inputs, in order, are the columns of the graph's float input
 * tensor [N, k]; the graph's output [N, m] gives the signature's outputs, in order. onnxruntime-node
 * is loaded on first use, so commands that never touch ONNX do not pay for its native library.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { type FlavorLoader, type Predictor, registerFlavor } from '../artifact/flavors.js';
import { type FieldSpec, type ModelManifest, saveModel } from '../artifact/manifest.js';
import { openModelSession, openSession, type Session } from './session.js';

export const ONNX_FILE = 'model.onnx';

const NUMERIC = new Set<FieldSpec['type']>(['float64', 'float32', 'int64', 'bool']);

const OnnxSignatureSchema = z
  .object({
    inputs: z
      .array(
        z
          .object({
            name: z.string().min(1),
            type: z.enum(['float64', 'float32', 'int64', 'bool']),
            description: z.string().optional(),
          })
          .strict(),
      )
      .min(1),
    outputs: z
      .array(
        z
          .object({ name: z.string().min(1), type: z.enum(['float64', 'float32']), description: z.string().optional() })
          .strict(),
      )
      .min(1),
    /** Tensor names in the graph; default: its first input and first output. */
    onnx: z.object({ input: z.string().optional(), output: z.string().optional() }).strict().optional(),
  })
  .strict();
export type OnnxSignature = z.infer<typeof OnnxSignatureSchema>;

/** Parses a signature file (`--signature sig.json`) with a clear error for each problem. */
export function readOnnxSignature(path: string): OnnxSignature {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `signature ${path} cannot be read as JSON: ${errorMessage(error)}`,
      {
        hint: 'write {"inputs":[{"name":"x","type":"float64"}],"outputs":[{"name":"y","type":"float64"}]}',
      },
    );
  }
  const parsed = OnnxSignatureSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `signature ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      {
        hint: 'inputs are numeric columns (float64, float32, int64, bool); outputs are float64 or float32',
      },
    );
  }
  return parsed.data;
}

/**
 * Wraps an ONNX file and its signature as a model folder, after checking the graph accepts a
 * [1, k] float input and answers with m columns.
 */
export async function saveOnnxModel(dir: string, onnx: Buffer, signature: OnnxSignature): Promise<ModelManifest> {
  const session = await openSession(onnx, signature, dir);
  try {
    await runRows(session, signature, [Object.fromEntries(signature.inputs.map((f) => [f.name, 0]))]);
  } finally {
    await session.close();
  }
  return saveModel(dir, {
    flavor: 'onnx',
    signature: { inputs: signature.inputs, outputs: signature.outputs },
    params: { onnx: { input: session.input, output: session.output } },
    files: { [ONNX_FILE]: onnx },
  });
}

async function runRows(
  session: Session,
  signature: { inputs: ReadonlyArray<{ name: string }>; outputs: ReadonlyArray<{ name: string }> },
  rows: ReadonlyArray<Record<string, unknown>>,
): Promise<Array<Record<string, number>>> {
  const k = signature.inputs.length;
  const data = new Float32Array(rows.length * k);
  rows.forEach((row, i) => {
    signature.inputs.forEach((field, j) => {
      const value = row[field.name];
      data[i * k + j] = Number(value); // booleans become 0/1
    });
  });
  const tensor = await session.run(data, [rows.length, k]);
  const m = signature.outputs.length;
  const values = tensor.data as ArrayLike<number> | undefined;
  if (!values || values.length !== rows.length * m) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `the ONNX output ${session.output} has shape [${tensor.dims.join(', ')}], not [${rows.length}, ${m}]`,
      {
        hint: 'declare one signature output per column of the graph output',
      },
    );
  }
  return rows.map((_, i) =>
    Object.fromEntries(signature.outputs.map((field, j) => [field.name, Number(values[i * m + j])])),
  );
}

const loader: FlavorLoader = async (files) => {
  const signature = files.manifest.signature;
  if (!signature.inputs.every((f) => NUMERIC.has(f.type))) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${files.dir}: onnx models take numeric inputs only`, {
      hint: 'fix the signature',
    });
  }
  const names = (files.manifest.params.onnx ?? {}) as { input?: string; output?: string };
  const session = await openModelSession(files.read(ONNX_FILE), { onnx: names }, files.dir, signature.inputs.length);
  const predictor: Predictor = {
    flavor: 'onnx',
    signature,
    manifest: files.manifest,
    predict: async (batch: unknown) => runRows(session, signature, batch as Array<Record<string, unknown>>),
    dispose: () => session.close(),
  };
  return predictor;
};

export function registerOnnxFlavor(): void {
  registerFlavor('onnx', loader);
}
