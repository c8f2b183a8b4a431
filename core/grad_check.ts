/**
 * Gradient checking: compares a VJP with central finite differences, element by element, and
 * checks the dot-product identity `<J t, c> == <t, J^T c>` (how `torch.autograd.gradcheck` and
 * `jax.test_util.check_grads` do it). Works on any backend; inputs must be float64.
 * @module
 */

import { tensor } from "./create.ts";
import { Tensor } from "./tensor.ts";

/**
 * A function in the `[y, vjp]` form that {@linkcode checkGrads} checks: it maps the input
 * tensors to an output `y` and a VJP that maps a cotangent shaped like `y` to one gradient per
 * input, in order (`undefined` counts as a zero gradient). `(x, w) => conv2d.vjp(x, w, opts)`
 * is one.
 */
export type VjpFunction = (
  ...inputs: Tensor[]
) => readonly [Tensor, (dy: Tensor) => readonly (Tensor | undefined)[]];

/** Options of {@linkcode checkGrads}. */
export interface CheckGradsOptions {
  /** The finite-difference step for inputs not marked `linear`. @default {1e-6} */
  readonly eps?: number;
  /** The absolute tolerance of the element check. @default {1e-5} */
  readonly atol?: number;
  /** The relative tolerance of the element check, times `|numeric|`. @default {1e-3} */
  readonly rtol?: number;
  /**
   * The relative tolerance of the dot-product identity, times the magnitudes of the terms.
   * @default {1e-6}
   */
  readonly dotRtol?: number;
  /** The seed of the random cotangent, directions and element sample. @default {20240611} */
  readonly seed?: number;
  /**
   * Per input: `true` when the function is affine (linear plus a constant) in that input with
   * the others fixed, so a step of 1 gives exact finite differences there. @default {all false}
   */
  readonly linear?: readonly boolean[];
  /**
   * Check at most this many elements of each input, sampled deterministically from the seed
   * (the dot-product identity still covers every element). @default {200}
   */
  readonly maxElements?: number;
  /** How many random directions `t` the dot-product identity is checked along. @default {2} */
  readonly directions?: number;
}

/** The element whose gradient is farthest outside (or least inside) the tolerance. */
export interface GradElement {
  /** Which input (its position in `inputs`). */
  readonly input: number;
  /** The element's multi-index in that input. */
  readonly index: number[];
  /** The central finite difference of `<f(x), c>`. */
  readonly numeric: number;
  /** The VJP's value. */
  readonly analytic: number;
  /** `|numeric - analytic|`. */
  readonly error: number;
}

/** The outcome of {@linkcode checkGrads}. */
export interface GradReport {
  /** True when every checked element and the dot-product identity pass. */
  readonly ok: boolean;
  /** The worst element relative to its tolerance; undefined when no element was checked. */
  readonly worst: GradElement | undefined;
  /** The worst direction of the dot-product identity: `lhs = <J t, c>`, `rhs = <t, J^T c>`. */
  readonly dotProduct: { readonly lhs: number; readonly rhs: number; readonly ok: boolean };
  /** A human-readable summary naming the worst element. */
  readonly message: string;
}

const OP = "checkGrads";

/** A small deterministic PRNG (mulberry32) returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(`${OP}: options.${name} must be a finite number > 0, but got ${v}`);
  }
  return v;
}

function count(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`${OP}: options.${name} must be an integer >= 1, but got ${v}`);
  }
  return v;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    index[a] = flat % shape[a];
    flat = Math.floor(flat / shape[a]);
  }
  return index;
}

/** `maxElements` distinct flat indices of `size`, sorted (all of them when few enough). */
function sample(size: number, maxElements: number, rand: () => number): number[] {
  const all = Array.from({ length: size }, (_, i) => i);
  if (size <= maxElements) return all;
  for (let i = 0; i < maxElements; i++) {
    const j = i + Math.floor(rand() * (size - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, maxElements).sort((a, b) => a - b);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function fmt(v: number): string {
  return String(Number.isFinite(v) ? Number(v.toPrecision(6)) : v);
}

/**
 * Checks the VJP of `f` at `inputs` (float64 tensors on any backend) two ways, with a random
 * cotangent `c` shaped like the output:
 *
 * 1. Every input element (at most `maxElements` per input): the VJP's gradient of `<f(x), c>`
 *    against the central finite difference `(<f(x + eps e), c> - <f(x - eps e), c>) / (2 eps)`,
 *    passing when `|numeric - analytic| <= atol + rtol * |numeric|` (PyTorch's defaults).
 * 2. The dot-product identity `<J t, c> == <t, J^T c>` for random directions `t` over all
 *    inputs, `J t` taken by central differences along `t`, passing within `dotRtol` of the
 *    magnitudes of the terms.
 *
 * Resolves to a {@linkcode GradReport}; it never throws for a wrong gradient (see
 * {@linkcode assertGrads}). Throws a `TypeError` when an input or the output is not a float64
 * tensor (finite differences in float32 are useless) and a `RangeError` for bad options.
 *
 * @example
 * ```ts
 * import { checkGrads, conv2d, tanh, tensor } from "@convkit/convkit";
 * const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [1, 3, 3, 1], dtype: "float64" });
 * const w = tensor([1, -1, 0.5, 2], { shape: [2, 2, 1, 1], dtype: "float64" });
 * // conv2d is linear in x and in w: a step of 1 is exact there.
 * const conv = await checkGrads((x, w) => conv2d.vjp(x, w), [x, w], { linear: [true, true] });
 * conv.ok; // true
 * (await checkGrads((x) => tanh.vjp(x), [w])).ok; // true
 * ```
 *
 * To check a layer (your own included), make its params inputs too: flatten the params tree into
 * its leaves and unflatten them inside `f`, so that one call checks the input's gradient and every
 * param's (`examples/custom_layer.ts` walks through this with a layer written from scratch).
 *
 * @example
 * ```ts
 * import { checkGrads, key, type Tensor, tensor } from "@convkit/convkit";
 * import { treeFlatten, treeUnflatten } from "@convkit/convkit";
 * import { dense } from "@convkit/convkit/layers";
 * const layer = dense(2);
 * const { params } = layer.init(key(0), [-1, 3], { dtype: "float64" });
 * const x = tensor([[1, -2, 0.5]], { dtype: "float64" });
 * const report = await checkGrads((x, ...leaves) => {
 *   const [y, vjp] = layer.apply(treeUnflatten(params, leaves), x);
 *   return [y as Tensor, (dy) => {
 *     const [dParams, dx] = vjp(dy);
 *     return [dx as Tensor, ...treeFlatten(dParams).leaves];
 *   }];
 * }, [x, ...treeFlatten(params).leaves], { linear: [true, true, true] }); // affine in each
 * report.ok; // true
 * ```
 */
export async function checkGrads(
  f: VjpFunction,
  inputs: readonly Tensor[],
  options: CheckGradsOptions = {},
): Promise<GradReport> {
  if (typeof f !== "function") {
    throw new TypeError(`${OP}: f must be a function returning [y, vjp], but got ${typeof f}`);
  }
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new TypeError(`${OP}: inputs must be a non-empty array of Tensors`);
  }
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) {
      throw new TypeError(`${OP}: inputs[${i}] must be a Tensor, but got ${typeof x}`);
    }
    if (x.dtype !== "float64") {
      throw new TypeError(
        `${OP}: inputs[${i}] must have dtype float64 (finite differences in float32 are too ` +
          `inaccurate to check anything), but has ${x.dtype}`,
      );
    }
  });
  const eps = positive("eps", options.eps, 1e-6);
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  if (!(atol >= 0) || !(rtol >= 0)) {
    throw new RangeError(`${OP}: options.atol and options.rtol must be >= 0`);
  }
  const dotRtol = positive("dotRtol", options.dotRtol, 1e-6);
  const maxElements = count("maxElements", options.maxElements, 200);
  const directions = count("directions", options.directions, 2);
  const linear = options.linear ?? [];
  const rand = mulberry32(options.seed ?? 20240611);
  const uniform = (n: number): Float64Array => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = 2 * rand() - 1;
    return v;
  };

  const base = await Promise.all(inputs.map(async (x) => Float64Array.from(await x.data())));
  const [y, vjp] = f(...inputs);
  if (!(y instanceof Tensor) || y.dtype !== "float64") {
    throw new TypeError(
      `${OP}: f must return a float64 output, but returned ${
        y instanceof Tensor ? `dtype ${y.dtype}` : typeof y
      }`,
    );
  }
  const c = uniform(y.size);
  const grads = vjp(tensor(c, { shape: y.shape, dtype: "float64", backend: y.backend }));
  const problems: string[] = [];
  const analytic: Float64Array[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const g = grads[i];
    if (g === undefined) {
      analytic.push(new Float64Array(inputs[i].size));
      continue;
    }
    const same = g instanceof Tensor && g.shape.length === inputs[i].rank &&
      g.shape.every((d, a) => d === inputs[i].shape[a]);
    if (!same) {
      problems.push(
        `the gradient of input ${i} has shape [${
          g instanceof Tensor ? g.shape.join(", ") : typeof g
        }] but the input has shape [${inputs[i].shape.join(", ")}]`,
      );
      analytic.push(new Float64Array(inputs[i].size).fill(NaN));
      continue;
    }
    analytic.push(Float64Array.from(await g.data()));
  }

  // <f(inputs with input i replaced by values), c>
  const objective = async (replaced: ReadonlyMap<number, Float64Array>): Promise<number> => {
    const args = inputs.map((x, i) => {
      const v = replaced.get(i);
      return v === undefined
        ? x
        : tensor(v, { shape: x.shape, dtype: "float64", backend: x.backend });
    });
    return dot(await f(...args)[0].data(), c);
  };

  let worst: GradElement | undefined;
  let worstRatio = -1;
  let failed = 0;
  let checked = 0;
  for (let i = 0; i < inputs.length; i++) {
    const h = linear[i] ? 1 : eps;
    const x = base[i];
    for (const j of sample(x.length, maxElements, rand)) {
      const moved = Float64Array.from(x);
      moved[j] = x[j] + h;
      const plus = await objective(new Map([[i, moved]]));
      moved[j] = x[j] - h;
      const minus = await objective(new Map([[i, moved]]));
      const numeric = (plus - minus) / (2 * h);
      const ana = analytic[i][j];
      const error = Math.abs(numeric - ana);
      const allowed = atol + rtol * Math.abs(numeric);
      const ratio = Number.isNaN(error) ? Infinity : error / allowed;
      checked++;
      if (!(error <= allowed)) failed++;
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = { input: i, index: unravel(j, inputs[i].shape), numeric, analytic: ana, error };
      }
    }
  }

  // Dot-product identity along random directions; keep the worst one.
  const yData = await y.data();
  let scale = 0; // sum |y_k c_k|: the size of the rounding noise in <f(x), c>
  for (let k = 0; k < yData.length; k++) scale += Math.abs(yData[k] * c[k]);
  let dotProduct = { lhs: 0, rhs: 0, ok: true };
  let dotWorst = -1;
  for (let d = 0; d < directions; d++) {
    const t = base.map((x) => uniform(x.length));
    const shifted = (sign: number): Map<number, Float64Array> =>
      new Map(base.map((x, i) => [i, x.map((v, k) => v + sign * eps * t[i][k])]));
    const lhs = ((await objective(shifted(1))) - (await objective(shifted(-1)))) / (2 * eps);
    let rhs = 0;
    let terms = 0;
    for (let i = 0; i < base.length; i++) {
      rhs += dot(t[i], analytic[i]);
      for (let k = 0; k < t[i].length; k++) terms += Math.abs(t[i][k] * analytic[i][k]);
    }
    const allowed = dotRtol * (terms + Math.abs(lhs)) + 1e-13 * scale / eps + 1e-300;
    const err = Math.abs(lhs - rhs);
    const ratio = Number.isNaN(err) ? Infinity : err / allowed;
    if (ratio > dotWorst) {
      dotWorst = ratio;
      dotProduct = { lhs, rhs, ok: err <= allowed };
    }
  }

  const ok = problems.length === 0 && failed === 0 && dotProduct.ok;
  const where = worst === undefined
    ? "no elements checked"
    : `worst element: input ${worst.input} at [${worst.index.join(", ")}]: numeric ${
      fmt(worst.numeric)
    }, analytic ${fmt(worst.analytic)}, error ${fmt(worst.error)} (allowed ${
      fmt(atol + rtol * Math.abs(worst.numeric))
    })`;
  const dotText = `dot product <J t, c> = ${fmt(dotProduct.lhs)} vs <t, J^T c> = ${
    fmt(dotProduct.rhs)
  }${dotProduct.ok ? "" : " (MISMATCH)"}`;
  const head = ok
    ? `${OP}: ok, ${checked} elements checked`
    : `${OP}: gradient mismatch, ${failed} of ${checked} elements outside the tolerance`;
  const message = [head, ...problems, where, dotText].join("; ");
  return { ok, worst, dotProduct, message };
}

/**
 * Like {@linkcode checkGrads}, but throws an `Error` with the report's message when the check
 * fails; resolves to the report otherwise.
 *
 * @example
 * ```ts
 * import { assertGrads, mul, tensor } from "@convkit/convkit";
 * const a = tensor([1, -2, 3], { dtype: "float64" });
 * const b = tensor([0.5, 4, -1], { dtype: "float64" });
 * await assertGrads((a, b) => mul.vjp(a, b), [a, b], { linear: [true, true] });
 * ```
 */
export async function assertGrads(
  f: VjpFunction,
  inputs: readonly Tensor[],
  options: CheckGradsOptions = {},
): Promise<GradReport> {
  const report = await checkGrads(f, inputs, options);
  if (!report.ok) throw new Error(report.message);
  return report;
}
