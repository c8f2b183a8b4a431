/**
 * How to write your own layer with its own VJP, and prove the VJP right with the public gradient
 * checker `checkGrads`.
 *
 * ```sh
 * deno task custom-layer
 * ```
 *
 * The layer is Swish with a learned slope per channel, `y = x * sigmoid(beta * x)` (Ramachandran
 * et al., 2017). Its derivatives, with `s = sigmoid(beta * x)` and `s' = s * (1 - s)`:
 *
 * ```text
 *   dy/dx    = s + beta * x * s'
 *   dy/dbeta = x^2 * s'          (summed over every position of the channel)
 * ```
 *
 * The VJP closure below is exactly that, written with convkit's ops, right next to the forward
 * computation. The example then checks it in float64 against central finite differences and
 * the dot-product identity, shows what the checker says about a VJP with a term missing, and
 * trains a small net that uses the layer.
 * @module
 */

import {
  add,
  checkGrads,
  full,
  type GradReport,
  key,
  mul,
  sigmoid,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
  treeFlatten,
  treeUnflatten,
  type VjpFunction,
} from "../mod.ts";
import {
  dense,
  type Empty,
  formatSummary,
  type Layer,
  type Params,
  serial,
  stateless,
  summary,
} from "../layers/mod.ts";
import { createTrainState, sgd, softmaxCrossEntropy, trainStep } from "../train/mod.ts";

/** The params of {@linkcode swish}: one slope per channel. */
export type SwishParams = { readonly beta: Tensor };

/**
 * Swish with a learned slope per channel: `x` `[n, ..., c]` to `x * sigmoid(beta * x)`, same
 * shape, with `beta` `[c]` starting at `initialBeta`. `forgetTerm` drops the `beta * x * s'`
 * term of `dy/dx`: a deliberate bug, to show what `checkGrads` reports.
 */
export function swish(
  initialBeta = 1,
  forgetTerm = false,
): Layer<SwishParams, Empty> {
  return stateless<SwishParams>(
    "swish",
    // init: the params and the output shape (it keeps the shape), and a row for the summary.
    (_key, inShape, options) => {
      const shape = inShape as readonly number[];
      const c = shape[shape.length - 1];
      const perExample = shape.slice(1).reduce((a, b) => a * b, 1);
      const beta = full([c], initialBeta, options);
      return {
        params: { beta },
        outShape: shape,
        // FLOPs per example: beta * x, the sigmoid, and the product: about 3 per element.
        info: [{ name: "swish", kind: "swish", outShape: shape, params: c, flops: 3 * perExample }],
      };
    },
    // apply: the output and its VJP, a closure over what the forward pass computed.
    ({ beta }, input) => {
      const x = input as Tensor;
      const s = sigmoid(mul(x, beta)); // beta [c] broadcasts along the last axis
      const y = mul(x, s);
      return [y, (output) => {
        const dy = output as Tensor;
        const ds = mul(s, sub(1, s)); // s' = s (1 - s)
        const slope = forgetTerm ? s : add(s, mul(mul(x, ds), beta)); // dy/dx
        const dx = mul(dy, slope);
        const axes = x.shape.slice(0, -1).map((_, a) => a); // every axis but the channels
        const dbeta = sum(mul(dy, mul(square(x), ds)), { axis: axes });
        return [{ beta: dbeta }, dx];
      }];
    },
  );
}

/**
 * Turns a layer and its params into the `(x, ...paramLeaves) => [y, vjp]` form that
 * `checkGrads` checks, so that it checks the gradients of the input and of every param at once.
 */
export function asVjpFunction(layer: Layer, params: Params): VjpFunction {
  return (x, ...leaves) => {
    const [y, vjp] = layer.apply(treeUnflatten(params, leaves), x);
    return [y as Tensor, (dy) => {
      const [dParams, dx] = vjp(dy);
      return [dx as Tensor, ...treeFlatten(dParams).leaves];
    }];
  };
}

/** What {@linkcode main} found. */
export interface CustomLayerResult {
  /** The check of the correct VJP. */
  readonly report: GradReport;
  /** The check of the VJP with a term missing. */
  readonly buggy: GradReport;
  /** The training losses of the small net that uses the layer. */
  readonly losses: number[];
}

/** Runs the example (it takes no options). */
export async function main(_args: readonly string[] = []): Promise<CustomLayerResult> {
  // 1. Check the VJP in float64 (finite differences in float32 are too coarse to trust).
  const layer = swish(0.8);
  const f64 = { dtype: "float64" } as const;
  const { params } = layer.init(key(0), [-1, 3, 4], f64);
  const x = tensor(
    [
      [[0.5, -1.2, 2, 0.3], [-0.7, 1.5, -0.1, 0.9], [1.1, -2, 0.6, -0.4]],
      [[-1.3, 0.2, 0.8, -0.9], [0.4, -0.6, 1.7, 0.05], [-0.25, 1.25, -1.5, 0.7]],
    ],
    f64,
  );
  const beta = tensor([0.8, 1.3, -0.5, 2], f64); // a slope per channel, not all equal
  const inputs = [x, ...treeFlatten({ ...params, beta }).leaves];
  const report = await checkGrads(asVjpFunction(layer, { ...params, beta }), inputs);
  console.log(`swish, checked against finite differences and <J t, c> = <t, J^T c>:`);
  console.log(`  ${report.message}\n`);

  const buggy = await checkGrads(asVjpFunction(swish(0.8, true), { ...params, beta }), inputs);
  console.log(`the same layer with the beta * x * s' term of dy/dx left out:`);
  console.log(`  ${buggy.message}\n`);

  // 2. Use it like any other layer.
  const net = serial(dense(8), swish(), dense(2));
  console.log(formatSummary(summary(net, [-1, 4])) + "\n");
  const data = {
    x: tensor([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 1, 1]]),
    y: tensor([0, 1, 0, 1], { dtype: "int32" }),
  };
  const optimizer = sgd({ learningRate: 0.5 });
  const step = trainStep(net, softmaxCrossEntropy, optimizer);
  let state = createTrainState(net.init(key(1), [-1, 4]), optimizer);
  const losses: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [next, metrics] = step(state, data);
    losses.push((await metrics.loss.data())[0]);
    state = next;
  }
  console.log(
    `a net with a swish layer, 20 SGD steps: loss ${losses[0].toFixed(4)} -> ` +
      `${losses[losses.length - 1].toFixed(4)}`,
  );
  return { report, buggy, losses };
}

if (import.meta.main) {
  try {
    const { report } = await main(Deno.args);
    if (!report.ok) Deno.exit(1);
  } catch (e) {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    Deno.exit(1);
  }
}
