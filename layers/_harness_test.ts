/**
 * Shared helpers of the layer tests (no tests of its own): float64 tensors on the scalar
 * backend, deterministic values away from kinks and ties, and the adapter that turns a layer and
 * its params into the `f(...tensors) -> [y, vjp]` form that `checkGrads` checks.
 * @module
 */

import { scalarBackend } from "../backends/scalar/mod.ts";
import {
  concat,
  flatten,
  type Tensor,
  tensor,
  treeFlatten,
  treeStructureEquals,
  treeUnflatten,
} from "../core/mod.ts";
import { assertGrads, type CheckGradsOptions, type GradReport } from "../core/grad_check.ts";
import { assert, assertEquals } from "../tests/assert.ts";
import type { Ctx, InitOptions, Input, Layer, Output, OutShape, Params } from "./layer.ts";

/** Init options for the tests: float64 params on the scalar backend. */
export const F64: InitOptions = { dtype: "float64", backend: scalarBackend };

/** A float64 tensor on the scalar backend. */
export function t(values: readonly number[] | Float64Array, shape: readonly number[]): Tensor {
  return tensor(Float64Array.from(values), { shape, dtype: "float64", backend: scalarBackend });
}

/** An int32 tensor on the scalar backend. */
export function ints(values: readonly number[], shape: readonly number[]): Tensor {
  return tensor(Int32Array.from(values), { shape, dtype: "int32", backend: scalarBackend });
}

/** The data of a tensor as a plain array. */
export function values(x: Tensor): number[] {
  return Array.from(x.dataSync());
}

/** A small deterministic PRNG (mulberry32) returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = a;
    r = Math.imul(r ^ (r >>> 15), r | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How test inputs are drawn, on a grid of 1/1000: `grid` in [-1, 1]; `nonzero` with |x| >= 0.05
 * (relu's kink); `unique` distinct values at least 0.01 apart (max-pool ties).
 */
export type Values = "grid" | "nonzero" | "unique";

/** A float64 tensor of `shape` with values of `kind` drawn from `seed`. */
export function randomTensor(
  seed: number,
  shape: readonly number[],
  kind: Values = "grid",
): Tensor {
  const rand = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float64Array(n);
  if (kind === "unique") {
    for (let i = 0; i < n; i++) v[i] = (i - n / 2) / 100;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [v[i], v[j]] = [v[j], v[i]];
    }
  } else {
    for (let i = 0; i < n; i++) {
      let x = Math.round(rand() * 2000 - 1000) / 1000;
      if (kind === "nonzero" && Math.abs(x) < 0.05) x = x < 0 ? -0.05 - Math.abs(x) : 0.05 + x;
      v[i] = x;
    }
  }
  return t(v, shape);
}

/** Replaces a `-1` batch axis with `n`. */
export function withBatch(shape: readonly number[], n: number): number[] {
  return shape.map((d, i) => (i === 0 && d === -1 ? n : d));
}

/** Asserts that an output matches an inferred shape (a `-1` batch axis matches any size). */
export function assertShape(y: Output, shape: OutShape): void {
  if (Array.isArray(y)) {
    assert(Array.isArray(shape[0]), `expected one output of shape [${shape}], got a list`);
    assertEquals(y.length, shape.length);
    y.forEach((yi, i) => assertShape(yi, shape[i] as readonly number[]));
    return;
  }
  const one = y as Tensor;
  assertEquals(one.shape, withBatch(shape as readonly number[], one.shape[0]));
}

/** Joins a list output into one tensor (flattened and concatenated), with the inverse for dy. */
function joinOutput(y: Output): [Tensor, (dy: Tensor) => Output] {
  if (!Array.isArray(y)) return [y as Tensor, (dy) => dy];
  const flat = y.map((yi) => flatten.vjp(yi));
  const [joined, concatVjp] = concat.vjp(flat.map(([f]) => f), { axis: 0 });
  return [joined, (dy) => concatVjp(dy).map((d, i) => flat[i][1](d)[0])];
}

/** Options of {@linkcode assertLayerGrads}. */
export interface LayerGradOptions extends CheckGradsOptions {
  /** The context of every apply (mode, key, state). @default {{}} */
  readonly ctx?: Ctx;
  /** Whether the input gets checked too (false for int32 inputs). @default {true} */
  readonly checkInput?: boolean;
  /** The layer is affine in each param and in the input, the others fixed. @default {false} */
  readonly affine?: boolean;
}

/**
 * Checks the VJP of `layer.apply` with respect to every param leaf and (by default) the input,
 * by finite differences and the dot-product identity.
 */
export async function assertLayerGrads(
  layer: Layer,
  params: Params,
  x: Input,
  options: LayerGradOptions = {},
): Promise<GradReport> {
  const { leaves } = treeFlatten(params);
  const count = leaves.length;
  const checkInput = options.checkInput ?? true;
  const xs: Tensor[] = Array.isArray(x) ? [...x] : [x as Tensor];
  const inputs = checkInput ? [...leaves, ...xs] : leaves;
  const f = (...ts: Tensor[]): [Tensor, (dy: Tensor) => Tensor[]] => {
    const p = treeUnflatten(params, ts.slice(0, count));
    const input: Input = !checkInput ? x : Array.isArray(x) ? ts.slice(count) : ts[count];
    const [y, vjp] = layer.apply(p, input, options.ctx);
    const [joined, split] = joinOutput(y);
    return [joined, (dy) => {
      const [dp, dx] = vjp(split(dy));
      assert(treeStructureEquals(params, dp), "the param gradient must be shaped like params");
      const dLeaves = treeFlatten(dp).leaves;
      if (!checkInput) return dLeaves;
      return [...dLeaves, ...(Array.isArray(dx) ? dx : [dx as Tensor])];
    }];
  };
  const linear = options.linear ?? (options.affine ? inputs.map(() => true) : undefined);
  return await assertGrads(f, inputs, { maxElements: 24, ...options, linear });
}
