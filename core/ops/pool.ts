/**
 * Max and average pooling (overlapping windows allowed) and the global pools.
 * @module
 */

import { defineOp, type DiffOp } from "../op.ts";
import { normalizePair, type PaddingSpec2d, poolOutputSize, resolvePadding2d } from "../padding.ts";
import type { Pool2dGeometry } from "../primitives.ts";
import { runKernel } from "../_run.ts";
import type { Tensor } from "../tensor.ts";
import { checkFloat, checkRank, checkTensor } from "./_util.ts";
import { max, mean } from "./reduce.ts";

/** Options of {@linkcode maxPool2d}. */
export interface MaxPool2dOptions {
  /** The step between windows. @default {the window size (non-overlapping)} */
  readonly stride?: number | readonly [number, number];
  /**
   * `"valid"`, `"same"` (TensorFlow's rule), a number, or `[[top, bottom], [left, right]]`.
   * Padded cells never win the max. @default {"valid"}
   */
  readonly padding?: PaddingSpec2d;
}

/** Options of {@linkcode avgPool2d}. */
export interface AvgPool2dOptions extends MaxPool2dOptions {
  /**
   * Whether padded cells count in the divisor. `false` (TensorFlow's behaviour) divides by the
   * number of real cells in each window; `true` (PyTorch's default) always by the window area.
   * @default {false}
   */
  readonly countPadded?: boolean;
}

function resolvePool(
  op: string,
  x: Tensor,
  window: number | readonly [number, number],
  options: MaxPool2dOptions,
): { geometry: Pool2dGeometry; outShape: number[] } {
  checkTensor(op, "x", x);
  checkRank(op, "x", x, 4, "[n, h, w, c]");
  checkFloat(op, "x", x);
  const win = normalizePair(op, "window", window, 1);
  const stride = normalizePair(op, "stride", options.stride ?? win, 1);
  const [n, h, w, c] = x.shape;
  const padding = resolvePadding2d(op, options.padding ?? "valid", [h, w], win, stride, [1, 1]);
  const oh = poolOutputSize(op, h, win[0], stride[0], padding[0][0], padding[0][1]);
  const ow = poolOutputSize(op, w, win[1], stride[1], padding[1][0], padding[1][1]);
  return { geometry: { window: win, stride, padding }, outShape: [n, oh, ow, c] };
}

/**
 * Max pooling of `x` `[n, h, w, c]` with a `window` (one number or `[h, w]`), giving
 * `[n, oh, ow, c]`. The VJP sends each output's gradient to the cell that won its window (the
 * first one in row-major window order on ties); overlapping windows add up.
 *
 * @example
 * ```ts
 * import { maxPool2d, reshape, arange } from "@convkit/convkit";
 * const x = reshape(arange(16), [1, 4, 4, 1]);
 * await maxPool2d(x, 2).data();                  // Float32Array [5, 7, 13, 15]
 * maxPool2d(x, 3, { stride: 1 }).shape;          // [1, 2, 2, 1] (overlapping windows)
 * ```
 */
export const maxPool2d: DiffOp<
  [x: Tensor, window: number | readonly [number, number], options?: MaxPool2dOptions],
  [Tensor]
> = defineOp(
  "maxPool2d",
  (x: Tensor, window: number | readonly [number, number], options: MaxPool2dOptions = {}) => {
    const op = "maxPool2d";
    const { geometry, outShape } = resolvePool(op, x, window, options);
    const attrs = { ...geometry, op: "max" as const, countPadded: false };
    const y = runKernel(op, "pool2d", [x], attrs, outShape, x.dtype);
    return [y, (dy: Tensor): [Tensor] => [
      runKernel(op, "maxPool2dBackward", [x, dy], geometry, x.shape, x.dtype),
    ]];
  },
);

/**
 * Average pooling of `x` `[n, h, w, c]`, giving `[n, oh, ow, c]`. See `countPadded` for how
 * padded cells are treated. The VJP spreads each output's gradient evenly over its window.
 *
 * @example
 * ```ts
 * import { avgPool2d, reshape, arange } from "@convkit/convkit";
 * const x = reshape(arange(16), [1, 4, 4, 1]);
 * await avgPool2d(x, 2).data(); // Float32Array [2.5, 4.5, 10.5, 12.5]
 * ```
 */
export const avgPool2d: DiffOp<
  [x: Tensor, window: number | readonly [number, number], options?: AvgPool2dOptions],
  [Tensor]
> = defineOp(
  "avgPool2d",
  (x: Tensor, window: number | readonly [number, number], options: AvgPool2dOptions = {}) => {
    const op = "avgPool2d";
    const { geometry, outShape } = resolvePool(op, x, window, options);
    const countPadded = options.countPadded ?? false;
    if (typeof countPadded !== "boolean") {
      throw new TypeError(`${op}: countPadded must be a boolean, but got ${typeof countPadded}`);
    }
    const y = runKernel(
      op,
      "pool2d",
      [x],
      { ...geometry, op: "avg", countPadded },
      outShape,
      x.dtype,
    );
    return [y, (dy: Tensor): [Tensor] => [
      runKernel(op, "avgPool2dBackward", [dy], { ...geometry, countPadded }, x.shape, x.dtype),
    ]];
  },
);

/**
 * The maximum of each channel over all positions: `[n, h, w, c]` to `[n, c]`.
 *
 * @example
 * ```ts
 * import { globalMaxPool2d, reshape, arange } from "@convkit/convkit";
 * await globalMaxPool2d(reshape(arange(8), [1, 2, 2, 2])).data(); // Float32Array [6, 7]
 * ```
 */
export const globalMaxPool2d: DiffOp<[x: Tensor], [Tensor]> = defineOp(
  "globalMaxPool2d",
  (x: Tensor) => {
    checkTensor("globalMaxPool2d", "x", x);
    checkRank("globalMaxPool2d", "x", x, 4, "[n, h, w, c]");
    return max.vjp(x, { axis: [1, 2] });
  },
);

/**
 * The mean of each channel over all positions: `[n, h, w, c]` to `[n, c]`.
 *
 * @example
 * ```ts
 * import { globalAvgPool2d, reshape, arange } from "@convkit/convkit";
 * await globalAvgPool2d(reshape(arange(8), [1, 2, 2, 2])).data(); // Float32Array [3, 4]
 * ```
 */
export const globalAvgPool2d: DiffOp<[x: Tensor], [Tensor]> = defineOp(
  "globalAvgPool2d",
  (x: Tensor) => {
    checkTensor("globalAvgPool2d", "x", x);
    checkRank("globalAvgPool2d", "x", x, 4, "[n, h, w, c]");
    return mean.vjp(x, { axis: [1, 2] });
  },
);

/**
 * The maximum of each channel over the length axis: `[n, w, c]` to `[n, c]` (for 1D text CNNs).
 *
 * @example
 * ```ts
 * import { globalMaxPool1d, tensor } from "@convkit/convkit";
 * await globalMaxPool1d(tensor([[[1, 9], [4, 2]]])).data(); // Float32Array [4, 9]
 * ```
 */
export const globalMaxPool1d: DiffOp<[x: Tensor], [Tensor]> = defineOp(
  "globalMaxPool1d",
  (x: Tensor) => {
    checkTensor("globalMaxPool1d", "x", x);
    checkRank("globalMaxPool1d", "x", x, 3, "[n, w, c]");
    return max.vjp(x, { axis: 1 });
  },
);
