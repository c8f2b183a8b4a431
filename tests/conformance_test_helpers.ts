/**
 * Shared machinery of the backend conformance suite: running one kernel on host data (checking
 * that no input is mutated and that the output is a new handle), comparing a result with the
 * float64 reference under the tolerance of its dtype, and the fast-check arbitraries for shapes,
 * values and convolution / pooling geometries.
 * @module
 */

import type { DType, TypedArray } from "../core/dtype.ts";
import type { Backend, KTensor, OutInfo, Padding2d, Shape } from "../core/primitives.ts";
import { fc, fcParams, gridValue } from "./fc.ts";
import { type RefTensor, sizeOf } from "./reference.ts";

export { fc, fcParams, gridValue, sizeOf };

/** A tensor on the host: shape, dtype and data already stored in that dtype's typed array. */
export interface HostTensor {
  /** The shape. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** The data (rounded to `dtype` on creation). */
  readonly data: TypedArray;
}

/** Options of the conformance suite. */
export interface ConformanceOptions {
  /** Dtypes to test (intersected with `backend.dtypes`). @default all dtypes */
  readonly dtypes?: readonly DType[];
  /** fast-check runs per primitive per dtype. @default 25 */
  readonly numRuns?: number;
}

/** What every `register*` function receives. */
export interface Suite<H> {
  /** The backend under test. */
  readonly backend: Backend<H>;
  /** The dtypes to test: the options' dtypes that the backend supports. */
  readonly dtypes: readonly DType[];
  /** fast-check parameters (pinned seed, runs). */
  readonly params: { seed: number; numRuns: number };
}

/** Makes a host tensor of `dtype` from plain numbers (rounded by the typed array). */
export function host(shape: Shape, dtype: DType, values: ArrayLike<number>): HostTensor {
  const data = dtype === "float32"
    ? Float32Array.from(values)
    : dtype === "float64"
    ? Float64Array.from(values)
    : Int32Array.from(values);
  return { shape: [...shape], dtype, data };
}

/** The reference view of a host tensor: the very values uploaded, as float64. */
export function ref(t: HostTensor): RefTensor {
  return { shape: t.shape, data: Float64Array.from(t.data) };
}

/** The reference view of `|t|`, for magnitude-scaled tolerances. */
export function refAbs(t: HostTensor): RefTensor {
  return { shape: t.shape, data: Float64Array.from(t.data, Math.abs) };
}

function sameBits(a: TypedArray, b: TypedArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Uploads `inputs`, runs `call` on them, reads the output back as `out.dtype` and returns it as
 * float64. Also checks the contract around the call: the backend keeps no reference to the
 * uploaded host arrays, the output is a new handle, and every input reads back unchanged.
 * Releases every handle afterwards when the backend has `release`.
 */
export async function runKernel<H>(
  backend: Backend<H>,
  inputs: readonly HostTensor[],
  out: OutInfo,
  call: (ins: readonly KTensor<H>[]) => H,
): Promise<Float64Array> {
  const kts = inputs.map((t): KTensor<H> => {
    const scratch = t.data.slice();
    const handle = backend.upload(scratch, t.shape, t.dtype);
    scratch.fill(t.dtype === "int32" ? -7 : NaN); // the backend must not have kept `scratch`
    return { shape: t.shape, dtype: t.dtype, handle };
  });
  const handle = call(kts);
  const fresh = kts.every((k) => k.handle !== handle);
  const got = await backend.read(handle, out.dtype, sizeOf(out.shape));
  const after = await Promise.all(
    kts.map((k) => backend.read(k.handle, k.dtype, sizeOf(k.shape))),
  );
  if (backend.release) {
    for (const h of new Set([handle, ...kts.map((k) => k.handle)])) backend.release(h);
  }
  if (!fresh) throw new Error("the kernel returned one of its input handles, not a new one");
  if (got.length !== sizeOf(out.shape)) {
    throw new Error(`read returned ${got.length} elements, expected ${sizeOf(out.shape)}`);
  }
  inputs.forEach((t, i) => {
    if (!sameBits(after[i], t.data)) {
      throw new Error(
        `the kernel mutated input ${i}: uploaded ${show(t.data)}, now ${show(after[i])}`,
      );
    }
  });
  return Float64Array.from(got);
}

function show(a: ArrayLike<number>): string {
  const xs = Array.from(a).slice(0, 24).map((v) => String(v));
  return `[${xs.join(", ")}${a.length > 24 ? ", ..." : ""}]`;
}

/** `value` rounded to what an array of `dtype` stores. */
export function roundTo(dtype: DType, value: number): number {
  return dtype === "float32" ? Math.fround(value) : dtype === "int32" ? value | 0 : value;
}

function mismatch(i: number, want: number, got: number, tol: number, context: unknown): Error {
  return new Error(
    `element ${i}: expected ${want}, got ${got} (|diff| ${Math.abs(got - want)}, tolerance ` +
      `${tol}) for ${JSON.stringify(context)}`,
  );
}

/** Checks `got` equals `expected` rounded to `dtype`, element by element. */
export function expectExact(
  got: Float64Array,
  expected: Float64Array,
  dtype: DType,
  context: unknown,
): void {
  if (got.length !== expected.length) throw new Error(`length ${got.length} != ${expected.length}`);
  for (let i = 0; i < got.length; i++) {
    const want = roundTo(dtype, expected[i]);
    if (!(got[i] === want)) throw mismatch(i, want, got[i], 0, context);
  }
}

/**
 * Checks a sum-of-products result: `|got - ref| <= rel * mag + abs` per element with `mag` the
 * reference run on `|inputs|`; `(rel, abs)` is `(1e-5, 1e-6)` for float32, `(1e-12, 1e-12)` for
 * float64, and int32 must be exact.
 */
export function expectClose(
  got: Float64Array,
  expected: Float64Array,
  mag: Float64Array,
  dtype: DType,
  context: unknown,
): void {
  if (dtype === "int32") return expectExact(got, expected, dtype, context);
  if (got.length !== expected.length) throw new Error(`length ${got.length} != ${expected.length}`);
  const [rel, abs] = dtype === "float32" ? [1e-5, 1e-6] : [1e-12, 1e-12];
  for (let i = 0; i < got.length; i++) {
    const tol = rel * mag[i] + abs;
    if (!(Math.abs(got[i] - expected[i]) <= tol)) {
      throw mismatch(i, expected[i], got[i], tol, context);
    }
  }
}

/**
 * Checks an elementwise result: float64 within `1e-12 |ref| + 1e-14`; float32 within
 * `1e-6 |ref| + 1e-12`, or `1e-6 |ref| + 1e-7` when `transcendental`; int32 exact.
 */
export function expectElementwise(
  got: Float64Array,
  expected: Float64Array,
  dtype: DType,
  transcendental: boolean,
  context: unknown,
): void {
  if (dtype === "int32") return expectExact(got, expected, dtype, context);
  if (got.length !== expected.length) throw new Error(`length ${got.length} != ${expected.length}`);
  const [rel, abs] = dtype === "float64" ? [1e-12, 1e-14] : [1e-6, transcendental ? 1e-7 : 1e-12];
  for (let i = 0; i < got.length; i++) {
    const tol = rel * Math.abs(expected[i]) + abs;
    if (!(Math.abs(got[i] - expected[i]) <= tol)) {
      throw mismatch(i, expected[i], got[i], tol, context);
    }
  }
}

/** Checks two inner products that must agree: `|a - b| <= rel * mag + abs` for `dtype`. */
export function expectInnerEqual(
  a: number,
  b: number,
  mag: number,
  dtype: DType,
  context: unknown,
): void {
  const tol = dtype === "float32" ? 1e-5 * mag + 1e-6 : 1e-12 * mag + 1e-12;
  if (!(Math.abs(a - b) <= tol)) {
    throw new Error(
      `inner products differ: ${a} vs ${b} (tolerance ${tol}) for ${JSON.stringify(context)}`,
    );
  }
}

/** `sum_i a[i] * b[i]` in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Registers one `t.step` per dtype in `candidates`, ignored unless the suite tests that dtype and
 * every dtype in `requires` (e.g. `int32` for a primitive whose output is int32).
 */
export async function dtypeSteps(
  t: Deno.TestContext,
  suite: { readonly dtypes: readonly DType[] },
  candidates: readonly DType[],
  fn: (dtype: DType) => Promise<void>,
  requires: readonly DType[] = [],
): Promise<void> {
  for (const dtype of candidates) {
    const ignore = ![dtype, ...requires].every((d) => suite.dtypes.includes(d));
    await t.step({ name: dtype, ignore, fn: () => fn(dtype) });
  }
}

/** The float dtypes. */
export const FLOATS: readonly DType[] = ["float32", "float64"];
/** Every dtype. */
export const ALL: readonly DType[] = ["float32", "float64", "int32"];

/** Values for `dtype`: the 1/1000 grid on [-1, 1] for floats, integers in [-1000, 1000] for int32.
 */
export function valueArb(dtype: DType): fc.Arbitrary<number> {
  return dtype === "int32" ? fc.integer({ min: -1000, max: 1000 }) : gridValue;
}

/** A host tensor of `shape` and `dtype` with values drawn from `values`. */
export function tensorArb(
  shape: Shape,
  dtype: DType,
  values: fc.Arbitrary<number> = valueArb(dtype),
): fc.Arbitrary<HostTensor> {
  const n = sizeOf(shape);
  return fc.array(values, { minLength: n, maxLength: n }).map((v) => host(shape, dtype, v));
}

/** A host tensor of `shape` whose values are distinct and at least 1/1000 apart. */
export function uniqueTensorArb(shape: Shape, dtype: DType): fc.Arbitrary<HostTensor> {
  const n = sizeOf(shape);
  return fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n })
    .map((v) => host(shape, dtype, dtype === "int32" ? v : v.map((i) => i / 1000)));
}

/** A shape with rank in `[minRank, maxRank]` and every size in `[1, maxDim]`. */
export function shapeArb(minRank: number, maxRank: number, maxDim = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/** A shape that broadcasts to `target`: some leading axes dropped, some sizes set to 1. */
export function broadcastableArb(target: Shape): fc.Arbitrary<number[]> {
  return fc.integer({ min: 0, max: target.length }).chain((drop) =>
    fc.array(fc.boolean(), { minLength: target.length - drop, maxLength: target.length - drop })
      .map((ones) => target.slice(drop).map((d, i) => (ones[i] ? 1 : d)))
  );
}

/** The NumPy broadcast of several shapes. */
export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    s.forEach((d, i) => {
      const a = rank - s.length + i;
      if (d !== 1) out[a] = d;
    });
  }
  return out;
}

/** One spatial axis of a convolution or pooling: size, kernel, stride, dilation, padding. */
export interface AxisGeometry {
  /** Input size. */
  readonly n: number;
  /** Kernel (window) size. */
  readonly k: number;
  /** Stride. */
  readonly s: number;
  /** Dilation. */
  readonly d: number;
  /** Padding before. */
  readonly before: number;
  /** Padding after. */
  readonly after: number;
  /** Output size. */
  readonly out: number;
  /** `"same"` when the padding came from TensorFlow's rule. */
  readonly mode: "same" | "explicit";
}

/** TensorFlow's "same" padding `[before, after]` for one axis. */
export function samePadding(n: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function axisFrom(
  r: { n: number; k: number; s: number; d: number; same: boolean; pb: number; pa: number },
): AxisGeometry {
  const [before, after] = r.same ? samePadding(r.n, r.k, r.s, r.d) : [r.pb, r.pa];
  const out = Math.floor((r.n + before + after - ((r.k - 1) * r.d + 1)) / r.s) + 1;
  return { n: r.n, k: r.k, s: r.s, d: r.d, before, after, out, mode: r.same ? "same" : "explicit" };
}

/**
 * One convolution axis: size 1..6, kernel 1..3, stride 1..4, dilation 1..3, padding either
 * explicit asymmetric (0..2 each side) or TensorFlow's "same"; only geometries where the dilated
 * kernel fits the padded input.
 */
export const convAxisArb: fc.Arbitrary<AxisGeometry> = fc.record({
  n: fc.integer({ min: 1, max: 6 }),
  k: fc.integer({ min: 1, max: 3 }),
  s: fc.integer({ min: 1, max: 4 }),
  d: fc.integer({ min: 1, max: 3 }),
  same: fc.boolean(),
  pb: fc.integer({ min: 0, max: 2 }),
  pa: fc.integer({ min: 0, max: 2 }),
}).map(axisFrom).filter((a) => (a.k - 1) * a.d + 1 <= a.n + a.before + a.after && a.out >= 1);

/**
 * One pooling axis: size 1..6, window 1..3, stride 1..4, padding explicit (each side below the
 * window) or "same"; only geometries where every window holds at least one real cell.
 */
export const poolAxisArb: fc.Arbitrary<AxisGeometry> = fc.record({
  n: fc.integer({ min: 1, max: 6 }),
  k: fc.integer({ min: 1, max: 3 }),
  s: fc.integer({ min: 1, max: 4 }),
  d: fc.constant(1),
  same: fc.boolean(),
  pb: fc.integer({ min: 0, max: 2 }),
  pa: fc.integer({ min: 0, max: 2 }),
}).map(axisFrom).filter((a) => {
  if (a.k > a.n + a.before + a.after || a.out < 1) return false;
  for (let i = 0; i < a.out; i++) {
    const start = i * a.s - a.before;
    if (start + a.k - 1 < 0 || start > a.n - 1) return false; // a window of padding only
  }
  return true;
});

/** The `padding` attribute from two axes. */
export function padding2d(h: AxisGeometry, w: AxisGeometry): Padding2d {
  return [[h.before, h.after], [w.before, w.after]];
}
