/**
 * Convolutions as implicit GEMMs on the tiled template (no im2col buffer: the A loads gather
 * patches on the fly, see `_conv_wgsl.ts`), plus im2col and col2im as one-thread-per-output
 * gathers (col2im sums the patch entries of each image cell in a fixed order: deterministic, no
 * atomics).
 *
 * - conv2d: rows are output cells `(b, i, j)`, columns output channels, the sum runs over
 *   `(p, q, c)`; B is the filter read as `[kh*kw*cIn, cOut]`.
 * - conv2dBackpropInput: when one image's patch matrix fits a binding, the plain product
 *   `cols = dy @ w^T` followed by col2im (fastest: no load skips taps). Otherwise an implicit
 *   GEMM: rows are input cells `(b, y, x)`, columns input channels, the sum runs over
 *   `(p, q, o)`, reading `dy` where `y + top - p*dh` is a multiple of the stride.
 * - conv2dBackpropFilter: rows are filter taps `(p, q, c)`, columns output channels, the sum runs
 *   over `(b, i, j)` (long: split-K applies).
 *
 * Inputs larger than one storage binding are split over groups of images; filter gradients of
 * the groups are then added in group order. The lookup tables the loads use are uploaded once
 * per geometry and kept in a small cache.
 * @module
 */

import type { Conv2dGeometry, Kernel, KTensor, Shape } from "../../core/primitives.ts";
import type { Binding, Buf, GpuContext } from "./_context.ts";
import {
  backFilterLoads,
  backFilterTable,
  backInputLoads,
  backInputTable,
  col2imSource,
  convLoads,
  convTable,
  geometry,
  im2colSource,
} from "./_conv_wgsl.ts";
import { addInto, runGemm } from "./_gemm.ts";
import { matmulLoads } from "./_matmul.ts";
import { flatGroups, wgslType } from "./_wgsl.ts";
import { LimitExceededError } from "./errors.ts";

/** Largest patch matrix (bytes) conv2dBackpropInput materializes at once. */
const COLS_BUDGET = 64 * 2 ** 20;

/** Lookup tables kept per geometry (least recently used first out). */
const TABLES = 32;

/** The output size of one convolution axis. */
function outSize(n: number, k: number, s: number, d: number, pads: readonly [number, number]) {
  return Math.floor((n + pads[0] + pads[1] - ((k - 1) * d + 1)) / s) + 1;
}

/** Images per group so that every per-image binding fits (and the whole ones do). */
function imagesPerGroup(
  ctx: GpuContext,
  op: string,
  n: number,
  perImage: readonly number[],
  whole: readonly number[],
): number {
  const limit = ctx.limits.maxStorageBufferBindingSize;
  const slack = ctx.limits.minStorageBufferOffsetAlignment;
  for (const w of whole) {
    if (w * 4 > limit) {
      throw new LimitExceededError(op, "maxStorageBufferBindingSize", w * 4, limit);
    }
  }
  const big = Math.max(...perImage, 1) * 4;
  if (big * n <= limit) return n;
  const per = Math.floor((limit - slack) / big);
  if (per < 1) throw new LimitExceededError(op, "maxStorageBufferBindingSize", big + slack, limit);
  ctx.noteSplit();
  return per;
}

/** Builds the convolution kernels for `ctx`. */
export function convKernels(ctx: GpuContext): {
  conv2d: Kernel<Buf, "conv2d">;
  conv2dBackpropInput: Kernel<Buf, "conv2dBackpropInput">;
  conv2dBackpropFilter: Kernel<Buf, "conv2dBackpropFilter">;
  im2col: Kernel<Buf, "im2col">;
  col2im: Kernel<Buf, "col2im">;
} {
  const tables = new Map<string, Buf>();
  /** The uploaded table for `key`, built by `build` on a miss. */
  const table = (key: string, build: () => Int32Array): Binding => {
    let h = tables.get(key);
    if (h) {
      tables.delete(key); // re-insert: most recently used last
    } else {
      h = ctx.upload(build());
      if (tables.size >= TABLES) {
        const [oldest, old] = tables.entries().next().value!;
        tables.delete(oldest);
        ctx.release(old);
      }
    }
    tables.set(key, h);
    return ctx.whole(h);
  };

  /**
   * Runs an image-major product (`a` and the result hold whole images) in groups of images;
   * `b` and the table are bound whole.
   */
  const imageMajor = (
    op: string,
    spec: { key: string; type: string; loads: string; table: boolean },
    [a, b]: readonly [KTensor<Buf>, KTensor<Buf>],
    outShape: Shape,
    size: { rowsPer: number; cols: number; k: number },
    tab: Binding,
    geo: number[],
  ): Buf => {
    const n = outShape[0];
    const aPer = a.shape[1] * a.shape[2] * a.shape[3];
    const outPer = size.rowsPer * size.cols;
    const group = imagesPerGroup(ctx, op, n, [aPer, outPer], [b.handle.byteLength / 4]);
    return ctx.output(n * outPer * 4, (res) => {
      for (let b0 = 0; b0 < n; b0 += group) {
        const nb = Math.min(group, n - b0);
        const wa = ctx.window(a.handle, b0 * aPer, nb * aPer);
        const wo = ctx.window(res, b0 * outPer, nb * outPer);
        runGemm(
          ctx,
          op,
          spec,
          { z: 1, m: nb * size.rowsPer, n: size.cols, k: size.k },
          { a: wa.bind, b: ctx.whole(b.handle), out: wo.bind, outDelta: wo.delta, table: tab },
          [wa.delta, 0, ...geo],
        );
      }
    });
  };

  const gatherKernel = (
    op: string,
    key: string,
    source: string,
    x: KTensor<Buf>,
    n: number,
    geo: number[],
  ): Buf => {
    const pipeline = ctx.pipeline(key, () => source);
    return ctx.output(n * 4, (res) => {
      const binds = [ctx.whole(res), ctx.whole(x.handle)];
      ctx.dispatch(op, pipeline, binds, [n, ...geo, 0], flatGroups(n));
    });
  };

  /** im2col / col2im geometry for image shape `x`. */
  const patchGeometry = (
    x: Shape,
    g: Conv2dGeometry & { readonly filterSize: readonly [number, number] },
  ) => {
    const [kh, kw] = g.filterSize;
    const oh = outSize(x[1], kh, g.stride[0], g.dilation[0], g.padding[0]);
    const ow = outSize(x[2], kw, g.stride[1], g.dilation[1], g.padding[1]);
    return geometry(x, [oh, ow], [kh, kw], 0, g);
  };

  /**
   * conv2dBackpropInput as a plain product and a gather, when one image's patch matrix fits a
   * binding: `cols = dy @ w^T` (`[oh*ow, kh*kw*cIn]` per image), then col2im sums each input
   * cell's patch entries. Faster than the implicit GEMM, whose loads must skip the taps that
   * miss; undefined when the patch matrix is too large (the caller then uses the implicit one).
   */
  const backInputViaCols = (
    dy: KTensor<Buf>,
    w: KTensor<Buf>,
    xShape: Shape,
    t: string,
    geo: number[],
  ): Buf | undefined => {
    const op = "webgpu conv2dBackpropInput";
    const [n, oh, ow, co] = dy.shape;
    const [kh, kw, ci] = w.shape;
    const colsPer = oh * ow * kh * kw * ci, dyPer = oh * ow * co;
    const dxPer = xShape[1] * xShape[2] * xShape[3];
    const limit = ctx.limits.maxStorageBufferBindingSize;
    const slack = ctx.limits.minStorageBufferOffsetAlignment;
    const big = Math.max(colsPer, dyPer, dxPer, 1) * 4;
    if (big + slack > limit || w.handle.byteLength > limit) return undefined;
    const group = Math.min(
      n,
      Math.max(1, Math.floor((Math.min(limit, COLS_BUDGET) - slack) / big)),
    );
    const spec = { key: `matmul:${t}:false:true`, type: t, loads: matmulLoads(t, false, true) };
    const pipeline = ctx.pipeline(`col2im:${t}`, () => col2imSource(t));
    return ctx.output(n * dxPer * 4, (res) => {
      for (let b0 = 0; b0 < n; b0 += group) {
        const nb = Math.min(group, n - b0);
        ctx.scratch(nb * colsPer * 4, (cols) => {
          const wd = ctx.window(dy.handle, b0 * dyPer, nb * dyPer);
          runGemm(
            ctx,
            op,
            spec,
            { z: 1, m: nb * oh * ow, n: kh * kw * ci, k: co },
            { a: wd.bind, b: ctx.whole(w.handle), out: ctx.whole(cols), outDelta: 0 },
            [wd.delta, 0, 0, 0],
          );
          const wx = ctx.window(res, b0 * dxPer, nb * dxPer);
          const binds = [wx.bind, ctx.whole(cols)];
          ctx.dispatch(op, pipeline, binds, [nb * dxPer, ...geo, wx.delta], flatGroups(nb * dxPer));
        });
      }
    });
  };

  return {
    conv2d([x, w], g, out) {
      const t = wgslType(out.dtype);
      const [, oh, ow, co] = out.shape;
      const [kh, kw, ci] = w.shape;
      const geo = geometry(x.shape, [oh, ow], [kh, kw], co, g);
      const spec = { key: `conv2d:${t}`, type: t, loads: convLoads(t), table: true };
      const tab = table(
        `conv:${x.shape[2]}:${ci}:${kh}:${kw}:${g.dilation}`,
        () => convTable(x.shape[2], ci, kh, kw, g),
      );
      const size = { rowsPer: oh * ow, cols: co, k: kh * kw * ci };
      return imageMajor("webgpu conv2d", spec, [x, w], out.shape, size, tab, geo);
    },
    conv2dBackpropInput([dy, w], g, out) {
      const t = wgslType(out.dtype);
      const [, h, wd, ci] = out.shape;
      const [kh, kw, , co] = w.shape;
      const geo = geometry(out.shape, [dy.shape[1], dy.shape[2]], [kh, kw], co, g);
      const viaCols = backInputViaCols(dy, w, out.shape, t, geo);
      if (viaCols) return viaCols;
      const unit = g.stride[0] === 1 && g.stride[1] === 1;
      const spec = {
        key: `convBackInput:${t}:${unit}`,
        type: t,
        loads: backInputLoads(t, unit),
        table: true,
      };
      const tab = table(
        `backInput:${ci}:${co}:${kh}:${kw}:${g.dilation}`,
        () => backInputTable(ci, co, kh, kw, g),
      );
      const size = { rowsPer: h * wd, cols: ci, k: kh * kw * co };
      return imageMajor("webgpu conv2dBackpropInput", spec, [dy, w], out.shape, size, tab, geo);
    },
    conv2dBackpropFilter([x, dy], g, out) {
      const op = "webgpu conv2dBackpropFilter";
      const t = wgslType(out.dtype);
      const [kh, kw, ci, co] = out.shape;
      const [n, oh, ow] = dy.shape;
      const geo = geometry(x.shape, [oh, ow], [kh, kw], co, g);
      const spec = { key: `convBackFilter:${t}`, type: t, loads: backFilterLoads(t), table: true };
      const mn = kh * kw * ci * co;
      const xPer = x.shape[1] * x.shape[2] * x.shape[3];
      const dyPer = oh * ow * co;
      const group = imagesPerGroup(ctx, op, n, [xPer, dyPer, 4 * oh * ow], [mn]);
      const groups = Math.ceil(n / group);
      const tab = table(
        `backFilter:${group}:${x.shape}:${oh}:${ow}:${g.stride}`,
        () => backFilterTable(group, x.shape, oh, ow, g),
      );
      const product = (gi: number, out: Binding, outDelta: number) => {
        const b0 = gi * group, nb = Math.min(group, n - b0);
        const wx = ctx.window(x.handle, b0 * xPer, nb * xPer);
        const wdy = ctx.window(dy.handle, b0 * dyPer, nb * dyPer);
        runGemm(
          ctx,
          op,
          spec,
          { z: 1, m: kh * kw * ci, n: co, k: nb * oh * ow },
          { a: wx.bind, b: wdy.bind, out, outDelta, table: tab },
          [wx.delta, wdy.delta, ...geo],
        );
      };
      return ctx.output(mn * 4, (res) => {
        product(0, ctx.whole(res), 0);
        // Later groups of images: their filter gradients are added in group order.
        for (let gi = 1; gi < groups; gi++) {
          ctx.scratch(mn * 4, (part) => {
            product(gi, ctx.whole(part), 0);
            addInto(ctx, op, t, res, part, mn);
          });
        }
      });
    },
    im2col([x], g, out) {
      const t = wgslType(out.dtype);
      const n = out.shape[0] * out.shape[1];
      const geo = patchGeometry(x.shape, g);
      return gatherKernel("webgpu im2col", `im2col:${t}`, im2colSource(t), x, n, geo);
    },
    col2im([cols], g, out) {
      const t = wgslType(out.dtype);
      const x = out.shape;
      const n = x[0] * x[1] * x[2] * x[3];
      const geo = patchGeometry(x, g);
      return gatherKernel("webgpu col2im", `col2im:${t}`, col2imSource(t), cols, n, geo);
    },
  };
}
