/**
 * Convolution kernels, lowered to im2col and matrix products as the course notes teach:
 *
 * - `conv2d(x, w) = im2col(x) @ W`, with `W = reshape(w, [kh*kw*cIn, cOut])`;
 * - `conv2dBackpropFilter(x, dy) = im2col(x)^T @ dy` (dy read as `[n*oh*ow, cOut]`);
 * - `conv2dBackpropInput(dy, w) = col2im(dy @ W^T)`.
 *
 * The patch matrix is built a block of rows at a time, so memory stays bounded for large inputs.
 * @module
 */

import { allocate, type TypedArray } from "../../core/dtype.ts";
import type { Conv2dGeometry, Kernel, Shape } from "../../core/primitives.ts";
import { gemmAcc } from "./_matmul.ts";
import { sizeOf } from "./_strides.ts";

/** The most patch-matrix elements held at once by the conv kernels (8 MiB of doubles). */
const BLOCK_ELEMENTS = 1 << 20;

/** An image's patch layout, every size resolved to a number. */
export interface Patches {
  /** Batch size. */
  readonly n: number;
  /** Image height. */
  readonly h: number;
  /** Image width. */
  readonly w: number;
  /** Image channels. */
  readonly c: number;
  /** Filter height. */
  readonly kh: number;
  /** Filter width. */
  readonly kw: number;
  /** Output height. */
  readonly oh: number;
  /** Output width. */
  readonly ow: number;
  /** Vertical stride. */
  readonly sh: number;
  /** Horizontal stride. */
  readonly sw: number;
  /** Vertical dilation. */
  readonly dh: number;
  /** Horizontal dilation. */
  readonly dw: number;
  /** Padding above. */
  readonly top: number;
  /** Padding on the left. */
  readonly left: number;
}

/** The number of window positions along one axis: `floor((in + pads - d*(k-1) - 1) / s) + 1`. */
export function windowCount(
  size: number,
  k: number,
  stride: number,
  dilation: number,
  pads: readonly [number, number],
): number {
  const span = size + pads[0] + pads[1] - dilation * (k - 1) - 1;
  return span < 0 ? 0 : Math.floor(span / stride) + 1;
}

/**
 * The patch layout of an NHWC image shaped `image` under a `kh x kw` filter with geometry `g`;
 * the output size is computed from the geometry unless given as `[oh, ow]`.
 */
export function patches(
  image: Shape,
  kh: number,
  kw: number,
  g: Conv2dGeometry,
  outHW?: readonly [number, number],
): Patches {
  const [n, h, w, c] = image;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const oh = outHW ? outHW[0] : windowCount(h, kh, sh, dh, g.padding[0]);
  const ow = outHW ? outHW[1] : windowCount(w, kw, sw, dw, g.padding[1]);
  return {
    n,
    h,
    w,
    c,
    kh,
    kw,
    oh,
    ow,
    sh,
    sw,
    dh,
    dw,
    top: g.padding[0][0],
    left: g.padding[1][0],
  };
}

/**
 * Writes rows `r0 <= r < r1` of `im2col(x)` into `cols` from index 0: row `(b*oh + i)*ow + j`,
 * column `(p*kw + q)*c + ch` holds `x[b, i*sh + p*dh - top, j*sw + q*dw - left, ch]`, or 0 where
 * that cell lies in the padding.
 */
export function im2colRows(
  x: TypedArray,
  g: Patches,
  r0: number,
  r1: number,
  cols: TypedArray,
): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, top, left } = g;
  let o = 0;
  for (let r = r0; r < r1; r++) {
    const b = Math.floor(r / (oh * ow));
    const i = Math.floor((r - b * oh * ow) / ow);
    const j = r - (b * oh + i) * ow;
    for (let p = 0; p < kh; p++) {
      const y = i * sh + p * dh - top;
      for (let q = 0; q < kw; q++) {
        const xx = j * sw + q * dw - left;
        if (y < 0 || y >= h || xx < 0 || xx >= w) {
          for (let ch = 0; ch < c; ch++) cols[o++] = 0;
        } else {
          const src = ((b * h + y) * w + xx) * c;
          for (let ch = 0; ch < c; ch++) cols[o++] = x[src + ch];
        }
      }
    }
  }
}

/**
 * The adjoint of `im2colRows`: adds rows `r0 <= r < r1` of a patch matrix (held in `cols` from
 * index 0) into the image accumulator `acc`, dropping entries that came from the padding.
 */
export function col2imRows(
  cols: TypedArray,
  g: Patches,
  r0: number,
  r1: number,
  acc: Float64Array,
): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, top, left } = g;
  let o = 0;
  for (let r = r0; r < r1; r++) {
    const b = Math.floor(r / (oh * ow));
    const i = Math.floor((r - b * oh * ow) / ow);
    const j = r - (b * oh + i) * ow;
    for (let p = 0; p < kh; p++) {
      const y = i * sh + p * dh - top;
      for (let q = 0; q < kw; q++) {
        const xx = j * sw + q * dw - left;
        if (y < 0 || y >= h || xx < 0 || xx >= w) {
          o += c;
        } else {
          const dst = ((b * h + y) * w + xx) * c;
          for (let ch = 0; ch < c; ch++) acc[dst + ch] += cols[o++];
        }
      }
    }
  }
}

/** How many patch rows of `width` columns (and `width2` output columns) fit in one block. */
function blockRows(rowsTotal: number, width: number, width2: number): number {
  const fit = Math.max(1, Math.floor(BLOCK_ELEMENTS / Math.max(1, width, width2)));
  return Math.max(1, Math.min(rowsTotal, fit));
}

/** `x` `[n, h, w, cIn]` convolved with `w` `[kh, kw, cIn, cOut]`; out is `[n, oh, ow, cOut]`. */
export const conv2d: Kernel<TypedArray, "conv2d"> = ([x, w], geometry, out) => {
  const [kh, kw, cIn, cOut] = w.shape;
  const g = patches(x.shape, kh, kw, geometry, [out.shape[1], out.shape[2]]);
  const rowsTotal = g.n * g.oh * g.ow, k = kh * kw * cIn;
  const res = allocate(out.dtype, rowsTotal * cOut);
  const block = blockRows(rowsTotal, k, cOut);
  const cols = new Float64Array(block * k);
  const acc = new Float64Array(block * cOut);
  for (let r0 = 0; r0 < rowsTotal; r0 += block) {
    const rows = Math.min(block, rowsTotal - r0);
    im2colRows(x.handle, g, r0, r0 + rows, cols);
    acc.fill(0);
    gemmAcc(acc, cols, 0, w.handle, 0, rows, k, cOut, false, false);
    res.set(acc.subarray(0, rows * cOut), r0 * cOut);
  }
  return res;
};

/**
 * The gradient of `conv2d` in its input: `dy` `[n, oh, ow, cOut]` and `w` `[kh, kw, cIn, cOut]`
 * give `dx` shaped `out.shape` (`[n, h, w, cIn]`), as `col2im(dy @ W^T)`.
 */
export const conv2dBackpropInput: Kernel<TypedArray, "conv2dBackpropInput"> = (
  [dy, w],
  geometry,
  out,
) => {
  const [kh, kw, cIn, cOut] = w.shape;
  const g = patches(out.shape, kh, kw, geometry, [dy.shape[1], dy.shape[2]]);
  const rowsTotal = g.n * g.oh * g.ow, k = kh * kw * cIn;
  const dx = new Float64Array(sizeOf(out.shape));
  const block = blockRows(rowsTotal, k, cOut);
  const dcols = new Float64Array(block * k);
  for (let r0 = 0; r0 < rowsTotal; r0 += block) {
    const rows = Math.min(block, rowsTotal - r0);
    dcols.fill(0);
    gemmAcc(dcols, dy.handle, r0 * cOut, w.handle, 0, rows, cOut, k, false, true);
    col2imRows(dcols, g, r0, r0 + rows, dx);
  }
  const res = allocate(out.dtype, dx.length);
  res.set(dx);
  return res;
};

/**
 * The gradient of `conv2d` in its filter: `x` `[n, h, w, cIn]` and `dy` `[n, oh, ow, cOut]` give
 * `dw` shaped `out.shape` (`[kh, kw, cIn, cOut]`), as `im2col(x)^T @ dy`.
 */
export const conv2dBackpropFilter: Kernel<TypedArray, "conv2dBackpropFilter"> = (
  [x, dy],
  geometry,
  out,
) => {
  const [kh, kw, cIn, cOut] = out.shape;
  const g = patches(x.shape, kh, kw, geometry, [dy.shape[1], dy.shape[2]]);
  const rowsTotal = g.n * g.oh * g.ow, k = kh * kw * cIn;
  const dw = new Float64Array(k * cOut);
  const block = blockRows(rowsTotal, k, cOut);
  const cols = new Float64Array(block * k);
  for (let r0 = 0; r0 < rowsTotal; r0 += block) {
    const rows = Math.min(block, rowsTotal - r0);
    im2colRows(x.handle, g, r0, r0 + rows, cols);
    gemmAcc(dw, cols, 0, dy.handle, r0 * cOut, k, rows, cOut, true, false);
  }
  const res = allocate(out.dtype, dw.length);
  res.set(dw);
  return res;
};

/**
 * The patch matrix of `x` `[n, h, w, c]`: `[n*oh*ow, kh*kw*c]`, laid out as `im2colRows` says.
 */
export const im2col: Kernel<TypedArray, "im2col"> = ([x], attrs, out) => {
  const g = patches(x.shape, attrs.filterSize[0], attrs.filterSize[1], attrs);
  const res = allocate(out.dtype, sizeOf(out.shape));
  im2colRows(x.handle, g, 0, g.n * g.oh * g.ow, res);
  return res;
};

/** The adjoint of `im2col`: adds each patch entry back to its image cell; out is the image. */
export const col2im: Kernel<TypedArray, "col2im"> = ([cols], attrs, out) => {
  const g = patches(out.shape, attrs.filterSize[0], attrs.filterSize[1], attrs);
  const acc = new Float64Array(sizeOf(out.shape));
  col2imRows(cols.handle, g, 0, g.n * g.oh * g.ow, acc);
  const res = allocate(out.dtype, acc.length);
  res.set(acc);
  return res;
};
