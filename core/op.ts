/**
 * How differentiable ops are defined: one function computes the output and a closure, the VJP,
 * that maps an output cotangent `dy` to the cotangents of the inputs. Every public op is callable
 * plainly (`relu(x)`) and in the `[y, vjp]` form (`relu.vjp(x)`).
 * @module
 */

import { Tensor } from "./tensor.ts";

/** A vector-Jacobian product: maps the output cotangent `dy` to the inputs' cotangents `G`. */
export type Vjp<G> = (dy: Tensor) => G;

/**
 * A differentiable op: call it for the output, or call `.vjp` with the same arguments for
 * `[y, vjp]`, where `vjp(dy)` returns the gradients with respect to the tensor arguments, in
 * order. `dy` must have the shape, dtype and backend of `y`.
 *
 * @example
 * ```ts
 * import { mul, tensor } from "@convkit/convkit";
 * const a = tensor([1, 2]);
 * const b = tensor([3, 4]);
 * const [y, vjp] = mul.vjp(a, b);
 * const [da, db] = vjp(tensor([1, 1]));
 * await da.data(); // Float32Array [3, 4]
 * ```
 */
export interface DiffOp<A extends readonly unknown[], G> {
  /** Computes the op's output. */
  (...args: A): Tensor;
  /** Computes the output and its VJP closure. */
  vjp(...args: A): [Tensor, Vjp<G>];
  /** The op's name, as it appears in error messages. */
  readonly opName: string;
}

/**
 * Builds a {@linkcode DiffOp} from a function returning `[y, vjp]`. The VJP gets a check that
 * `dy` matches `y` (shape, dtype, backend) and raises a clear error otherwise.
 *
 * @example
 * ```ts
 * import { defineOp, mul, type Tensor } from "@convkit/convkit";
 * // f(x) = x * x, with its VJP 2 x dy
 * const square2 = defineOp("square2", (x: Tensor) => {
 *   const y = mul(x, x);
 *   return [y, (dy: Tensor) => [mul(mul(dy, x), 2)] as [Tensor]];
 * });
 * ```
 */
export function defineOp<A extends readonly unknown[], G>(
  name: string,
  f: (...args: A) => [Tensor, Vjp<G>],
): DiffOp<A, G> {
  const vjp = (...args: A): [Tensor, Vjp<G>] => {
    const [y, back] = f(...args);
    const checked = (dy: Tensor): G => {
      checkCotangent(name, y, dy);
      return back(dy);
    };
    return [y, checked];
  };
  const op = (...args: A): Tensor => f(...args)[0];
  Object.defineProperty(op, "name", { value: name });
  return Object.assign(op, { vjp, opName: name });
}

/** Throws unless `dy` can be the cotangent of `y`. */
export function checkCotangent(name: string, y: Tensor, dy: Tensor): void {
  if (!(dy instanceof Tensor)) {
    throw new TypeError(`${name} vjp: dy must be a Tensor, but got ${typeof dy}`);
  }
  if (!dy.isAlive) {
    throw new TypeError(`${name} vjp: dy was disposed (shape [${dy.shape.join(", ")}])`);
  }
  if (dy.backend !== y.backend) {
    throw new TypeError(
      `${name} vjp: dy must be on the output's backend "${y.backend.name}", but is on "${dy.backend.name}"`,
    );
  }
  if (dy.shape.length !== y.shape.length || dy.shape.some((d, i) => d !== y.shape[i])) {
    throw new TypeError(
      `${name} vjp: dy must have the output's shape [${y.shape.join(", ")}], but has shape [${
        dy.shape.join(", ")
      }]`,
    );
  }
  if (dy.dtype !== y.dtype) {
    throw new TypeError(
      `${name} vjp: dy must have the output's dtype ${y.dtype}, but has dtype ${dy.dtype}`,
    );
  }
}
