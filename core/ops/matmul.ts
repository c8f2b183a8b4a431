/**
 * The (batched) matrix product.
 * @module
 */

import { show } from "../errors.ts";
import { defineOp, type DiffOp } from "../op.ts";
import { runKernel } from "../_run.ts";
import { broadcastShapes, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { checkSameDType, checkTensor, rawBroadcastTo, rawReshape, sumTo } from "./_util.ts";

/** Options of {@linkcode matmul}. */
export interface MatmulOptions {
  /** Use the transpose of `a`'s last two axes. @default {false} */
  readonly transposeA?: boolean;
  /** Use the transpose of `b`'s last two axes. @default {false} */
  readonly transposeB?: boolean;
}

/**
 * The matrix product of the last two axes of `a` (`[..., m, k]`) and `b` (`[..., k, n]`), giving
 * `[..., m, n]`; leading (batch) axes broadcast. The VJP is two matmuls:
 * `da = dy b^T`, `db = a^T dy` (summed over broadcast batch axes).
 *
 * @example
 * ```ts
 * import { matmul, tensor } from "@convkit/convkit";
 * const a = tensor([[1, 2], [3, 4]]);
 * await matmul(a, tensor([[1], [1]])).array();                     // [[3], [7]]
 * await matmul(a, a, { transposeA: true }).array();                // [[10, 14], [14, 20]]
 * ```
 */
export const matmul: DiffOp<[a: Tensor, b: Tensor, options?: MatmulOptions], [Tensor, Tensor]> =
  defineOp("matmul", (a: Tensor, b: Tensor, options: MatmulOptions = {}) => {
    const op = "matmul";
    checkTensor(op, "a", a);
    checkTensor(op, "b", b);
    checkSameDType(op, ["a", "b"], a, b);
    for (const [name, t] of [["a", a], ["b", b]] as const) {
      if (t.rank < 2) {
        throw new TypeError(
          `${op}: ${name} must have rank >= 2 ([..., rows, cols]), but has shape ${show(t.shape)}`,
        );
      }
    }
    const ta = options.transposeA ?? false;
    const tb = options.transposeB ?? false;
    for (const [name, v] of [["transposeA", ta], ["transposeB", tb]] as const) {
      if (typeof v !== "boolean") {
        throw new TypeError(`${op}: ${name} must be a boolean, but got ${show(v)}`);
      }
    }
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    if (batchA.some((d, i) => !broadcastable(d, batchB[i - batchA.length + batchB.length]))) {
      throw new TypeError(
        `${op}: the batch axes of a and b must broadcast, but a has shape ${show(a.shape)} ` +
          `and b has shape ${show(b.shape)} (batch axes ${show(batchA)} vs ${show(batchB)})`,
      );
    }
    const y = product(a, b, ta, tb);
    return [y, (dy: Tensor): [Tensor, Tensor] => {
      let da: Tensor, db: Tensor;
      if (!ta && !tb) [da, db] = [product(dy, b, false, true), product(a, dy, true, false)];
      else if (ta && !tb) [da, db] = [product(b, dy, false, true), product(a, dy, false, false)];
      else if (!ta && tb) [da, db] = [product(dy, b, false, false), product(dy, a, true, false)];
      else [da, db] = [product(b, dy, true, true), product(dy, a, true, true)];
      return [sumTo(da, a.shape), sumTo(db, b.shape)];
    }];
  });

/** Two sizes broadcast when equal or one is 1 (a missing axis, `undefined`, counts as 1). */
function broadcastable(d: number, e: number | undefined): boolean {
  return e === undefined || d === e || d === 1 || e === 1;
}

function product(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Tensor {
  const op = "matmul";
  const ra = a.rank, rb = b.rank;
  const [m, k] = ta ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [k2, n] = tb ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  if (k !== k2) {
    throw new TypeError(
      `${op}: the inner sizes must agree, but a${ta ? "^T" : ""} is [${m}, ${k}] and b${
        tb ? "^T" : ""
      } is [${k2}, ${n}] (shapes ${show(a.shape)} and ${show(b.shape)})`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(op, batchA, batchB);
  const total = sizeOf(batch);
  const as3 = toBatch3(a, batchA, batch, total);
  const bs3 = toBatch3(b, batchB, batch, total);
  const out = runKernel(op, "matmul", [as3, bs3], { transposeA: ta, transposeB: tb }, [
    Math.max(as3.shape[0], bs3.shape[0]),
    m,
    n,
  ], a.dtype);
  return rawReshape(out, [...batch, m, n]);
}

/** Reshapes to `[batch or 1, r, c]`, broadcasting first when only some batch axes are 1. */
function toBatch3(t: Tensor, own: readonly number[], batch: readonly number[], total: number) {
  const r = t.shape[t.rank - 2], c = t.shape[t.rank - 1];
  const ownSize = sizeOf(own);
  if (ownSize === 1 && total !== 1) return rawReshape(t, [1, r, c]);
  const same = own.length === batch.length && own.every((d, i) => d === batch[i]);
  const full = same ? t : rawBroadcastTo(t, [...batch, r, c]);
  return rawReshape(full, [total, r, c]);
}
