/**
 * Plans `matmul`: float32 on the SIMD micro-kernels (`matmulF32` in `_gemm_f32.ts`), other
 * dtypes (or no SIMD) in plain JavaScript (`matmulJs`). Tiles are blocks of output rows.
 * @module
 */

import { panelLayout } from "./_gemm_driver.ts";
import { align64, makeJob, type PlanCfg, type PlanIn, tiles } from "./_plan.ts";
import { sizeOf } from "./_strides.ts";
import type { Job } from "./_types.ts";
import type { OutInfo } from "../../core/primitives.ts";

/** Rows of A handled per driver call (the row-table size). */
const ROW_CHUNK = 1024;

/** Plans `matmul`. */
export function planMatmul(
  [a, b]: readonly PlanIn[],
  attrs: { readonly transposeA: boolean; readonly transposeB: boolean },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const ra = a.shape.length, rb = b.shape.length;
  const ba = sizeOf(a.shape.slice(0, ra - 2)), bb = sizeOf(b.shape.slice(0, rb - 2));
  const m = attrs.transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = attrs.transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = attrs.transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batch = sizeOf(out.shape.slice(0, out.shape.length - 2));
  const p = { m, k, n, ba, bb, transA: attrs.transposeA, transB: attrs.transposeB };
  const starts = tiles(cfg, batch * m, n, n * k);
  const work = batch * m * n * Math.max(1, k);
  if (cfg.simd && out.dtype === "float32") {
    const packed = align64(panelLayout(k, n, cfg.nr).bytes);
    const sRows = packed, sTaps = sRows + ROW_CHUNK * 4;
    return makeJob(
      "matmulF32",
      "matmul",
      [a, b],
      out,
      { ...p, sRows, sTaps },
      starts,
      work,
      sTaps + 128,
    );
  }
  return makeJob("matmulJs", "matmul", [a, b], out, p, starts, work);
}
