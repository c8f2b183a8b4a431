/**
 * Plans the convolution primitives. float32 runs on the SIMD micro-kernels (`_gemm_f32.ts`):
 * `conv2d` and `conv2dBackpropInput` as one implicit-GEMM convolution (tiles of output rows),
 * `conv2dBackpropFilter` as `im2col(x)^T dy` (tiles of filter rows). Other dtypes, or engines
 * without SIMD, run the JavaScript tiles of `_gemm_js.ts`; `im2col` and `col2im` always do.
 * @module
 */

import { CHUNK_PIXELS, KC, panelLayout } from "./_gemm_driver.ts";
import { type ConvGeom, convGeom } from "./_conv_geom.ts";
import { align64, makeJob, type PlanCfg, type PlanIn, tiles } from "./_plan.ts";
import type { Job } from "./_types.ts";
import type { Conv2dGeometry, OutInfo } from "../../core/primitives.ts";

/** Geometry plus the channel count `N` of the other operand, for the JavaScript tiles. */
function jsParams(g: ConvGeom, N: number): Record<string, number> {
  return { ...g, N };
}

/** Plans `conv2d`. */
export function planConv2d(
  [x, w]: readonly PlanIn[],
  attrs: Conv2dGeometry,
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const [kh, kw, , cOut] = w.shape;
  const g = convGeom(x.shape, kh, kw, attrs, [out.shape[1], out.shape[2]]);
  const K = kh * kw * g.c;
  const work = g.n * g.oh * g.ow * cOut * Math.max(1, K);
  if (!(cfg.simd && out.dtype === "float32")) {
    const starts = tiles(cfg, g.n * g.oh * g.ow, cOut, cOut * K);
    return makeJob("conv2dJs", "conv2d", [x, w], out, jsParams(g, cOut), starts, work);
  }
  const Wb = Math.max(0, (g.ow - 1) * g.sw + (kw - 1) * g.dw + 1);
  const direct = g.top === 0 && g.left === 0 && (g.oh - 1) * g.sh + (kh - 1) * g.dh + 1 <= g.h &&
      Wb <= g.w
    ? 1
    : 0;
  const chunkRows = Math.max(1, Math.floor(CHUNK_PIXELS / Math.max(1, g.ow)));
  const bandRows = direct ? 0 : chunkRows * (g.sh + (kh - 1) * g.dh + 1);
  const sRows = align64(panelLayout(K, cOut, cfg.nr).bytes);
  const sTaps = align64(sRows + chunkRows * g.ow * 4);
  const sBand = align64(sTaps + (kh * kw + 2) * 8);
  const scratch = sBand + bandRows * Wb * g.c * 4 + 64;
  const p = {
    Hs: g.h,
    Ws: g.w,
    C: g.c,
    top: g.top,
    left: g.left,
    kh,
    kw,
    sh: g.sh,
    sw: g.sw,
    dh: g.dh,
    dw: g.dw,
    oh: g.oh,
    ow: g.ow,
    N: cOut,
    K,
    Wb,
    direct,
    chunkRows,
    sRows,
    sTaps,
    sBand,
  };
  const starts = tiles(cfg, g.n * g.oh, g.ow * cOut, g.ow * cOut * K);
  return makeJob("convF32", "conv2d", [x, w], out, p, starts, work, scratch);
}

/** Plans `conv2dBackpropInput`: `col2im(dy W^T)`, tiles of input-gradient rows. */
export function planConvInput(
  [dy, w]: readonly PlanIn[],
  attrs: Conv2dGeometry,
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const [kh, kw, cIn, cOut] = w.shape;
  const g = convGeom(out.shape, kh, kw, attrs, [dy.shape[1], dy.shape[2]]);
  const K = kh * kw * cIn;
  const work = g.n * g.oh * g.ow * cOut * Math.max(1, K);
  if (!(cfg.simd && out.dtype === "float32")) {
    const starts = tiles(cfg, g.n * g.h * g.w, cIn, cIn * K);
    const p = jsParams(g, cOut);
    return makeJob("convInputJs", "conv2dBackpropInput", [dy, w], out, p, starts, work);
  }
  const chunkPixels = Math.max(g.ow, Math.min(CHUNK_PIXELS, Math.floor(65536 / Math.max(1, K))));
  const chunkRows = Math.max(1, Math.floor(chunkPixels / Math.max(1, g.ow)));
  const sRows = align64(panelLayout(cOut, K, cfg.nr).bytes);
  const sTaps = align64(sRows + chunkRows * g.ow * 4);
  const sCols = align64(sTaps + 64);
  const scratch = sCols + chunkRows * g.ow * K * 4 + 64;
  const p = { ...g, N: cOut, K, chunkRows, sRows, sTaps, sCols };
  const perRow = (work / Math.max(1, g.n * g.h)) || 1;
  const starts = tiles(cfg, g.n * g.h, g.w * cIn, perRow);
  return makeJob("convInputF32", "conv2dBackpropInput", [dy, w], out, p, starts, work, scratch);
}

/** Plans `conv2dBackpropFilter`: tiles of filter rows `(p, q, c)`. */
export function planConvFilter(
  [x, dy]: readonly PlanIn[],
  attrs: Conv2dGeometry,
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const [kh, kw, cIn, cOut] = out.shape;
  const g = convGeom(x.shape, kh, kw, attrs, [dy.shape[1], dy.shape[2]]);
  const K = kh * kw * cIn, P = g.n * g.oh * g.ow;
  const starts = tiles(cfg, K, cOut, cOut * P);
  const work = K * cOut * Math.max(1, P);
  if (!(cfg.simd && out.dtype === "float32")) {
    return makeJob(
      "convFilterJs",
      "conv2dBackpropFilter",
      [x, dy],
      out,
      jsParams(g, cOut),
      starts,
      work,
    );
  }
  if (cfg.partials && K < 24 * cfg.threads && P > 0) return planConvFilterParts(x, dy, out, cfg, g);
  const Hb = P === 0 ? 0 : (g.oh - 1) * g.sh + (kh - 1) * g.dh + 1;
  const Wb = P === 0 ? 0 : (g.ow - 1) * g.sw + (kw - 1) * g.dw + 1;
  const direct = g.top === 0 && g.left === 0 && Hb <= g.h && Wb <= g.w ? 1 : 0;
  const sRows = align64(panelLayout(P, cOut, cfg.nr).bytes);
  const sTaps = align64(sRows + K * 4);
  const sBand = align64(sTaps + (Math.min(g.n * g.oh, KC) + 2) * 8);
  const scratch = sBand + (direct ? 0 : g.n * Hb * Wb * cIn * 4) + 64;
  const p = { ...g, C: cIn, N: cOut, K, Hb, Wb, direct, sRows, sTaps, sBand };
  return makeJob("convFilterF32", "conv2dBackpropFilter", [x, dy], out, p, starts, work, scratch);
}

/**
 * `conv2dBackpropFilter` with few filter rows: tiles of output rows `(b, i)` (pixel ranges of the
 * reduction), each computing a whole partial filter gradient; the partials are then summed.
 */
function planConvFilterParts(
  x: PlanIn,
  dy: PlanIn,
  out: OutInfo,
  cfg: PlanCfg,
  g: ConvGeom,
): Job {
  const [kh, kw, cIn, cOut] = out.shape;
  const K = kh * kw * cIn, P = g.n * g.oh * g.ow;
  const starts = tiles(cfg, g.n * g.oh, 1, g.ow * K * cOut);
  let most = 0;
  for (let t = 0; t + 1 < starts.length; t++) most = Math.max(most, starts[t + 1] - starts[t]);
  const Hb = (g.oh - 1) * g.sh + (kh - 1) * g.dh + 1;
  const Wb = (g.ow - 1) * g.sw + (kw - 1) * g.dw + 1;
  const direct = g.top === 0 && g.left === 0 && Hb <= g.h && Wb <= g.w ? 1 : 0;
  const sRows = align64(panelLayout(most * g.ow, cOut, cfg.nr).bytes);
  const sTaps = align64(sRows + K * 4);
  const sBand = align64(sTaps + (Math.min(most, KC) + 2) * 8);
  const scratch = sBand + (direct ? 0 : g.n * Hb * Wb * cIn * 4) + 64;
  const p = { ...g, C: cIn, N: cOut, K, Hb, Wb, direct, sRows, sTaps, sBand };
  const work = K * cOut * P;
  const job = makeJob(
    "convFilterPartF32",
    "conv2dBackpropFilter",
    [x, dy],
    out,
    p,
    starts,
    work,
    scratch,
  );
  return { ...job, combine: "sum", partDtype: "float32" };
}

/** Plans `im2col`: tiles of patch rows. */
export function planIm2col(
  [x]: readonly PlanIn[],
  attrs: Conv2dGeometry & { readonly filterSize: readonly [number, number] },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const g = convGeom(x.shape, attrs.filterSize[0], attrs.filterSize[1], attrs);
  const K = g.kh * g.kw * g.c, rows = g.n * g.oh * g.ow;
  return makeJob("im2col", "im2col", [x], out, jsParams(g, 0), tiles(cfg, rows, K, K), rows * K);
}

/** Plans `col2im`: tiles of image pixels. */
export function planCol2im(
  [cols]: readonly PlanIn[],
  attrs: Conv2dGeometry & { readonly filterSize: readonly [number, number] },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const g = convGeom(out.shape, attrs.filterSize[0], attrs.filterSize[1], attrs);
  const pixels = g.n * g.h * g.w, per = g.kh * g.kw * g.c;
  const starts = tiles(cfg, pixels, g.c, per);
  return makeJob("col2im", "col2im", [cols], out, jsParams(g, 0), starts, pixels * per);
}
