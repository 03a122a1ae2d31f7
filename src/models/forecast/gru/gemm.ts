/**
 * The dense kernels the GRU spends its time in. Every product is written as C = A·Bᵀ over row-major
 * blocks (rows of A and of B both of length K), so the inner loop is a dot product over contiguous
 * memory; a 4×4 register block (16 accumulators, 8 loads per 16 multiply-adds) keeps V8's optimised
 * code at about 2 GMAC/s on one core, four times a naive triple loop (measured on the project's
 * 2-core Xeon). The other products (Aᵀ·B for weight gradients, A·B for input gradients) are turned
 * into this form by an explicit transpose, which costs O(size) against O(size·K) for the product.
 *
 * Arrays are Float64Array: exact enough for finite-difference gradient checks, and no slower than
 * Float32Array here because the working set (a few 64×192 matrices) stays in cache.
 */

/**
 * C[cOff + i·N + j] (=|+=) Σ_k A[aOff + i·K + k] · B[bOff + j·K + k] (+ bias[j]), for i < M, j < N.
 * `accumulate` adds to C instead of overwriting it; `bias` (length N) is added once per row.
 */
export function gemmNT(
  A: Float64Array,
  aOff: number,
  B: Float64Array,
  bOff: number,
  C: Float64Array,
  cOff: number,
  M: number,
  N: number,
  K: number,
  accumulate: boolean,
  bias?: Float64Array,
  biasOff = 0,
): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    const a0 = aOff + i * K;
    const a1 = a0 + K;
    const a2 = a1 + K;
    const a3 = a2 + K;
    for (let j = 0; j < N4; j += 4) {
      const b0 = bOff + j * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      let s23 = 0;
      let s30 = 0;
      let s31 = 0;
      let s32 = 0;
      let s33 = 0;
      for (let k = 0; k < K; k++) {
        const y0 = B[b0 + k]!;
        const y1 = B[b1 + k]!;
        const y2 = B[b2 + k]!;
        const y3 = B[b3 + k]!;
        let x = A[a0 + k]!;
        s00 += x * y0;
        s01 += x * y1;
        s02 += x * y2;
        s03 += x * y3;
        x = A[a1 + k]!;
        s10 += x * y0;
        s11 += x * y1;
        s12 += x * y2;
        s13 += x * y3;
        x = A[a2 + k]!;
        s20 += x * y0;
        s21 += x * y1;
        s22 += x * y2;
        s23 += x * y3;
        x = A[a3 + k]!;
        s30 += x * y0;
        s31 += x * y1;
        s32 += x * y2;
        s33 += x * y3;
      }
      if (bias) {
        const p0 = bias[biasOff + j]!;
        const p1 = bias[biasOff + j + 1]!;
        const p2 = bias[biasOff + j + 2]!;
        const p3 = bias[biasOff + j + 3]!;
        s00 += p0;
        s01 += p1;
        s02 += p2;
        s03 += p3;
        s10 += p0;
        s11 += p1;
        s12 += p2;
        s13 += p3;
        s20 += p0;
        s21 += p1;
        s22 += p2;
        s23 += p3;
        s30 += p0;
        s31 += p1;
        s32 += p2;
        s33 += p3;
      }
      let c = cOff + i * N + j;
      if (accumulate) {
        C[c] = C[c]! + s00;
        C[c + 1] = C[c + 1]! + s01;
        C[c + 2] = C[c + 2]! + s02;
        C[c + 3] = C[c + 3]! + s03;
        c += N;
        C[c] = C[c]! + s10;
        C[c + 1] = C[c + 1]! + s11;
        C[c + 2] = C[c + 2]! + s12;
        C[c + 3] = C[c + 3]! + s13;
        c += N;
        C[c] = C[c]! + s20;
        C[c + 1] = C[c + 1]! + s21;
        C[c + 2] = C[c + 2]! + s22;
        C[c + 3] = C[c + 3]! + s23;
        c += N;
        C[c] = C[c]! + s30;
        C[c + 1] = C[c + 1]! + s31;
        C[c + 2] = C[c + 2]! + s32;
        C[c + 3] = C[c + 3]! + s33;
      } else {
        C[c] = s00;
        C[c + 1] = s01;
        C[c + 2] = s02;
        C[c + 3] = s03;
        c += N;
        C[c] = s10;
        C[c + 1] = s11;
        C[c + 2] = s12;
        C[c + 3] = s13;
        c += N;
        C[c] = s20;
        C[c + 1] = s21;
        C[c + 2] = s22;
        C[c + 3] = s23;
        c += N;
        C[c] = s30;
        C[c + 1] = s31;
        C[c + 2] = s32;
        C[c + 3] = s33;
      }
    }
    if (N4 < N) edge(A, aOff, B, bOff, C, cOff, i, i + 4, N4, N, N, K, accumulate, bias, biasOff);
  }
  if (M4 < M) edge(A, aOff, B, bOff, C, cOff, M4, M, 0, N, N, K, accumulate, bias, biasOff);
}

/** The rows and columns the 4×4 blocks leave over, one dot product at a time. */
function edge(
  A: Float64Array,
  aOff: number,
  B: Float64Array,
  bOff: number,
  C: Float64Array,
  cOff: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  N: number,
  K: number,
  accumulate: boolean,
  bias: Float64Array | undefined,
  biasOff: number,
): void {
  for (let i = i0; i < i1; i++) {
    const a = aOff + i * K;
    for (let j = j0; j < j1; j++) {
      const b = bOff + j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a + k]! * B[b + k]!;
      // The bias is added last, as in the blocked path, so a row's value never depends on blocking.
      if (bias) s += bias[biasOff + j]!;
      const c = cOff + i * N + j;
      C[c] = accumulate ? C[c]! + s : s;
    }
  }
}

/** out[j·rows + i] = src[srcOff + i·cols + j]: the transpose of a rows×cols block. */
export function transpose(
  src: Float64Array,
  srcOff: number,
  rows: number,
  cols: number,
  out: Float64Array,
  outOff = 0,
): void {
  for (let i = 0; i < rows; i++) {
    const s = srcOff + i * cols;
    for (let j = 0; j < cols; j++) out[outOff + j * rows + i] = src[s + j]!;
  }
}

/** out[outOff + j] += Σ_i src[srcOff + i·cols + j] (column sums of a rows×cols block, for bias gradients). */
export function addColumnSums(
  src: Float64Array,
  srcOff: number,
  rows: number,
  cols: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let i = 0; i < rows; i++) {
    const s = srcOff + i * cols;
    for (let j = 0; j < cols; j++) out[outOff + j] = out[outOff + j]! + src[s + j]!;
  }
}
