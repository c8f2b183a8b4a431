/**
 * The layer contract, in the style of JAX stax and Equinox: a layer is a pair of pure functions.
 *
 * - `init(key, inputShape, options?)` returns the layer's params, its state, its output shape
 *   and one {@linkcode LayerInfo} row per primitive layer inside it. It needs no data: shapes are
 *   inferred. Input shapes include the batch axis first (`[n, h, w, c]`); the batch size may be
 *   `-1` ("any"), since no parameter depends on it.
 * - `apply(params, x, ctx?)` returns `[y, vjp, state]`: the output, a closure mapping the output
 *   cotangent `dy` to `[dParams, dx]` (`dParams` a tree shaped like `params`), and the new state.
 *
 * Params and state are plain trees of tensors (objects and arrays; `{}` for none), so optimizers,
 * checkpoints and summaries work on any model. Static configuration (stride, padding, rates)
 * lives in the closure that built the layer, never in the params tree. Randomness, state and the
 * mode are explicit, in the {@linkcode Ctx}: a stateless layer ignores `ctx` and returns its
 * state (`{}`) unchanged; batch norm reads `ctx.state` and returns the updated running averages
 * in train mode; dropout needs `ctx.key` in train mode. Combinators split `ctx.key` per sublayer
 * (`split(key, n)[i]` for sublayer `i`) and thread the states as arrays.
 *
 * Multi-input and multi-output layers (`parallel`, `fanOut`, `fanInSum`) take and return arrays
 * of tensors; their shapes are arrays of shapes.
 * @module
 */

import type { Backend, Key, Shape, Tensor, Tree } from "../core/mod.ts";

/** A param tree: plain objects and arrays whose leaves are tensors (`{}` for none). */
export type Params = Tree;

/** A state tree (batch-norm running averages, ...), shaped like params (`{}` for none). */
export type State = Tree;

/** The empty params or state of a layer that has none. */
export type Empty = Record<string, never>;

/** The input shape of a layer: one shape, or an array of shapes for a multi-input layer. */
export type InShape = Shape | readonly Shape[];

/** The output shape of a layer: one shape, or an array of shapes for a multi-output layer. */
export type OutShape = Shape | readonly Shape[];

/** A layer's input: one tensor, or an array of tensors for a multi-input layer. */
export type Input = Tensor | readonly Tensor[];

/** A layer's output: one tensor, or an array of tensors for a multi-output layer. */
export type Output = Tensor | readonly Tensor[];

/** Whether a layer runs for training or for inference. */
export type Mode = "train" | "eval";

/**
 * The local geometry of a spatial layer (conv, pool), for composing receptive fields. All values
 * are `[h, w]` (a 1D layer uses `[1, w]`).
 */
export interface Receptive {
  /** The extent of the window in input cells: `(k - 1) * dilation + 1`. */
  readonly kernel: readonly [number, number];
  /** The step between windows. */
  readonly stride: readonly [number, number];
  /** The padding before the first cell: `[top, left]`. */
  readonly padding: readonly [number, number];
}

/**
 * One row of the summary: what a primitive layer computes. `flops` counts floating-point
 * operations per example (the batch axis excluded): a multiply-add counts 2, a bias add, a
 * comparison, an activation or a division 1 each (see each layer for its count).
 */
export interface LayerInfo {
  /**
   * Where the layer sits and what it is: the sublayer indices through the combinators, then the
   * kind, joined by `/` (`"2/conv2d"` is `params[2]` of a `serial`; a lone layer is `"conv2d"`).
   */
  readonly name: string;
  /** What the layer is: `"conv2d"`, `"relu"`, ... */
  readonly kind: string;
  /** The output shape (with the batch axis as given to `init`). */
  readonly outShape: OutShape;
  /** The number of parameter elements. */
  readonly params: number;
  /** Floating-point operations per example. */
  readonly flops: number;
  /** The local window of a spatial layer; absent for layers that keep positions apart. */
  readonly receptive?: Receptive;
}

/** What `init` returns. */
export interface LayerInit<P = Params, S = State> {
  /** The initial params. */
  readonly params: P;
  /** The initial state (`{}` for a stateless layer). */
  readonly state: S;
  /** The inferred output shape. */
  readonly outShape: OutShape;
  /** One row per primitive layer, in the order they run. */
  readonly info: LayerInfo[];
}

/** Options of `init`: where the params go. */
export interface InitOptions {
  /** The dtype of the params and state. @default {"float32"} */
  readonly dtype?: "float32" | "float64";
  /** The backend that holds the params and state. @default {getDefaultBackend()} */
  readonly backend?: Backend;
}

/** The context of one `apply`: the mode, a random key and the layer's state. */
export interface Ctx<S = State> {
  /** `"train"` or `"eval"`. @default {"eval"} */
  readonly mode?: Mode;
  /** The random key (required by dropout in train mode). */
  readonly key?: Key;
  /** The layer's state, as returned by `init` or by the previous `apply`. */
  readonly state?: S;
}

/** The VJP of a layer: maps the output cotangent to the param and input cotangents. */
export type LayerVjp<P = Params> = (dy: Output) => [dParams: P, dx: Input];

/** What `apply` returns: the output, its VJP closure and the new state. */
export type Applied<P = Params, S = State> = [y: Output, vjp: LayerVjp<P>, state: S];

/**
 * A layer: `init` infers shapes and creates params and state; `apply` is a pure function of
 * `params`, `x` and `ctx`.
 *
 * @example
 * ```ts
 * import { key, ones } from "@convkit/convkit";
 * import { dense } from "@convkit/convkit/layers";
 * const layer = dense(3);
 * const { params, outShape } = layer.init(key(0), [-1, 4]);
 * outShape; // [-1, 3]
 * const [y, vjp] = layer.apply(params, ones([2, 4]));
 * const [grads, dx] = vjp(ones([2, 3]));
 * ```
 */
export interface Layer<P = Params, S = State> {
  /** The layer's kind (`"conv2d"`, `"serial"`, ...). */
  readonly name: string;
  /** Infers the output shape and creates params and state. */
  init(key: Key, inputShape: InShape, options?: InitOptions): LayerInit<P, S>;
  /** Computes the output, its VJP and the new state. */
  apply(params: P, x: Input, ctx?: Ctx<S>): Applied<P, S>;
}

/** What the `init` of a {@linkcode stateless} layer returns (no state). */
export interface StatelessInit<P> {
  /** The initial params. */
  readonly params: P;
  /** The inferred output shape. */
  readonly outShape: OutShape;
  /** The summary rows. */
  readonly info: LayerInfo[];
}

/**
 * Builds a stateless layer from the simple form: `init(key, inputShape, options)` without state,
 * and `apply(params, x, ctx)` returning `[y, vjp]`. The layer returns the state `{}` unchanged.
 *
 * @example
 * ```ts
 * import { mul, tensor, type Tensor } from "@convkit/convkit";
 * import { stateless } from "@convkit/convkit/layers";
 * // y = 2 x, with no params
 * const double = stateless("double", (_key, inShape) => ({
 *   params: {},
 *   outShape: inShape,
 *   info: [],
 * }), (_params, x) => {
 *   const [y, vjp] = mul.vjp(x as Tensor, 2);
 *   return [y, (dy) => [{}, vjp(dy as Tensor)[0]]];
 * });
 * const [y] = double.apply({}, tensor([1, 2]));
 * ```
 */
export function stateless<P>(
  name: string,
  init: (key: Key, inputShape: InShape, options: InitOptions) => StatelessInit<P>,
  apply: (params: P, x: Input, ctx: Ctx<Empty>) => [y: Output, vjp: LayerVjp<P>],
): Layer<P, Empty> {
  return {
    name,
    init(key: Key, inputShape: InShape, options: InitOptions = {}): LayerInit<P, Empty> {
      return { ...init(key, inputShape, options), state: {} };
    },
    apply(params: P, x: Input, ctx: Ctx<Empty> = {}): Applied<P, Empty> {
      const [y, vjp] = apply(params, x, ctx);
      return [y, vjp, {}];
    },
  };
}
