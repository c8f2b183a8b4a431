/**
 * The flatten layer: one feature vector per example.
 * @module
 */

import { flatten as flattenOp } from "../core/mod.ts";
import type { Empty, Layer, Receptive } from "./layer.ts";
import { stateless } from "./layer.ts";
import { perExample, row, singleInput, singleShape } from "./_util.ts";

/**
 * Merges every axis but the batch axis: `[n, d1, d2, ...]` to `[n, d1 * d2 * ...]` (row-major,
 * so channels vary fastest for NHWC images). No FLOPs. For the summary, flattening `[n, h, w, c]`
 * (or `[n, w, c]`) counts as a window over the whole input, since what follows sees every position.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { flatten } from "@convkit/convkit/layers";
 * flatten().init(key(0), [-1, 7, 7, 64]).outShape; // [-1, 3136]
 * ```
 */
export function flatten(): Layer<Empty, Empty> {
  const op = "flatten";
  return stateless<Empty>(op, (_key, inShape) => {
    const s = singleShape(op, inShape);
    if (s.length < 2) {
      throw new TypeError(
        `${op}: inputShape must have rank >= 2 ([n, ...]: the batch axis is kept), but got [${s}]`,
      );
    }
    const outShape = [s[0], perExample(s)];
    const spatial = s.length === 4 ? [s[1], s[2]] : s.length === 3 ? [1, s[1]] : undefined;
    const receptive: Receptive | undefined = spatial === undefined ? undefined : {
      kernel: [spatial[0], spatial[1]],
      stride: [spatial[0], spatial[1]],
      padding: [0, 0],
    };
    return { params: {}, outShape, info: [row(op, outShape, 0, 0, receptive)] };
  }, (_params, input) => {
    const x = singleInput(op, input);
    if (x.rank < 2) {
      throw new TypeError(`${op}: x must have rank >= 2 ([n, ...]), but has shape [${x.shape}]`);
    }
    const [y, vjp] = flattenOp.vjp(x, { startAxis: 1 });
    return [y, (dy) => [{}, vjp(singleInput(op, dy, "dy"))[0]]];
  });
}
