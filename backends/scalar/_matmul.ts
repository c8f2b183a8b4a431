/**
 * Matrix products: the `matmul` kernel and `gemmAcc`, the one inner routine that matmul and the
 * im2col-lowered convolutions share.
 * @module
 */

import { allocate, type TypedArray } from "../../core/dtype.ts";
import type { Kernel } from "../../core/primitives.ts";
import { sizeOf } from "./_strides.ts";

/**
 * `acc[i*n + j] += sum_p A[i, p] * B[p, j]` for an `m x k` matrix `A` and a `k x n` matrix `B`.
 * `A` sits in `a` from `aOff`, row-major `[m, k]`, or `[k, m]` when `transA`; `B` sits in `b`
 * from `bOff`, row-major `[k, n]`, or `[n, k]` when `transB`. Every sum runs over `p` in
 * increasing order, in doubles, whatever the layout. The loop orders keep the innermost loop on
 * contiguous memory and work on four rows (or columns) at once, so each value loaded from `B`
 * (or `A`) serves four outputs.
 */
export function gemmAcc(
  acc: Float64Array,
  a: TypedArray,
  aOff: number,
  b: TypedArray,
  bOff: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  if (transB) {
    if (transA) {
      // Dot products want A's rows contiguous: copy A^T row-major first.
      const rows = new Float64Array(m * k);
      for (let p = 0; p < k; p++) {
        for (let i = 0; i < m; i++) rows[i * k + p] = a[aOff + p * m + i];
      }
      gemmDots(acc, rows, 0, b, bOff, m, k, n);
    } else {
      gemmDots(acc, a, aOff, b, bOff, m, k, n);
    }
  } else if (transA) {
    gemmOuter(acc, a, aOff, b, bOff, m, k, n);
  } else {
    gemmRows(acc, a, aOff, b, bOff, m, k, n);
  }
}

/** `gemmAcc` for row-major `A` `[m, k]` and `B` `[k, n]`: i-p-j, four rows of `A` at once. */
function gemmRows(
  acc: Float64Array,
  a: TypedArray,
  aOff: number,
  b: TypedArray,
  bOff: number,
  m: number,
  k: number,
  n: number,
): void {
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = aOff + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    for (let p = 0; p < k; p++) {
      const v0 = a[a0 + p], v1 = a[a1 + p], v2 = a[a2 + p], v3 = a[a3 + p];
      const bp = bOff + p * n;
      for (let j = 0; j < n; j++) {
        const w = b[bp + j];
        acc[c0 + j] += v0 * w;
        acc[c1 + j] += v1 * w;
        acc[c2 + j] += v2 * w;
        acc[c3 + j] += v3 * w;
      }
    }
  }
  for (; i < m; i++) {
    const ai = aOff + i * k, ci = i * n;
    for (let p = 0; p < k; p++) {
      const v = a[ai + p], bp = bOff + p * n;
      for (let j = 0; j < n; j++) acc[ci + j] += v * b[bp + j];
    }
  }
}

/**
 * `gemmAcc` for `A` stored `[k, m]` and row-major `B` `[k, n]`: p-i-j, a sum of outer products
 * of `A`'s stored rows with `B`'s rows, four output rows at once.
 */
function gemmOuter(
  acc: Float64Array,
  a: TypedArray,
  aOff: number,
  b: TypedArray,
  bOff: number,
  m: number,
  k: number,
  n: number,
): void {
  for (let p = 0; p < k; p++) {
    const ap = aOff + p * m, bp = bOff + p * n;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const v0 = a[ap + i], v1 = a[ap + i + 1], v2 = a[ap + i + 2], v3 = a[ap + i + 3];
      const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
      for (let j = 0; j < n; j++) {
        const w = b[bp + j];
        acc[c0 + j] += v0 * w;
        acc[c1 + j] += v1 * w;
        acc[c2 + j] += v2 * w;
        acc[c3 + j] += v3 * w;
      }
    }
    for (; i < m; i++) {
      const v = a[ap + i], ci = i * n;
      for (let j = 0; j < n; j++) acc[ci + j] += v * b[bp + j];
    }
  }
}

/**
 * `gemmAcc` for row-major `A` `[m, k]` and `B` stored `[n, k]`: dot products of rows, four
 * columns of the output at once.
 */
function gemmDots(
  acc: Float64Array,
  a: TypedArray,
  aOff: number,
  b: TypedArray,
  bOff: number,
  m: number,
  k: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * k, ci = i * n;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = bOff + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const v = a[ai + p];
        s0 += v * b[b0 + p];
        s1 += v * b[b1 + p];
        s2 += v * b[b2 + p];
        s3 += v * b[b3 + p];
      }
      acc[ci + j] += s0;
      acc[ci + j + 1] += s1;
      acc[ci + j + 2] += s2;
      acc[ci + j + 3] += s3;
    }
    for (; j < n; j++) {
      const bj = bOff + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
      acc[ci + j] += s;
    }
  }
}

/**
 * Batched matrix product: `a` is `[ba, m, k]` (`[ba, k, m]` if `transposeA`), `b` is
 * `[bb, k, n]` (`[bb, n, k]` if `transposeB`), `ba` and `bb` equal or 1; the output is
 * `[max(ba, bb), m, n]`. A rank-2 operand is treated as a batch of one. Sums run in doubles and
 * round to `out.dtype` once.
 */
export const matmul: Kernel<TypedArray, "matmul"> = ([a, b], { transposeA, transposeB }, out) => {
  const ra = a.shape.length, rb = b.shape.length;
  const ba = sizeOf(a.shape.slice(0, ra - 2)), bb = sizeOf(b.shape.slice(0, rb - 2));
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batch = sizeOf(out.shape.slice(0, out.shape.length - 2));
  const res = allocate(out.dtype, batch * m * n);
  const acc = new Float64Array(m * n);
  for (let z = 0; z < batch; z++) {
    acc.fill(0);
    const aOff = (ba === 1 ? 0 : z) * m * k;
    const bOff = (bb === 1 ? 0 : z) * k * n;
    gemmAcc(acc, a.handle, aOff, b.handle, bOff, m, k, n, transposeA, transposeB);
    res.set(acc, z * m * n);
  }
  return res;
};
