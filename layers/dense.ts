/**
 * The fully connected layer.
 * @module
 */

import { add, checkInt, type Key, matmul, show, split, type Tensor } from "../core/mod.ts";
import { glorotUniform, type Initializer, zerosInit } from "./init.ts";
import type { Empty, Layer } from "./layer.ts";
import { stateless } from "./layer.ts";
import { checkInputRank, creation, param, row, singleInput, singleShape } from "./_util.ts";

/** Options of {@linkcode dense}. */
export interface DenseOptions {
  /** Add a bias `b` of shape `[units]`. @default {true} */
  readonly useBias?: boolean;
  /** The initialiser of the kernel `w` `[features, units]`. @default {glorotUniform} */
  readonly kernelInit?: Initializer;
  /** The initialiser of the bias. @default {zerosInit} */
  readonly biasInit?: Initializer;
}

/** The params of {@linkcode dense}: the kernel `w` `[features, units]` and the bias `b`. */
export type DenseParams = { readonly w: Tensor; readonly b?: Tensor };

/**
 * A fully connected layer: `x` `[n, features]` to `x w + b`, shape `[n, units]`. Flatten images
 * first (`flatten()`). FLOPs per example: `2 * features * units` plus `units` for the bias.
 *
 * @example
 * ```ts
 * import { key, ones } from "@convkit/convkit";
 * import { dense } from "@convkit/convkit/layers";
 * const fc = dense(10);
 * const { params } = fc.init(key(0), [-1, 784]);
 * params.w.shape; // [784, 10]
 * const [y] = fc.apply(params, ones([2, 784])); // y has shape [2, 10]
 * ```
 */
export function dense(units: number, options: DenseOptions = {}): Layer<DenseParams, Empty> {
  const op = "dense";
  checkInt(op, "units", units, 1);
  const useBias = options.useBias ?? true;
  const kernelInit = options.kernelInit ?? glorotUniform;
  const biasInit = options.biasInit ?? zerosInit;
  return stateless<DenseParams>(op, (key: Key, inShape, initOptions) => {
    const [n, features] = singleShape(op, inShape, 2, "[n, features]");
    const opts = creation(op, initOptions);
    const [kw, kb] = split(key, 2);
    const w = kernelInit(kw, [features, units], opts);
    const params: DenseParams = useBias ? { w, b: biasInit(kb, [units], opts) } : { w };
    const count = features * units + (useBias ? units : 0);
    const flops = 2 * features * units + (useBias ? units : 0);
    const outShape = [n, units];
    return { params, outShape, info: [row(op, outShape, count, flops)] };
  }, (params, input) => {
    const x = singleInput(op, input);
    checkInputRank(op, x, 2, "[n, features]");
    const w = param(op, params, "w");
    if (x.shape[1] !== w.shape[0]) {
      throw new TypeError(
        `${op}: x has ${x.shape[1]} features but params.w expects ${w.shape[0]} (w has shape ${
          show(w.shape)
        })`,
      );
    }
    const [xw, mmVjp] = matmul.vjp(x, w);
    if (!useBias) {
      return [xw, (dy) => {
        const [dx, dw] = mmVjp(singleInput(op, dy, "dy"));
        return [{ w: dw }, dx];
      }];
    }
    const [y, addVjp] = add.vjp(xw, param(op, params, "b"));
    return [y, (dy) => {
      const [dxw, db] = addVjp(singleInput(op, dy, "dy"));
      const [dx, dw] = mmVjp(dxw);
      return [{ w: dw, b: db }, dx];
    }];
  });
}
