/**
 * Batch normalisation over the channel (last) axis, with running averages in the state.
 * @module
 */

import {
  add,
  full,
  mean,
  mul,
  rangeError,
  reciprocal,
  show,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  typeError,
} from "../core/mod.ts";
import type { Applied, Ctx, Layer, LayerInit, Output } from "./layer.ts";
import { creation, modeOf, param, perExample, row, singleInput, singleShape } from "./_util.ts";

/** Options of {@linkcode batchNorm}. */
export interface BatchNormOptions {
  /**
   * How much of the old running average is kept at each train step:
   * `running = momentum * running + (1 - momentum) * batch` (Keras' convention; PyTorch's
   * `momentum=0.1` is `0.9` here). In `[0, 1]`. @default {0.9}
   */
  readonly momentum?: number;
  /** Added to the variance before the square root. @default {1e-5} */
  readonly epsilon?: number;
}

/** The params of {@linkcode batchNorm}: the scale `gamma` and the shift `beta`, both `[c]`. */
export type BatchNormParams = { readonly gamma: Tensor; readonly beta: Tensor };

/** The state of {@linkcode batchNorm}: the running `mean` and `variance`, both `[c]`. */
export type BatchNormState = { readonly mean: Tensor; readonly variance: Tensor };

function stateTensor(op: string, state: unknown, name: string): Tensor {
  if (typeof state !== "object" || state === null) {
    throw new TypeError(
      `${op}: ctx.state is required (the state from init, { mean, variance }), but got ${
        show(state)
      }`,
    );
  }
  return param(op, state, name);
}

/**
 * Batch normalisation over the last axis (the channels of `[n, h, w, c]` or the features of
 * `[n, f]`): `y = gamma * (x - mean) / sqrt(var + epsilon) + beta`, per channel.
 *
 * - Train mode: `mean` and `var` are the batch statistics over every axis but the last (`var` the
 *   biased one, dividing by the count `m`); the returned state holds the updated running
 *   averages, `running = momentum * running + (1 - momentum) * batch`, where the running variance
 *   takes the unbiased batch variance (times `m / (m - 1)`, as PyTorch does; the biased one when
 *   `m = 1`). The VJP goes through the batch statistics.
 * - Eval mode (the default): the running averages from `ctx.state`; the state is returned as is.
 *
 * `ctx.state` is required in both modes. Params `gamma` (ones) and `beta` (zeros); state `mean`
 * (zeros) and `variance` (ones). FLOPs per example (inference): 2 per element.
 *
 * @example
 * ```ts
 * import { key, tensor } from "@convkit/convkit";
 * import { batchNorm } from "@convkit/convkit/layers";
 * const bn = batchNorm();
 * const { params, state } = bn.init(key(0), [-1, 2]);
 * const x = tensor([[1, 10], [3, 30]]);
 * const [y, , next] = bn.apply(params, x, { mode: "train", state }); // y ≈ [[-1, -1], [1, 1]]
 * const [z] = bn.apply(params, x, { state: next }); // eval, with the updated running averages
 * ```
 */
export function batchNorm(
  options: BatchNormOptions = {},
): Layer<BatchNormParams, BatchNormState> {
  const op = "batchNorm";
  const momentum = options.momentum ?? 0.9;
  const epsilon = options.epsilon ?? 1e-5;
  for (const [arg, v] of [["options.momentum", momentum], ["options.epsilon", epsilon]] as const) {
    if (typeof v !== "number") throw typeError(op, arg, "must be a number", `got ${show(v)}`);
  }
  if (!(momentum >= 0 && momentum <= 1)) {
    throw rangeError(op, "options.momentum", "must be in [0, 1]", `got ${momentum}`);
  }
  if (!(epsilon >= 0 && Number.isFinite(epsilon))) {
    throw rangeError(op, "options.epsilon", "must be a finite number >= 0", `got ${epsilon}`);
  }
  return {
    name: op,
    init(_key, inShape, initOptions = {}): LayerInit<BatchNormParams, BatchNormState> {
      const s = singleShape(op, inShape);
      if (s.length < 2) {
        throw new TypeError(
          `${op}: inputShape must have rank >= 2 ([n, ..., c]), but got ${show(s)}`,
        );
      }
      const c = s[s.length - 1];
      const opts = creation(op, initOptions);
      return {
        params: { gamma: full([c], 1, opts), beta: full([c], 0, opts) },
        state: { mean: full([c], 0, opts), variance: full([c], 1, opts) },
        outShape: s,
        info: [row(op, s, 2 * c, 2 * perExample(s))],
      };
    },
    apply(
      params: BatchNormParams,
      input,
      ctx: Ctx<BatchNormState> = {},
    ): Applied<BatchNormParams, BatchNormState> {
      const x = singleInput(op, input);
      const mode = modeOf(op, ctx);
      const gamma = param(op, params, "gamma");
      const beta = param(op, params, "beta");
      const runMean = stateTensor(op, ctx.state, "mean");
      const runVar = stateTensor(op, ctx.state, "variance");
      const c = gamma.shape[0];
      if (x.rank < 2 || x.shape[x.rank - 1] !== c) {
        throw new TypeError(
          `${op}: x must have rank >= 2 with ${c} channels on the last axis (as params.gamma), ` +
            `but has shape ${show(x.shape)}`,
        );
      }
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const count = x.size / c;
      const batchMean = mode === "train" ? mean(x, { axis: axes }) : runMean;
      const centered = sub(x, batchMean);
      const variance = mode === "train" ? mean(square(centered), { axis: axes }) : runVar;
      const invStd = reciprocal(sqrt(add(variance, epsilon)));
      const xhat = mul(centered, invStd);
      const y = add(mul(xhat, gamma), beta);
      const grads = (dyOut: Output): [BatchNormParams, Tensor] => {
        const dy = singleInput(op, dyOut, "dy");
        const dParams = {
          gamma: sum(mul(dy, xhat), { axis: axes }),
          beta: sum(dy, { axis: axes }),
        };
        const g = mul(dy, gamma);
        if (mode === "eval") return [dParams, mul(g, invStd)];
        // d/dx of the normalisation through the batch mean and variance:
        // dx = invStd * (g - mean(g) - xhat * mean(g * xhat))
        const inner = sub(
          sub(g, mean(g, { axis: axes })),
          mul(xhat, mean(mul(g, xhat), { axis: axes })),
        );
        return [dParams, mul(inner, invStd)];
      };
      if (mode === "eval") return [y, grads, { mean: runMean, variance: runVar }];
      const unbiased = count > 1 ? mul(variance, count / (count - 1)) : variance;
      const next = {
        mean: add(mul(runMean, momentum), mul(batchMean, 1 - momentum)),
        variance: add(mul(runVar, momentum), mul(unbiased, 1 - momentum)),
      };
      return [y, grads, next];
    },
  };
}
