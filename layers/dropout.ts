/**
 * The dropout layer.
 * @module
 */

import { bernoulli, isFloatDType, mul, rangeError, show, typeError } from "../core/mod.ts";
import type { Empty, Layer } from "./layer.ts";
import { stateless } from "./layer.ts";
import { modeOf, row, singleInput, singleShape } from "./_util.ts";

/**
 * Dropout with drop probability `rate` in `[0, 1)`. In train mode each element is zeroed with
 * probability `rate` and the survivors are scaled by `1 / (1 - rate)` ("inverted" dropout, so
 * the expected output equals the input and eval needs no rescaling); the mask is
 * `bernoulli(ctx.key, x.shape, { p: 1 - rate })`, so one key always gives the same mask, and
 * `ctx.key` is required. In eval mode (the default) it is the identity. No params, no state, and
 * no FLOPs in the summary (which counts inference).
 *
 * @example
 * ```ts
 * import { key, ones } from "@convkit/convkit";
 * import { dropout } from "@convkit/convkit/layers";
 * const drop = dropout(0.5);
 * const [y] = drop.apply({}, ones([2, 4]), { mode: "train", key: key(1) }); // 0s and 2s
 * const [same] = drop.apply({}, ones([2, 4])); // eval: the input itself
 * ```
 */
export function dropout(rate: number): Layer<Empty, Empty> {
  const op = "dropout";
  if (typeof rate !== "number") {
    throw typeError(op, "rate", "must be a number in [0, 1)", `got ${show(rate)}`);
  }
  if (!(rate >= 0 && rate < 1)) {
    throw rangeError(op, "rate", "must be in [0, 1) (the probability of dropping)", `got ${rate}`);
  }
  return stateless<Empty>(op, (_key, inShape) => {
    const s = singleShape(op, inShape);
    return { params: {}, outShape: s, info: [row(op, s, 0, 0)] };
  }, (_params, input, ctx) => {
    const x = singleInput(op, input);
    const mode = modeOf(op, ctx);
    if (mode === "eval" || rate === 0) return [x, (dy) => [{}, singleInput(op, dy, "dy")]];
    if (ctx.key === undefined) {
      throw new TypeError(
        `${op}: ctx.key is required in train mode (pass { mode: "train", key }), but got none`,
      );
    }
    if (!isFloatDType(x.dtype)) {
      throw new TypeError(`${op}: x must have a floating-point dtype, but has ${x.dtype}`);
    }
    const keep = bernoulli(ctx.key, x.shape, { p: 1 - rate, dtype: x.dtype, backend: x.backend });
    const scaled = mul(keep, 1 / (1 - rate));
    const [y, vjp] = mul.vjp(x, scaled);
    return [y, (dy) => [{}, vjp(singleInput(op, dy, "dy"))[0]]];
  });
}
