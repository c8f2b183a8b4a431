/**
 * Combinators, as in JAX stax: `serial` chains layers, `parallel` runs one layer per input of a
 * list, `fanOut` copies its input into a list, `fanInSum` and `fanInConcat` join a list, and
 * `residual` is their composition `x + layer(x)`. Shapes are inferred through all of them at init;
 * params and states are arrays with one entry per sublayer; `ctx.key` is split with
 * `split(key, n)` and sublayer `i` gets key `i`. An error raised inside a sublayer names where it
 * sits: `conv2d: ... (at layer 2/0)`.
 * @module
 */

import { add, checkInt, concat, normalizeAxis, show, split, type Tensor } from "../core/mod.ts";
import type {
  Applied,
  Ctx,
  Empty,
  InShape,
  Layer,
  LayerInfo,
  LayerInit,
  Output,
  Params,
  State,
} from "./layer.ts";
import { stateless } from "./layer.ts";
import {
  inputList,
  isShapeList,
  modeOf,
  perExample,
  prefixRows,
  row,
  sameShapes,
  shapeList,
  singleInput,
  singleShape,
  splitKey,
} from "./_util.ts";

const LOCATION = /^([\s\S]*) \(at layer ([\d/]+)\)$/;

/** Runs `fn`, adding the sublayer's index to the location in a `TypeError` or `RangeError`. */
function located<T>(index: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
    const m = LOCATION.exec(e.message);
    const message = m ? `${m[1]} (at layer ${index}/${m[2]})` : `${e.message} (at layer ${index})`;
    throw e instanceof RangeError
      ? new RangeError(message, { cause: e })
      : new TypeError(message, { cause: e });
  }
}

function checkLayers(op: string, layers: readonly Layer[]): void {
  layers.forEach((l, i) => {
    if (typeof l !== "object" || l === null || typeof l.init !== "function") {
      throw new TypeError(
        `${op}: layers[${i}] must be a Layer ({ name, init, apply }), but got ${show(l)}` +
          (typeof l === "function" ? " (a layer factory? call it, e.g. relu())" : ""),
      );
    }
  });
}

function checkList(op: string, arg: string, value: unknown, n: number): readonly unknown[] {
  if (!Array.isArray(value) || value.length !== n) {
    throw new TypeError(
      `${op}: ${arg} must be an array of ${n} (one per sublayer, as init returns), but got ${
        Array.isArray(value) ? `an array of ${value.length}` : show(value)
      }`,
    );
  }
  return value;
}

/** Checks that a layer returns one tensor shape (for a branch of `parallel`). */
function checkSingleOut(op: string, i: number, shape: InShape): void {
  if (isShapeList(shape)) {
    throw new TypeError(
      `${op}: branch ${i} must output one tensor, but outputs ${shape.length} (${show(shape)})`,
    );
  }
}

/**
 * Chains layers: the output of each is the input of the next. Params and state are arrays with
 * one entry per layer. With no layers it is the identity.
 *
 * @example
 * ```ts
 * import { key, ones } from "@convkit/convkit";
 * import { dense, relu, serial } from "@convkit/convkit/layers";
 * const mlp = serial(dense(32), relu(), dense(10));
 * const { params, outShape } = mlp.init(key(0), [-1, 784]);
 * outShape; // [-1, 10]
 * const [logits, vjp] = mlp.apply(params, ones([2, 784]));
 * const [grads, dx] = vjp(ones([2, 10])); // grads[0].w has shape [784, 32]
 * ```
 */
export function serial(...layers: Layer[]): Layer<readonly Params[], readonly State[]> {
  const op = "serial";
  checkLayers(op, layers);
  const n = layers.length;
  return {
    name: op,
    init(key, inShape, options = {}): LayerInit<Params[], State[]> {
      const keys = split(key, n);
      const params: Params[] = [];
      const state: State[] = [];
      const info: LayerInfo[] = [];
      let shape: InShape = inShape;
      layers.forEach((layer, i) => {
        const r = located(i, () => layer.init(keys[i], shape, options));
        params.push(r.params);
        state.push(r.state);
        info.push(...prefixRows(i, r.info));
        shape = r.outShape;
      });
      return { params, state, outShape: shape, info };
    },
    apply(params, x, ctx: Ctx<readonly State[]> = {}): Applied<Params[], State[]> {
      checkList(op, "params", params, n);
      if (ctx.state !== undefined) checkList(op, "ctx.state", ctx.state, n);
      const mode = modeOf(op, ctx);
      const keys = splitKey(ctx.key, n);
      const vjps: Applied[1][] = [];
      const states: State[] = [];
      let h: Output = x;
      layers.forEach((layer, i) => {
        const sub = { mode, key: keys[i], state: ctx.state?.[i] };
        const [y, vjp, s] = located(i, () => layer.apply(params[i], h, sub));
        vjps.push(vjp);
        states.push(s);
        h = y;
      });
      return [h, (dy) => {
        const grads: Params[] = new Array(n);
        let g: Output = dy;
        for (let i = n - 1; i >= 0; i--) [grads[i], g] = vjps[i](g);
        return [grads, g];
      }, states];
    },
  };
}

/**
 * Runs layer `i` on input `i` of a list: `[x0, x1, ...]` to `[l0(x0), l1(x1), ...]`. Each layer
 * must output one tensor. Params and state are arrays with one entry per layer.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { dense, identity, parallel } from "@convkit/convkit/layers";
 * const both = parallel(dense(4), identity());
 * both.init(key(0), [[-1, 3], [-1, 3]]).outShape; // [[-1, 4], [-1, 3]]
 * ```
 */
export function parallel(...layers: Layer[]): Layer<readonly Params[], readonly State[]> {
  const op = "parallel";
  checkLayers(op, layers);
  const n = layers.length;
  return {
    name: op,
    init(key, inShape, options = {}): LayerInit<Params[], State[]> {
      const shapes = shapeList(op, inShape, n);
      const keys = split(key, n);
      const inits = layers.map((layer, i) =>
        located(i, () => {
          const r = layer.init(keys[i], shapes[i], options);
          checkSingleOut(op, i, r.outShape);
          return r;
        })
      );
      return {
        params: inits.map((r) => r.params),
        state: inits.map((r) => r.state),
        outShape: inits.map((r) => r.outShape as readonly number[]),
        info: inits.flatMap((r, i) => prefixRows(i, r.info)),
      };
    },
    apply(params, x, ctx: Ctx<readonly State[]> = {}): Applied<Params[], State[]> {
      const xs = inputList(op, x, n);
      checkList(op, "params", params, n);
      if (ctx.state !== undefined) checkList(op, "ctx.state", ctx.state, n);
      const mode = modeOf(op, ctx);
      const keys = splitKey(ctx.key, n);
      const outs = layers.map((layer, i) =>
        located(i, () => {
          const r = layer.apply(params[i], xs[i], { mode, key: keys[i], state: ctx.state?.[i] });
          singleInput(op, r[0], `the output of branch ${i}`);
          return r;
        })
      );
      return [outs.map((r) => r[0] as Tensor), (dy) => {
        const dys = inputList(op, dy, n, "dy");
        const back = outs.map((r, i) => r[1](dys[i]));
        return [back.map((b) => b[0]), back.map((b) => singleInput(op, b[1], "dx"))];
      }, outs.map((r) => r[2])];
    },
  };
}

/**
 * Passes its input through unchanged (one tensor or a list). No params, no rows in the summary.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { identity } from "@convkit/convkit/layers";
 * identity().init(key(0), [-1, 5]).outShape; // [-1, 5]
 * ```
 */
export function identity(): Layer<Empty, Empty> {
  return stateless<Empty>("identity", (_key, inShape) => ({
    params: {},
    outShape: inShape,
    info: [],
  }), (_params, x) => [x, (dy) => [{}, dy]]);
}

/**
 * Copies one input into a list of `n`: `x` to `[x, x, ...]`. Its VJP sums the list's cotangents.
 * No rows in the summary.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { fanOut } from "@convkit/convkit/layers";
 * fanOut(2).init(key(0), [-1, 5]).outShape; // [[-1, 5], [-1, 5]]
 * ```
 */
export function fanOut(n: number): Layer<Empty, Empty> {
  const op = "fanOut";
  checkInt(op, "n", n, 1);
  return stateless<Empty>(op, (_key, inShape) => {
    const s = singleShape(op, inShape);
    return { params: {}, outShape: Array.from({ length: n }, () => s), info: [] };
  }, (_params, input) => {
    const x = singleInput(op, input);
    return [Array.from({ length: n }, () => x), (dy) => {
      const dys = inputList(op, dy, n, "dy");
      return [{}, dys.reduce((a, b) => add(a, b))];
    }];
  });
}

/**
 * Sums a list of tensors of one shape: `[x0, x1, ...]` to `x0 + x1 + ...`. FLOPs per example:
 * `k - 1` additions per element for `k` inputs.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { fanInSum } from "@convkit/convkit/layers";
 * fanInSum().init(key(0), [[-1, 5], [-1, 5]]).outShape; // [-1, 5]
 * ```
 */
export function fanInSum(): Layer<Empty, Empty> {
  const op = "fanInSum";
  return stateless<Empty>(op, (_key, inShape) => {
    const shapes = shapeList(op, inShape);
    sameShapes(op, shapes);
    const s = shapes[0];
    const flops = (shapes.length - 1) * perExample(s);
    return { params: {}, outShape: s, info: [row(op, s, 0, flops)] };
  }, (_params, input) => {
    const xs = inputList(op, input);
    sameShapes(op, xs.map((t) => t.shape));
    return [xs.reduce((a, b) => add(a, b)), (dy) => {
      const g = singleInput(op, dy, "dy");
      return [{}, xs.map(() => g)];
    }];
  });
}

/** Options of {@linkcode fanInConcat}. */
export interface FanInConcatOptions {
  /** The axis to join along (negative counts from the end; 0 is the batch axis). @default {-1} */
  readonly axis?: number;
}

/**
 * Concatenates a list of tensors along `axis` (the channels by default): the other axes must
 * agree. No FLOPs.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { fanInConcat } from "@convkit/convkit/layers";
 * fanInConcat().init(key(0), [[-1, 8, 8, 16], [-1, 8, 8, 32]]).outShape; // [-1, 8, 8, 48]
 * ```
 */
export function fanInConcat(options: FanInConcatOptions = {}): Layer<Empty, Empty> {
  const op = "fanInConcat";
  const axis = options.axis ?? -1;
  if (typeof axis !== "number" || !Number.isInteger(axis)) {
    throw new TypeError(`${op}: options.axis must be an integer, but got ${show(axis)}`);
  }
  return stateless<Empty>(op, (_key, inShape) => {
    const shapes = shapeList(op, inShape);
    const rank = shapes[0].length;
    const a = normalizeAxis(op, "options.axis", axis, rank);
    shapes.forEach((s, i) => {
      if (s.length !== rank || s.some((d, j) => j !== a && d !== shapes[0][j])) {
        throw new TypeError(
          `${op}: inputs must agree on every axis but ${a}, but input 0 is ${
            show(shapes[0])
          } and input ${i} is ${show(s)}`,
        );
      }
    });
    const joined = shapes.some((s) => s[a] === -1) ? -1 : shapes.reduce((t, s) => t + s[a], 0);
    const outShape = shapes[0].map((d, j) => (j === a ? joined : d));
    return { params: {}, outShape, info: [row(op, outShape, 0, 0)] };
  }, (_params, input) => {
    const [y, vjp] = concat.vjp(inputList(op, input), { axis });
    return [y, (dy) => [{}, vjp(singleInput(op, dy, "dy"))]];
  });
}

/**
 * A residual block `x + layer(x)`: `serial(fanOut(2), parallel(layer, identity()), fanInSum())`.
 * `layer` must keep the shape. Its params are `[{}, [layerParams, {}], {}]` (and its state
 * likewise).
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * import { conv2d, relu, residual, serial } from "@convkit/convkit/layers";
 * const block = residual(serial(conv2d(16, 3, { padding: "same" }), relu()));
 * block.init(key(0), [-1, 8, 8, 16]).outShape; // [-1, 8, 8, 16]
 * ```
 */
export function residual(layer: Layer): Layer<readonly Params[], readonly State[]> {
  checkLayers("residual", [layer]);
  return { ...serial(fanOut(2), parallel(layer, identity()), fanInSum()), name: "residual" };
}
