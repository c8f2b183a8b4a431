/**
 * fast-check arbitraries for the op-level property tests: shapes (sizes including 1),
 * broadcasting pairs and triples, values on a grid kept away from kinks and ties, and only valid
 * convolution and pooling geometries (stride larger than the kernel, dilation 1..3, asymmetric
 * explicit padding, "same" with stride > 1). Plus the helper that runs `checkGrads` on the scalar
 * backend in float64.
 * @module
 */

import { scalarBackend } from "../backends/scalar/mod.ts";
import { tensor } from "../core/create.ts";
import type { DType } from "../core/dtype.ts";
import { assertGrads, type CheckGradsOptions, type VjpFunction } from "../core/grad_check.ts";
import type { PaddingSpec1d, PaddingSpec2d } from "../core/padding.ts";
import type { Tensor } from "../core/tensor.ts";
import { fc } from "./fc.ts";

export { fc };

/** A dense host array: a shape and its row-major values. */
export interface Host {
  /** The shape. */
  readonly shape: readonly number[];
  /** The values, row-major. */
  readonly values: readonly number[];
}

/** The number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A tensor of `dtype` (float64 by default) on the scalar backend. */
export function t(h: Host, dtype: DType = "float64"): Tensor {
  return tensor([...h.values], { shape: h.shape, dtype, backend: scalarBackend });
}

/**
 * How values are drawn, all on a grid of 1/1000 (never denormal-sized, see FIELD-NOTES):
 * - `grid`: [-1, 1]; `wide`: [-3, 3];
 * - `nonzero`: [-1, 1] with |x| >= 0.01 (away from the kinks of relu, abs, sign);
 * - `positive`: [0.1, 2] (log, sqrt, pow base); `awayFromZero`: |x| in [0.2, 1.2], both signs
 *   (denominators, reciprocal);
 * - `unique`: distinct values at least 1/1000 apart within the tensor (max, min, max-pool: no
 *   ties); `even` / `odd`: even or odd thousandths in [-1, 1], so an `even` and an `odd` tensor
 *   never tie elementwise (maximum, minimum).
 */
export type ValueKind =
  | "grid"
  | "wide"
  | "nonzero"
  | "positive"
  | "awayFromZero"
  | "unique"
  | "even"
  | "odd";

const milli = (i: number): number => i / 1000;

const valueArbs: Record<Exclude<ValueKind, "unique">, fc.Arbitrary<number>> = {
  grid: fc.integer({ min: -1000, max: 1000 }).map(milli),
  wide: fc.integer({ min: -3000, max: 3000 }).map(milli),
  nonzero: fc.integer({ min: 10, max: 1000 }).chain((i) => fc.constantFrom(i, -i)).map(milli),
  positive: fc.integer({ min: 100, max: 2000 }).map(milli),
  awayFromZero: fc.integer({ min: 200, max: 1200 }).chain((i) => fc.constantFrom(i, -i))
    .map(milli),
  even: fc.integer({ min: -500, max: 500 }).map((i) => milli(2 * i)),
  odd: fc.integer({ min: -500, max: 499 }).map((i) => milli(2 * i + 1)),
};

/** `n` values of `kind`. */
export function valuesArb(n: number, kind: ValueKind = "grid"): fc.Arbitrary<number[]> {
  if (kind === "unique") {
    return fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n })
      .map((v) => v.map(milli));
  }
  return fc.array(valueArbs[kind], { minLength: n, maxLength: n });
}

/** A host array of `shape` with values of `kind`. */
export function hostArb(shape: readonly number[], kind: ValueKind = "grid"): fc.Arbitrary<Host> {
  return valuesArb(sizeOf(shape), kind).map((values) => ({ shape: [...shape], values }));
}

/**
 * A shape with rank in `[minRank, maxRank]`, sizes in `[1, maxDim]` and at most `maxSize`
 * elements (small, so finite differences stay cheap).
 */
export function shapeArb(
  minRank: number,
  maxRank: number,
  maxDim = 3,
  maxSize = 60,
): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank })
    .filter((s) => sizeOf(s) <= maxSize);
}

/** A shape that broadcasts to `target`: some leading axes dropped, some sizes set to 1. */
export function broadcastableArb(target: readonly number[]): fc.Arbitrary<number[]> {
  return fc.integer({ min: 0, max: target.length }).chain((drop) =>
    fc.array(fc.boolean(), { minLength: target.length - drop, maxLength: target.length - drop })
      .map((ones) => target.slice(drop).map((d, i) => (ones[i] ? 1 : d)))
  );
}

/** `count` shapes that broadcast together (to a shape of rank <= `maxRank`). */
export function broadcastShapesArb(count: number, maxRank = 3): fc.Arbitrary<number[][]> {
  return shapeArb(0, maxRank).chain((target) =>
    fc.tuple(...Array.from({ length: count }, () => broadcastableArb(target)))
  );
}

/** A reduction's `axis` (undefined, one axis or several, some negative) and `keepDims`. */
export function reduceOptionsArb(
  rank: number,
): fc.Arbitrary<{ axis?: number | number[]; keepDims: boolean }> {
  const axes = fc.subarray(Array.from({ length: rank }, (_, i) => i)).chain((sub) =>
    fc.array(fc.boolean(), { minLength: sub.length, maxLength: sub.length })
      .map((neg) => sub.map((a, i) => (neg[i] ? a - rank : a)))
  );
  const axis: fc.Arbitrary<number | number[] | undefined> = rank === 0
    ? fc.constant(undefined)
    : fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: -rank, max: rank - 1 }),
      axes,
    );
  return fc.record({ axis, keepDims: fc.boolean() }).map((r) =>
    r.axis === undefined ? { keepDims: r.keepDims } : { axis: r.axis, keepDims: r.keepDims }
  );
}

/** TensorFlow's "same" padding `[before, after]` of one axis (written here independently). */
export function samePad(n: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** One spatial axis: input size, kernel, stride, dilation. */
interface Axis {
  readonly n: number;
  readonly k: number;
  readonly s: number;
  readonly d: number;
}

/** The spelling of a 2D padding: valid, same, one number, or explicit per side. */
type PadForm =
  | { kind: "valid" }
  | { kind: "same" }
  | { kind: "number"; p: number }
  | { kind: "explicit"; p: [[number, number], [number, number]] };

const side = fc.integer({ min: 0, max: 2 });
const padFormArb: fc.Arbitrary<PadForm> = fc.oneof(
  fc.constant({ kind: "valid" as const }),
  fc.constant({ kind: "same" as const }),
  side.map((p) => ({ kind: "number" as const, p })),
  fc.tuple(fc.tuple(side, side), fc.tuple(side, side)).map((p) => ({
    kind: "explicit" as const,
    p,
  })),
);

function resolveForm(form: PadForm, h: Axis, w: Axis): [[number, number], [number, number]] {
  switch (form.kind) {
    case "valid":
      return [[0, 0], [0, 0]];
    case "same":
      return [samePad(h.n, h.k, h.s, h.d), samePad(w.n, w.k, w.s, w.d)];
    case "number":
      return [[form.p, form.p], [form.p, form.p]];
    case "explicit":
      return form.p;
  }
}

function specOf(form: PadForm): PaddingSpec2d {
  return form.kind === "number" ? form.p : form.kind === "explicit" ? form.p : form.kind;
}

function outSize(a: Axis, before: number, after: number): number {
  return Math.floor((a.n + before + after - ((a.k - 1) * a.d + 1)) / a.s) + 1;
}

/** A stride or dilation option: a number when both axes agree (sometimes), else a pair. */
function pairOption(h: number, w: number, asNumber: boolean): number | [number, number] {
  return asNumber && h === w ? h : [h, w];
}

const convAxisArb = (maxN: number): fc.Arbitrary<Axis> =>
  fc.record({
    n: fc.integer({ min: 1, max: maxN }),
    k: fc.integer({ min: 1, max: 3 }),
    s: fc.integer({ min: 1, max: 4 }),
    d: fc.integer({ min: 1, max: 3 }),
  });

/** A valid conv2d: shapes of `x` `[n, h, w, cIn]` and `w` `[kh, kw, cIn, cOut]`, options, output. */
export interface Conv2dCase {
  /** The input shape. */
  readonly xShape: number[];
  /** The filter shape. */
  readonly wShape: number[];
  /** stride, dilation and padding as the op takes them. */
  readonly options: {
    stride: number | [number, number];
    dilation: number | [number, number];
    padding: PaddingSpec2d;
  };
  /** The padding resolved to numbers. */
  readonly padding: [[number, number], [number, number]];
  /** The output shape. */
  readonly outShape: number[];
}

/**
 * A valid 2D convolution geometry with `x` of at most `maxX` elements: sizes 1..5, kernel 1..3,
 * stride 1..4 (often larger than the kernel), dilation 1..3, padding valid, same, a number or
 * explicit asymmetric `[[top, bottom], [left, right]]`; the dilated kernel always fits.
 */
export function conv2dCaseArb(maxX = 60): fc.Arbitrary<Conv2dCase> {
  return fc.record({
    n: fc.integer({ min: 1, max: 2 }),
    cIn: fc.integer({ min: 1, max: 2 }),
    cOut: fc.integer({ min: 1, max: 2 }),
    h: convAxisArb(5),
    w: convAxisArb(5),
    form: padFormArb,
    asNumber: fc.boolean(),
  }).map((r) => {
    const padding = resolveForm(r.form, r.h, r.w);
    return {
      xShape: [r.n, r.h.n, r.w.n, r.cIn],
      wShape: [r.h.k, r.w.k, r.cIn, r.cOut],
      options: {
        stride: pairOption(r.h.s, r.w.s, r.asNumber),
        dilation: pairOption(r.h.d, r.w.d, r.asNumber),
        padding: specOf(r.form),
      },
      padding,
      outShape: [
        r.n,
        outSize(r.h, padding[0][0], padding[0][1]),
        outSize(r.w, padding[1][0], padding[1][1]),
        r.cOut,
      ],
      fits: [r.h, r.w].every((a, i) => (a.k - 1) * a.d + 1 <= a.n + padding[i][0] + padding[i][1]),
    };
  }).filter((c) => c.fits && sizeOf(c.xShape) <= maxX).map(({ fits: _, ...c }) => c);
}

/** A valid conv1d: `x` `[n, w, cIn]`, `w` `[k, cIn, cOut]`, options and output shape. */
export interface Conv1dCase {
  /** The input shape. */
  readonly xShape: number[];
  /** The filter shape. */
  readonly wShape: number[];
  /** stride, dilation and padding as the op takes them. */
  readonly options: { stride: number; dilation: number; padding: PaddingSpec1d };
  /** The padding resolved to numbers. */
  readonly padding: [number, number];
  /** The output shape. */
  readonly outShape: number[];
}

/** A valid 1D convolution geometry: width 1..8, kernel 1..3, stride 1..4, dilation 1..3. */
export function conv1dCaseArb(): fc.Arbitrary<Conv1dCase> {
  const form: fc.Arbitrary<PaddingSpec1d> = fc.oneof(
    fc.constantFrom("valid" as const, "same" as const),
    side,
    fc.tuple(side, side),
  );
  return fc.record({
    n: fc.integer({ min: 1, max: 2 }),
    cIn: fc.integer({ min: 1, max: 3 }),
    cOut: fc.integer({ min: 1, max: 2 }),
    a: convAxisArb(8),
    padding: form,
  }).map((r) => {
    const { a } = r;
    const p: [number, number] = r.padding === "valid"
      ? [0, 0]
      : r.padding === "same"
      ? samePad(a.n, a.k, a.s, a.d)
      : typeof r.padding === "number"
      ? [r.padding, r.padding]
      : [r.padding[0], r.padding[1]];
    return {
      xShape: [r.n, a.n, r.cIn],
      wShape: [a.k, r.cIn, r.cOut],
      options: { stride: a.s, dilation: a.d, padding: r.padding },
      padding: p,
      outShape: [r.n, outSize(a, p[0], p[1]), r.cOut],
      fits: (a.k - 1) * a.d + 1 <= a.n + p[0] + p[1],
    };
  }).filter((c) => c.fits).map(({ fits: _, ...c }) => c);
}

/** A valid 2D pooling: `x` `[n, h, w, c]`, the window and options, output shape. */
export interface Pool2dCase {
  /** The input shape. */
  readonly xShape: number[];
  /** The window `[h, w]` (or one number). */
  readonly window: number | [number, number];
  /** stride (undefined: the window) and padding as the op takes them. */
  readonly options: { stride?: number | [number, number]; padding: PaddingSpec2d };
  /** The output shape. */
  readonly outShape: number[];
}

/**
 * A valid 2D pooling geometry: sizes 1..5, window 1..3, stride 1..4 or the default (the window),
 * padding in every spelling; every window holds at least one real cell.
 */
export function pool2dCaseArb(maxX = 60): fc.Arbitrary<Pool2dCase> {
  const axis = fc.record({
    n: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 1, max: 3 }),
    s: fc.integer({ min: 1, max: 4 }),
  });
  return fc.record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    h: axis,
    w: axis,
    defaultStride: fc.boolean(),
    form: padFormArb,
    asNumber: fc.boolean(),
  }).map((r) => {
    const h = { ...r.h, d: 1, s: r.defaultStride ? r.h.k : r.h.s };
    const w = { ...r.w, d: 1, s: r.defaultStride ? r.w.k : r.w.s };
    const padding = resolveForm(r.form, h, w);
    const outs = [h, w].map((a, i) => outSize(a, padding[i][0], padding[i][1]));
    const valid = [h, w].every((a, i) => {
      const [pb, pa] = padding[i];
      if (a.k > a.n + pb + pa) return false;
      // every window must hold a real cell
      for (let o = 0; o < outs[i]; o++) {
        const start = o * a.s - pb;
        if (start + a.k - 1 < 0 || start > a.n - 1) return false;
      }
      return true;
    });
    return {
      xShape: [r.n, h.n, w.n, r.c],
      window: pairOption(h.k, w.k, r.asNumber),
      options: r.defaultStride
        ? { padding: specOf(r.form) }
        : { stride: pairOption(h.s, w.s, r.asNumber), padding: specOf(r.form) },
      outShape: [r.n, outs[0], outs[1], r.c],
      valid,
    };
  }).filter((c) => c.valid && sizeOf(c.xShape) <= maxX).map(({ valid: _, ...c }) => c);
}

/** A batched matmul: shapes of `a` and `b` (batch axes broadcasting) and the transpose flags. */
export interface MatmulCase {
  /** The shape of `a`. */
  readonly aShape: number[];
  /** The shape of `b`. */
  readonly bShape: number[];
  /** The transpose flags. */
  readonly options: { transposeA: boolean; transposeB: boolean };
}

/** A valid matmul: m, k, n in 1..3, batch axes (rank 0..2) that broadcast, both flags. */
export function matmulCaseArb(): fc.Arbitrary<MatmulCase> {
  return fc.record({
    batch: broadcastShapesArb(2, 2),
    m: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 3 }),
    n: fc.integer({ min: 1, max: 3 }),
    transposeA: fc.boolean(),
    transposeB: fc.boolean(),
  }).map((r) => ({
    aShape: [...r.batch[0], ...(r.transposeA ? [r.k, r.m] : [r.m, r.k])],
    bShape: [...r.batch[1], ...(r.transposeB ? [r.n, r.k] : [r.k, r.n])],
    options: { transposeA: r.transposeA, transposeB: r.transposeB },
  }));
}

/**
 * Runs `checkGrads` (VJP against central finite differences, and the dot-product identity) on
 * float64 tensors built from `hosts` on the scalar backend; throws the report's message when it
 * fails (fast-check then prints the case and the seed to replay it).
 */
export async function expectGrads(
  f: VjpFunction,
  hosts: readonly Host[],
  options: CheckGradsOptions = {},
): Promise<void> {
  await assertGrads(f, hosts.map((h) => t(h)), options);
}
