/**
 * The reshape layer.
 * @module
 */

import { inferReshape, reshape as reshapeOp, show } from "../core/mod.ts";
import type { Empty, Layer } from "./layer.ts";
import { stateless } from "./layer.ts";
import { row, singleInput, singleShape } from "./_util.ts";

/**
 * Reshapes each example to `shape` (the batch axis is kept and not part of `shape`; one entry may
 * be -1, inferred): `[n, ...]` to `[n, ...shape]`. No FLOPs. The summary treats it as keeping
 * receptive fields unchanged.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { reshape } from "@convkit/convkit/layers";
 * reshape([28, 28, 1]).init(key(0), [-1, 784]).outShape; // [-1, 28, 28, 1]
 * reshape([-1, 4]).init(key(0), [2, 8]).outShape;        // [2, 2, 4]
 * ```
 */
export function reshape(shape: readonly number[]): Layer<Empty, Empty> {
  const op = "reshape";
  if (!Array.isArray(shape)) {
    throw new TypeError(`${op}: shape must be an array of integers, but got ${show(shape)}`);
  }
  const target = [...shape];
  return stateless<Empty>(op, (_key, inShape) => {
    const s = singleShape(op, inShape);
    if (s.length < 1) {
      throw new TypeError(`${op}: inputShape must have a batch axis, but got []`);
    }
    const outShape = [s[0], ...inferReshape(op, s.slice(1), target)];
    return { params: {}, outShape, info: [row(op, outShape, 0, 0)] };
  }, (_params, input) => {
    const x = singleInput(op, input);
    if (x.rank < 1) throw new TypeError(`${op}: x must have a batch axis, but is a scalar`);
    const per = inferReshape(op, x.shape.slice(1), target);
    const [y, vjp] = reshapeOp.vjp(x, [x.shape[0], ...per]);
    return [y, (dy) => [{}, vjp(singleInput(op, dy, "dy"))[0]]];
  });
}
