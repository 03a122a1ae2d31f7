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
import { loadOrt, type Ort } from './runtime.js';

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

const ort = loadOrt;

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
  await runRows(session, signature, [Object.fromEntries(signature.inputs.map((f) => [f.name, 0]))]);
  return saveModel(dir, {
    flavor: 'onnx',
    signature: { inputs: signature.inputs, outputs: signature.outputs },
    params: { onnx: { input: session.input, output: session.output } },
    files: { [ONNX_FILE]: onnx },
  });
}

interface Session {
  run: (feeds: Record<string, unknown>) => Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  makeTensor: (data: Float32Array, dims: number[]) => unknown;
  input: string;
  output: string;
}

async function openSession(onnx: Buffer, signature: Pick<OnnxSignature, 'onnx'>, where: string): Promise<Session> {
  const runtime = await ort();
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session = await runtime.InferenceSession.create(onnx);
  } catch (error) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${where}: not a loadable ONNX model: ${errorMessage(error)}`,
      {
        hint: 'export the model with a recent opset (torch.onnx.export, skl2onnx)',
      },
    );
  }
  const input = signature.onnx?.input ?? session.inputNames[0];
  const output = signature.onnx?.output ?? session.outputNames[0];
  if (!input || !session.inputNames.includes(input) || !output || !session.outputNames.includes(output)) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${where}: the graph has inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}`,
      {
        hint: 'name the tensors with "onnx": {"input": …, "output": …} in the signature',
      },
    );
  }
  return {
    run: (feeds) => session.run(feeds as Parameters<typeof session.run>[0]) as unknown as ReturnType<Session['run']>,
    makeTensor: (data, dims) => new runtime.Tensor('float32', data, dims),
    input,
    output,
  };
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
  const result = await session.run({ [session.input]: session.makeTensor(data, [rows.length, k]) });
  const tensor = result[session.output];
  const m = signature.outputs.length;
  const values = tensor?.data as ArrayLike<number> | undefined;
  if (!tensor || !values || values.length !== rows.length * m) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `the ONNX output ${session.output} has shape [${tensor?.dims.join(', ')}], not [${rows.length}, ${m}]`,
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
  const session = await openSession(files.read(ONNX_FILE), { onnx: names }, files.dir);
  const predictor: Predictor = {
    flavor: 'onnx',
    signature,
    manifest: files.manifest,
    predict: async (batch: unknown) => runRows(session, signature, batch as Array<Record<string, unknown>>),
  };
  return predictor;
};

export function registerOnnxFlavor(): void {
  registerFlavor('onnx', loader);
}
