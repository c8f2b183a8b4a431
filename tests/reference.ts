/**
 * Direct-loop float64 reference implementations of every primitive in `core/primitives.ts`,
 * written independently of any backend and in the most obvious way (conv2d as the 7-deep loop,
 * pooling by explicit window loops, col2im and conv backprop as explicit scatters). Clarity over
 * speed: the conformance suite compares every backend against these.
 *
 * Every function takes the inputs as plain float64 data plus shapes, the primitive's attributes
 * and the output shape, and returns the output data (int32 results as float64 integers).
 * @module
 */

import type {
  ArgReduceOp,
  BinaryOp,
  Conv2dGeometry,
  Pool2dGeometry,
  ReduceOp,
  Shape,
  UnaryOp,
} from "../core/primitives.ts";
import type { DType } from "../core/dtype.ts";

/** One input of a reference function: its shape and its data as float64. */
export interface RefTensor {
  /** The shape. */
  readonly shape: Shape;
  /** The data, dense and row-major. */
  readonly data: Float64Array;
}

/** The number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The row-major coordinates of flat index `flat` in `shape`. */
function coordsOf(flat: number, shape: Shape): number[] {
  const coords = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    coords[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return coords;
}

/** The flat index in `shape` of output coordinates `coords` under NumPy broadcasting. */
function broadcastFlat(coords: readonly number[], shape: Shape): number {
  const offset = coords.length - shape.length;
  let flat = 0;
  for (let i = 0; i < shape.length; i++) {
    flat = flat * shape[i] + (shape[i] === 1 ? 0 : coords[offset + i]);
  }
  return flat;
}

/** The flat index of `coords` in `shape`. */
function flatOf(coords: readonly number[], shape: Shape): number {
  let flat = 0;
  for (let i = 0; i < shape.length; i++) flat = flat * shape[i] + coords[i];
  return flat;
}

/** Each unary op on one number. */
export const UNARY_FNS: { readonly [op in UnaryOp]: (x: number) => number } = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  step: (x) => (x > 0 ? 1 : 0),
  exp: (x) => Math.exp(x),
  log: (x) => Math.log(x),
  sqrt: (x) => Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  relu: (x) => (x > 0 ? x : 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: (x) => Math.tanh(x),
};

/** Each binary op on two numbers. */
export const BINARY_FNS: { readonly [op in BinaryOp]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  maximum: (a, b) => (a > b ? a : b),
  minimum: (a, b) => (a < b ? a : b),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
};

/** `unary` `(x)`: `out[i] = op(x[i])`. */
export function unary(
  inputs: readonly RefTensor[],
  attrs: { readonly op: UnaryOp },
  outShape: Shape,
): Float64Array {
  const out = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < out.length; i++) out[i] = UNARY_FNS[attrs.op](inputs[0].data[i]);
  return out;
}

/** `binary` `(a, b)`: `op` applied elementwise with both inputs broadcast to `outShape`. */
export function binary(
  inputs: readonly RefTensor[],
  attrs: { readonly op: BinaryOp },
  outShape: Shape,
): Float64Array {
  const [a, b] = inputs;
  const out = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < out.length; i++) {
    const c = coordsOf(i, outShape);
    out[i] = BINARY_FNS[attrs.op](
      a.data[broadcastFlat(c, a.shape)],
      b.data[broadcastFlat(c, b.shape)],
    );
  }
  return out;
}

/** `where` `(cond, a, b)`: `cond != 0 ? a : b`, all three broadcast to `outShape`. */
export function where(
  inputs: readonly RefTensor[],
  _attrs: Record<never, never>,
  outShape: Shape,
): Float64Array {
  const [cond, a, b] = inputs;
  const out = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < out.length; i++) {
    const c = coordsOf(i, outShape);
    out[i] = cond.data[broadcastFlat(c, cond.shape)] !== 0
      ? a.data[broadcastFlat(c, a.shape)]
      : b.data[broadcastFlat(c, b.shape)];
  }
  return out;
}

/** `broadcastTo` `(x)`: `x` repeated along its size-1 and missing leading axes. */
export function broadcastTo(
  inputs: readonly RefTensor[],
  _attrs: Record<never, never>,
  outShape: Shape,
): Float64Array {
  const x = inputs[0];
  const out = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < out.length; i++) {
    out[i] = x.data[broadcastFlat(coordsOf(i, outShape), x.shape)];
  }
  return out;
}

/** `reduce` `(x)`: sum, max or min over the sorted distinct `axes`; `outShape` drops them. */
export function reduce(
  inputs: readonly RefTensor[],
  attrs: { readonly op: ReduceOp; readonly axes: readonly number[] },
  outShape: Shape,
): Float64Array {
  const x = inputs[0];
  const init = attrs.op === "sum" ? 0 : attrs.op === "max" ? -Infinity : Infinity;
  const out = new Float64Array(sizeOf(outShape)).fill(init);
  for (let i = 0; i < x.data.length; i++) {
    const kept = coordsOf(i, x.shape).filter((_, axis) => !attrs.axes.includes(axis));
    const o = flatOf(kept, outShape);
    const v = x.data[i];
    if (attrs.op === "sum") out[o] += v;
    else if (attrs.op === "max") out[o] = v > out[o] ? v : out[o];
    else out[o] = v < out[o] ? v : out[o];
  }
  return out;
}

/** `argReduce` `(x)`: index along `axis` of the first max (min); `outShape` drops `axis`. */
export function argReduce(
  inputs: readonly RefTensor[],
  attrs: { readonly op: ArgReduceOp; readonly axis: number },
  outShape: Shape,
): Float64Array {
  const x = inputs[0];
  const out = new Float64Array(sizeOf(outShape));
  for (let o = 0; o < out.length; o++) {
    const coords = coordsOf(o, outShape);
    let best = 0;
    let bestValue = NaN;
    for (let k = 0; k < x.shape[attrs.axis]; k++) {
      const full = [...coords.slice(0, attrs.axis), k, ...coords.slice(attrs.axis)];
      const v = x.data[flatOf(full, x.shape)];
      const better = attrs.op === "argmax" ? v > bestValue : v < bestValue;
      if (k === 0 || better) {
        best = k;
        bestValue = v;
      }
    }
    out[o] = best;
  }
  return out;
}

/** `matmul` `(a, b)`: batched `A @ B` with optional transposes; batch size 1 broadcasts. */
export function matmul(
  inputs: readonly RefTensor[],
  attrs: { readonly transposeA: boolean; readonly transposeB: boolean },
  outShape: Shape,
): Float64Array {
  const [a, b] = inputs;
  const [batch, m, n] = outShape;
  const k = attrs.transposeA ? a.shape[1] : a.shape[2];
  const out = new Float64Array(sizeOf(outShape));
  for (let z = 0; z < batch; z++) {
    const za = a.shape[0] === 1 ? 0 : z;
    const zb = b.shape[0] === 1 ? 0 : z;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = attrs.transposeA ? a.data[(za * k + p) * m + i] : a.data[(za * m + i) * k + p];
          const bv = attrs.transposeB ? b.data[(zb * n + j) * k + p] : b.data[(zb * k + p) * n + j];
          acc += av * bv;
        }
        out[(z * m + i) * n + j] = acc;
      }
    }
  }
  return out;
}

/** The output size of one spatial axis: `floor((n + before + after - ((k-1)*d + 1)) / s) + 1`. */
export function convOutSize(
  n: number,
  k: number,
  stride: number,
  dilation: number,
  before: number,
  after: number,
): number {
  return Math.floor((n + before + after - ((k - 1) * dilation + 1)) / stride) + 1;
}

/**
 * Calls `visit(b, i, j, p, q, y, x)` for every batch `b`, output cell `(i, j)` and filter tap
 * `(p, q)` whose input cell `(y, x)` lies inside the image (taps on the padding are skipped).
 */
function forEachTap(
  geo: Conv2dGeometry,
  dims: { n: number; h: number; w: number; oh: number; ow: number; kh: number; kw: number },
  visit: (b: number, i: number, j: number, p: number, q: number, y: number, x: number) => void,
): void {
  const [sh, sw] = geo.stride;
  const [dh, dw] = geo.dilation;
  const top = geo.padding[0][0];
  const left = geo.padding[1][0];
  for (let b = 0; b < dims.n; b++) {
    for (let i = 0; i < dims.oh; i++) {
      for (let j = 0; j < dims.ow; j++) {
        for (let p = 0; p < dims.kh; p++) {
          for (let q = 0; q < dims.kw; q++) {
            const y = i * sh + p * dh - top;
            const x = j * sw + q * dw - left;
            if (y >= 0 && y < dims.h && x >= 0 && x < dims.w) visit(b, i, j, p, q, y, x);
          }
        }
      }
    }
  }
}

/** `conv2d` `(x, w)`: `x` `[n, h, w, cIn]`, `w` `[kh, kw, cIn, cOut]`; out `[n, oh, ow, cOut]`. */
export function conv2d(
  inputs: readonly RefTensor[],
  attrs: Conv2dGeometry,
  outShape: Shape,
): Float64Array {
  const [x, w] = inputs;
  const [n, h, wd, cin] = x.shape;
  const [kh, kw, , cout] = w.shape;
  const [, oh, ow] = outShape;
  const out = new Float64Array(sizeOf(outShape));
  forEachTap(attrs, { n, h, w: wd, oh, ow, kh, kw }, (b, i, j, p, q, y, xx) => {
    for (let o = 0; o < cout; o++) {
      for (let c = 0; c < cin; c++) {
        out[((b * oh + i) * ow + j) * cout + o] += x.data[((b * h + y) * wd + xx) * cin + c] *
          w.data[((p * kw + q) * cin + c) * cout + o];
      }
    }
  });
  return out;
}

/** `conv2dBackpropInput` `(dy, w)`: scatters `dy * w` back to the input cells (`x`'s shape). */
export function conv2dBackpropInput(
  inputs: readonly RefTensor[],
  attrs: Conv2dGeometry,
  outShape: Shape,
): Float64Array {
  const [dy, w] = inputs;
  const [n, h, wd, cin] = outShape;
  const [, oh, ow] = dy.shape;
  const [kh, kw, , cout] = w.shape;
  const dx = new Float64Array(sizeOf(outShape));
  forEachTap(attrs, { n, h, w: wd, oh, ow, kh, kw }, (b, i, j, p, q, y, xx) => {
    for (let o = 0; o < cout; o++) {
      for (let c = 0; c < cin; c++) {
        dx[((b * h + y) * wd + xx) * cin + c] += dy.data[((b * oh + i) * ow + j) * cout + o] *
          w.data[((p * kw + q) * cin + c) * cout + o];
      }
    }
  });
  return dx;
}

/** `conv2dBackpropFilter` `(x, dy)`: `dw[p, q, c, o] = sum xp[...] * dy[...]` (`w`'s shape). */
export function conv2dBackpropFilter(
  inputs: readonly RefTensor[],
  attrs: Conv2dGeometry,
  outShape: Shape,
): Float64Array {
  const [x, dy] = inputs;
  const [n, h, wd, cin] = x.shape;
  const [, oh, ow] = dy.shape;
  const [kh, kw, , cout] = outShape;
  const dw = new Float64Array(sizeOf(outShape));
  forEachTap(attrs, { n, h, w: wd, oh, ow, kh, kw }, (b, i, j, p, q, y, xx) => {
    for (let o = 0; o < cout; o++) {
      for (let c = 0; c < cin; c++) {
        dw[((p * kw + q) * cin + c) * cout + o] += x.data[((b * h + y) * wd + xx) * cin + c] *
          dy.data[((b * oh + i) * ow + j) * cout + o];
      }
    }
  });
  return dw;
}

/** The image-side dimensions of im2col / col2im for an image of shape `[n, h, w, c]`. */
function patchDims(
  image: Shape,
  attrs: Conv2dGeometry & { readonly filterSize: readonly [number, number] },
) {
  const [n, h, w, c] = image;
  const [kh, kw] = attrs.filterSize;
  const [[top, bottom], [left, right]] = attrs.padding;
  const oh = convOutSize(h, kh, attrs.stride[0], attrs.dilation[0], top, bottom);
  const ow = convOutSize(w, kw, attrs.stride[1], attrs.dilation[1], left, right);
  return { n, h, w, c, kh, kw, oh, ow };
}

/** `im2col` `(x)`: `x` `[n, h, w, c]` to patches `[n*oh*ow, kh*kw*c]` (0 in the padding). */
export function im2col(
  inputs: readonly RefTensor[],
  attrs: Conv2dGeometry & { readonly filterSize: readonly [number, number] },
  outShape: Shape,
): Float64Array {
  const x = inputs[0];
  const d = patchDims(x.shape, attrs);
  const out = new Float64Array(sizeOf(outShape));
  forEachTap(attrs, d, (b, i, j, p, q, y, xx) => {
    for (let ch = 0; ch < d.c; ch++) {
      const row = (b * d.oh + i) * d.ow + j;
      const col = (p * d.kw + q) * d.c + ch;
      out[row * d.kh * d.kw * d.c + col] = x.data[((b * d.h + y) * d.w + xx) * d.c + ch];
    }
  });
  return out;
}

/** `col2im` `(cols)`: the adjoint of `im2col`, scatter-adding patches into an image `outShape`. */
export function col2im(
  inputs: readonly RefTensor[],
  attrs: Conv2dGeometry & { readonly filterSize: readonly [number, number] },
  outShape: Shape,
): Float64Array {
  const cols = inputs[0];
  const d = patchDims(outShape, attrs);
  const out = new Float64Array(sizeOf(outShape));
  forEachTap(attrs, d, (b, i, j, p, q, y, xx) => {
    for (let ch = 0; ch < d.c; ch++) {
      const row = (b * d.oh + i) * d.ow + j;
      const col = (p * d.kw + q) * d.c + ch;
      out[((b * d.h + y) * d.w + xx) * d.c + ch] += cols.data[row * d.kh * d.kw * d.c + col];
    }
  });
  return out;
}

/**
 * Calls `visit(b, i, j, ch, cells)` for every pooling window, where `cells` lists the flat input
 * indices of the window's real cells in row-major window order, and `total` its full size.
 */
function forEachWindow(
  image: Shape,
  geo: Pool2dGeometry,
  pooled: Shape,
  visit: (outIndex: number, cells: number[], total: number) => void,
): void {
  const [n, h, w, c] = image;
  const [, oh, ow] = pooled;
  const [kh, kw] = geo.window;
  const [sh, sw] = geo.stride;
  const top = geo.padding[0][0];
  const left = geo.padding[1][0];
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let ch = 0; ch < c; ch++) {
          const cells: number[] = [];
          for (let p = 0; p < kh; p++) {
            for (let q = 0; q < kw; q++) {
              const y = i * sh + p - top;
              const x = j * sw + q - left;
              if (y >= 0 && y < h && x >= 0 && x < w) cells.push(((b * h + y) * w + x) * c + ch);
            }
          }
          visit(((b * oh + i) * ow + j) * c + ch, cells, kh * kw);
        }
      }
    }
  }
}

/** The first cell of `cells` holding the largest value of `data` (ties to the first). */
function firstMax(data: Float64Array, cells: readonly number[]): number {
  let best = cells[0];
  for (const cell of cells) if (data[cell] > data[best]) best = cell;
  return best;
}

/** `pool2d` `(x)`: max or mean of each window over `x` `[n, h, w, c]`; padded cells never win. */
export function pool2d(
  inputs: readonly RefTensor[],
  attrs: Pool2dGeometry & { readonly op: "max" | "avg"; readonly countPadded: boolean },
  outShape: Shape,
): Float64Array {
  const x = inputs[0];
  const out = new Float64Array(sizeOf(outShape));
  forEachWindow(x.shape, attrs, outShape, (o, cells, total) => {
    if (attrs.op === "max") {
      out[o] = x.data[firstMax(x.data, cells)];
    } else {
      let sum = 0;
      for (const cell of cells) sum += x.data[cell];
      out[o] = sum / (attrs.countPadded ? total : cells.length);
    }
  });
  return out;
}

/** `maxPool2dBackward` `(x, dy)`: each `dy` cell added to its window's first max (`x`'s shape). */
export function maxPool2dBackward(
  inputs: readonly RefTensor[],
  attrs: Pool2dGeometry,
  outShape: Shape,
): Float64Array {
  const [x, dy] = inputs;
  const dx = new Float64Array(sizeOf(outShape));
  forEachWindow(x.shape, attrs, dy.shape, (o, cells) => {
    dx[firstMax(x.data, cells)] += dy.data[o];
  });
  return dx;
}

/** `avgPool2dBackward` `(dy)`: each `dy` cell spread over its window's real cells / divisor. */
export function avgPool2dBackward(
  inputs: readonly RefTensor[],
  attrs: Pool2dGeometry & { readonly countPadded: boolean },
  outShape: Shape,
): Float64Array {
  const dy = inputs[0];
  const dx = new Float64Array(sizeOf(outShape));
  forEachWindow(outShape, attrs, dy.shape, (o, cells, total) => {
    const divisor = attrs.countPadded ? total : cells.length;
    for (const cell of cells) dx[cell] += dy.data[o] / divisor;
  });
  return dx;
}

/** `transpose` `(x)`: out axis `i` is `x` axis `perm[i]`. */
export function transpose(
  inputs: readonly RefTensor[],
  attrs: { readonly perm: readonly number[] },
  outShape: Shape,
): Float64Array {
  const x = inputs[0];
  const out = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < out.length; i++) {
    const oc = coordsOf(i, outShape);
    const xc = new Array<number>(x.shape.length);
    for (let a = 0; a < oc.length; a++) xc[attrs.perm[a]] = oc[a];
    out[i] = x.data[flatOf(xc, x.shape)];
  }
  return out;
}

/** `slice` `(x)`: the block of size `outShape` starting at `begin`. */
export function slice(
  inputs: readonly RefTensor[],
  attrs: { readonly begin: readonly number[] },
  outShape: Shape,
): Float64Array {
  const x = inputs[0];
  const out = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < out.length; i++) {
    const xc = coordsOf(i, outShape).map((c, a) => c + attrs.begin[a]);
    out[i] = x.data[flatOf(xc, x.shape)];
  }
  return out;
}

/** `pad` `(x)`: `x` surrounded by `value`, `paddings[i] = [before, after]` on axis `i`. */
export function pad(
  inputs: readonly RefTensor[],
  attrs: { readonly paddings: readonly (readonly [number, number])[]; readonly value: number },
  outShape: Shape,
): Float64Array {
  const x = inputs[0];
  const out = new Float64Array(sizeOf(outShape)).fill(attrs.value);
  for (let i = 0; i < x.data.length; i++) {
    const oc = coordsOf(i, x.shape).map((c, a) => c + attrs.paddings[a][0]);
    out[flatOf(oc, outShape)] = x.data[i];
  }
  return out;
}

/** `concat` `(...xs)`: the inputs joined along `axis`. */
export function concat(
  inputs: readonly RefTensor[],
  attrs: { readonly axis: number },
  outShape: Shape,
): Float64Array {
  const out = new Float64Array(sizeOf(outShape));
  let offset = 0;
  for (const x of inputs) {
    for (let i = 0; i < x.data.length; i++) {
      const oc = coordsOf(i, x.shape);
      oc[attrs.axis] += offset;
      out[flatOf(oc, outShape)] = x.data[i];
    }
    offset += x.shape[attrs.axis];
  }
  return out;
}

/**
 * `cast` `(x)`: `x` converted to dtype `to` (float to int truncates toward zero; to float32
 * rounds to nearest). Unlike the kernel, which reads the target from `out.dtype`, the reference
 * takes it as the attribute `to`.
 */
export function cast(
  inputs: readonly RefTensor[],
  attrs: { readonly to: DType },
  outShape: Shape,
): Float64Array {
  const x = inputs[0];
  const out = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < out.length; i++) {
    const v = x.data[i];
    out[i] = attrs.to === "int32" ? Math.trunc(v) : attrs.to === "float32" ? Math.fround(v) : v;
  }
  return out;
}

/** `oneHot` `(indices)`: out `[...s, depth]`, 1 at each index and 0 elsewhere. */
export function oneHot(
  inputs: readonly RefTensor[],
  attrs: { readonly depth: number },
  outShape: Shape,
): Float64Array {
  const indices = inputs[0];
  const out = new Float64Array(sizeOf(outShape));
  for (let i = 0; i < indices.data.length; i++) {
    const k = indices.data[i];
    if (k >= 0 && k < attrs.depth) out[i * attrs.depth + k] = 1;
  }
  return out;
}
