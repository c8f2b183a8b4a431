/**
 * Pooling kernels: `pool2d` (max and average) and the two pooling VJPs. Every loop keeps the
 * channel axis innermost, so it walks contiguous NHWC memory.
 * @module
 */

import { allocate, type TypedArray } from "../../core/dtype.ts";
import type { Kernel, Pool2dGeometry } from "../../core/primitives.ts";

/**
 * The windows along one spatial axis, per output index `i`: the real cells `[start[i], end[i])`
 * (clipped to the input) and `padded[i]`, the number of cells inside the padded input, which is
 * the divisor of an average that counts padding.
 */
interface Windows {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly padded: Int32Array;
}

/** The windows of size `k` and `stride` over an axis of `size` cells padded by `pads`. */
function windows(
  size: number,
  k: number,
  stride: number,
  pads: readonly [number, number],
  count: number,
): Windows {
  const start = new Int32Array(count), end = new Int32Array(count), padded = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const lo = i * stride - pads[0], hi = lo + k;
    start[i] = Math.max(0, lo);
    end[i] = Math.min(size, hi);
    padded[i] = Math.min(size + pads[1], hi) - Math.max(-pads[0], lo);
  }
  return { start, end, padded };
}

/** The windows of a pooling with geometry `g` over `[n, h, w, c]`, for an `oh x ow` output. */
function poolWindows(
  g: Pool2dGeometry,
  h: number,
  w: number,
  oh: number,
  ow: number,
): [Windows, Windows] {
  return [
    windows(h, g.window[0], g.stride[0], g.padding[0], oh),
    windows(w, g.window[1], g.stride[1], g.padding[1], ow),
  ];
}

/**
 * Max or average pooling of `x` `[n, h, w, c]` to `out.shape` `[n, oh, ow, c]`. Padded cells
 * never win a max; they count in an average's divisor only when `countPadded`. A window with no
 * real cell (possible only when padding is at least the window) gives 0.
 */
export const pool2d: Kernel<TypedArray, "pool2d"> = ([x], attrs, out) => {
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = out.shape;
  const [rows, cols] = poolWindows(attrs, h, w, oh, ow);
  const data = x.handle;
  const res = allocate(out.dtype, n * oh * ow * c);
  const buf = new Float64Array(c);
  const isMax = attrs.op === "max";
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const y0 = rows.start[i], y1 = rows.end[i];
      for (let j = 0; j < ow; j++) {
        const x0 = cols.start[j], x1 = cols.end[j];
        if (y0 >= y1 || x0 >= x1) continue;
        const o = ((b * oh + i) * ow + j) * c;
        const first = ((b * h + y0) * w + x0) * c;
        for (let ch = 0; ch < c; ch++) buf[ch] = isMax ? data[first + ch] : 0;
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const src = ((b * h + y) * w + xx) * c;
            if (isMax) {
              for (let ch = 0; ch < c; ch++) if (data[src + ch] > buf[ch]) buf[ch] = data[src + ch];
            } else {
              for (let ch = 0; ch < c; ch++) buf[ch] += data[src + ch];
            }
          }
        }
        if (isMax) {
          for (let ch = 0; ch < c; ch++) res[o + ch] = buf[ch];
        } else {
          const count = attrs.countPadded ? rows.padded[i] * cols.padded[j] : (y1 - y0) * (x1 - x0);
          for (let ch = 0; ch < c; ch++) res[o + ch] = buf[ch] / count;
        }
      }
    }
  }
  return res;
};

/**
 * The VJP of max pooling: `x` `[n, h, w, c]` and `dy` `[n, oh, ow, c]` give `dx` shaped like `x`.
 * Each `dy` cell goes to the cell that won its window (ties to the first in row-major window
 * order); overlapping windows add up.
 */
export const maxPool2dBackward: Kernel<TypedArray, "maxPool2dBackward"> = ([x, dy], attrs, out) => {
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = dy.shape;
  const [rows, cols] = poolWindows(attrs, h, w, oh, ow);
  const data = x.handle, g = dy.handle;
  const acc = new Float64Array(n * h * w * c);
  const best = new Float64Array(c);
  const winner = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const y0 = rows.start[i], y1 = rows.end[i];
      for (let j = 0; j < ow; j++) {
        const x0 = cols.start[j], x1 = cols.end[j];
        if (y0 >= y1 || x0 >= x1) continue;
        const first = ((b * h + y0) * w + x0) * c;
        for (let ch = 0; ch < c; ch++) {
          best[ch] = data[first + ch];
          winner[ch] = first + ch;
        }
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const src = ((b * h + y) * w + xx) * c;
            for (let ch = 0; ch < c; ch++) {
              if (data[src + ch] > best[ch]) {
                best[ch] = data[src + ch];
                winner[ch] = src + ch;
              }
            }
          }
        }
        const o = ((b * oh + i) * ow + j) * c;
        for (let ch = 0; ch < c; ch++) acc[winner[ch]] += g[o + ch];
      }
    }
  }
  const res = allocate(out.dtype, acc.length);
  res.set(acc);
  return res;
};

/**
 * The VJP of average pooling: `dy` `[n, oh, ow, c]` gives `dx` shaped `out.shape`
 * (`[n, h, w, c]`); each `dy` cell is spread over its window's real cells, divided by the
 * forward pass's divisor.
 */
export const avgPool2dBackward: Kernel<TypedArray, "avgPool2dBackward"> = ([dy], attrs, out) => {
  const [n, h, w, c] = out.shape;
  const [, oh, ow] = dy.shape;
  const [rows, cols] = poolWindows(attrs, h, w, oh, ow);
  const g = dy.handle;
  const acc = new Float64Array(n * h * w * c);
  const share = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const y0 = rows.start[i], y1 = rows.end[i];
      for (let j = 0; j < ow; j++) {
        const x0 = cols.start[j], x1 = cols.end[j];
        if (y0 >= y1 || x0 >= x1) continue;
        const count = attrs.countPadded ? rows.padded[i] * cols.padded[j] : (y1 - y0) * (x1 - x0);
        const o = ((b * oh + i) * ow + j) * c;
        for (let ch = 0; ch < c; ch++) share[ch] = g[o + ch] / count;
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const dst = ((b * h + y) * w + xx) * c;
            for (let ch = 0; ch < c; ch++) acc[dst + ch] += share[ch];
          }
        }
      }
    }
  }
  const res = allocate(out.dtype, acc.length);
  res.set(acc);
  return res;
};
