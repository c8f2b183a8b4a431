/**
 * Explicit, counter-based random numbers in the style of `jax.random`: a {@linkcode Key} is a plain
 * value that is split or folded into new keys, never global state. Numbers are computed on the
 * host with the Threefry-2x32 hash (20 rounds, as in Random123 and JAX) and then uploaded, so a key
 * gives the same numbers on every backend.
 *
 * Counter layout: "block `i`" of a key `[k0, k1]` is `threefry2x32([k0, k1], [hi, lo])` where `hi`
 * and `lo` are the high and low 32 bits of the index `i` (JAX's `iota_2x32_shape`). From it:
 * - `split(key, n)[i]` is block `i` and `foldIn(key, d)` is block `d`, as in JAX with
 *   `jax_threefry_partitionable` (the default since JAX 0.5), so `split(key, n)[i]` equals
 *   `foldIn(key, i)`;
 * - `randomBits(key, n)[i]` is the xor of block `i`'s two words (JAX's 32-bit `random_bits`);
 * - `uniformValues(key, n)[i]` takes the top 53 of block `i`'s 64 bits (`hi:lo`) as a fraction.
 *
 * The `i`-th value of every generator depends only on the key and `i`, never on the count asked
 * for: a longer draw extends a shorter one.
 * @module
 */

import { getDefaultBackend } from "./backend.ts";
import { type CreateOptions, fromValues } from "./create.ts";
import type { DType } from "./dtype.ts";
import { checkInt, rangeError, show, typeError } from "./errors.ts";
import type { Backend } from "./primitives.ts";
import { checkShape, sizeOf } from "./shape.ts";
import type { Tensor } from "./tensor.ts";

/** A random key: two uint32 words. Create with {@linkcode key}, derive with `split`/`foldIn`. */
export interface Key {
  /** Tags the object as a key. */
  readonly kind: "convkit.key";
  /** The two 32-bit words `[hi, lo]`, each an integer in `[0, 2^32)`. */
  readonly words: readonly [number, number];
}

const TWO_32 = 4294967296;
const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24];
const OUT = new Uint32Array(2);

/** Threefry-2x32, 20 rounds, into `OUT`. Plain uint32 arithmetic: `+` then `>>> 0`, rotate, xor. */
function hash(k0: number, k1: number, c0: number, c1: number): void {
  const ks = [k0, k1, (k0 ^ k1 ^ 0x1bd11bda) >>> 0];
  let x0 = (c0 + k0) >>> 0;
  let x1 = (c1 + k1) >>> 0;
  for (let i = 0; i < 5; i++) {
    const rot = (i & 1) * 4;
    for (let j = 0; j < 4; j++) {
      const r = ROTATIONS[rot + j];
      x0 = (x0 + x1) >>> 0;
      x1 = (((x1 << r) | (x1 >>> (32 - r))) ^ x0) >>> 0;
    }
    x0 = (x0 + ks[(i + 1) % 3]) >>> 0;
    x1 = (x1 + ks[(i + 2) % 3] + i + 1) >>> 0;
  }
  OUT[0] = x0;
  OUT[1] = x1;
}

/** Block `i` of `key` into `OUT`. */
function block(key: Key, i: number): void {
  hash(key.words[0], key.words[1], Math.floor(i / TWO_32), i >>> 0);
}

/** The uniform value of block `i`: its top 53 bits over 2^53, in `[0, 1 - 2^-53]`. */
function uniformAt(key: Key, i: number): number {
  block(key, i);
  return (OUT[0] * 2097152 + (OUT[1] >>> 11)) / 9007199254740992;
}

function isUint32(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v < TWO_32;
}

function makeKey(hi: number, lo: number): Key {
  return Object.freeze({ kind: "convkit.key", words: Object.freeze([hi, lo] as const) });
}

/** True when `value` is a {@linkcode Key}. */
export function isKey(value: unknown): value is Key {
  if (typeof value !== "object" || value === null) return false;
  const k = value as { kind?: unknown; words?: unknown };
  return k.kind === "convkit.key" && Array.isArray(k.words) && k.words.length === 2 &&
    isUint32(k.words[0]) && isUint32(k.words[1]);
}

function checkKey(op: string, value: unknown): Key {
  if (!isKey(value)) {
    throw typeError(
      op,
      "key",
      "must be a Key made by key(), split() or foldIn()",
      `got ${show(value)}`,
    );
  }
  return value;
}

/** An integer in `[0, 2^53)` as `[hi, lo]` 32-bit words. */
function words53(op: string, arg: string, value: unknown): [number, number] {
  checkInt(op, arg, value, 0);
  const v = value as number;
  if (!Number.isSafeInteger(v)) throw rangeError(op, arg, "must be below 2^53", `got ${v}`);
  return [Math.floor(v / TWO_32), v >>> 0];
}

/**
 * The Threefry-2x32 hash (20 rounds) of a two-word `counter` under a two-word `key`, as in
 * Random123 and JAX. All four inputs are integers in `[0, 2^32)`; returns two such words.
 *
 * @example
 * ```ts
 * import { threefry2x32 } from "@convkit/convkit";
 * threefry2x32([0, 0], [0, 0]); // [0x6b200159, 0x99ba4efe]
 * ```
 */
export function threefry2x32(
  key: readonly [number, number],
  counter: readonly [number, number],
): [number, number] {
  const op = "threefry2x32";
  for (const [arg, pair] of [["key", key], ["counter", counter]] as const) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isUint32(pair[0]) || !isUint32(pair[1])) {
      throw typeError(op, arg, "must be two integers in [0, 2^32)", `got ${show(pair)}`);
    }
  }
  hash(key[0], key[1], counter[0], counter[1]);
  return [OUT[0], OUT[1]];
}

/**
 * A key from an integer seed in `[0, 2^53)`, like `jax.random.PRNGKey`: the words are the seed's
 * high and low 32 bits. Throws a `TypeError` for a non-number and a `RangeError` otherwise.
 *
 * @example
 * ```ts
 * import { key } from "@convkit/convkit";
 * key(42).words; // [0, 42]
 * ```
 */
export function key(seed: number): Key {
  const [hi, lo] = words53("key", "seed", seed);
  return makeKey(hi, lo);
}

/**
 * `n` new independent keys derived from `key` (key `i` is block `i` of `key`). Use each key once:
 * split before every use.
 *
 * @example
 * ```ts
 * import { key, split } from "@convkit/convkit";
 * const [k1, k2] = split(key(0));
 * ```
 */
export function split(key: Key, n = 2): Key[] {
  const k = checkKey("split", key);
  checkInt("split", "n", n, 0);
  const out: Key[] = [];
  for (let i = 0; i < n; i++) {
    block(k, i);
    out.push(makeKey(OUT[0], OUT[1]));
  }
  return out;
}

/**
 * A new key derived from `key` and an integer `data` in `[0, 2^53)` (for example a step or layer
 * number), like `jax.random.fold_in`: block `data` of `key`.
 *
 * @example
 * ```ts
 * import { foldIn, key } from "@convkit/convkit";
 * const stepKey = foldIn(key(0), 7);
 * ```
 */
export function foldIn(key: Key, data: number): Key {
  const k = checkKey("foldIn", key);
  const [hi, lo] = words53("foldIn", "data", data);
  hash(k.words[0], k.words[1], hi, lo);
  return makeKey(OUT[0], OUT[1]);
}

function checkCount(op: string, count: unknown): number {
  checkInt(op, "count", count, 0);
  if (!Number.isSafeInteger(count)) {
    throw rangeError(op, "count", "must be below 2^53", `got ${count}`);
  }
  return count as number;
}

/**
 * `count` random 32-bit words: word `i` is the xor of the two words of block `i`, that is of
 * `threefry2x32(key.words, [floor(i / 2^32), i mod 2^32])` (JAX's 32-bit `random_bits`).
 *
 * @example
 * ```ts
 * import { key, randomBits } from "@convkit/convkit";
 * randomBits(key(0), 4).length; // 4
 * ```
 */
export function randomBits(key: Key, count: number): Uint32Array {
  const k = checkKey("randomBits", key);
  const out = new Uint32Array(checkCount("randomBits", count));
  for (let i = 0; i < out.length; i++) {
    block(k, i);
    out[i] = OUT[0] ^ OUT[1];
  }
  return out;
}

/**
 * `count` uniform numbers in `[0, 1)` with 53 random bits each: value `i` is
 * `(w0 * 2^21 + floor(w1 / 2^11)) / 2^53` for the words `[w0, w1]` of block `i`. Never 1: the
 * largest value is `1 - 2^-53`.
 *
 * @example
 * ```ts
 * import { key, uniformValues } from "@convkit/convkit";
 * uniformValues(key(0), 3).every((u) => u >= 0 && u < 1); // true
 * ```
 */
export function uniformValues(key: Key, count: number): Float64Array {
  const k = checkKey("uniformValues", key);
  const out = new Float64Array(checkCount("uniformValues", count));
  for (let i = 0; i < out.length; i++) out[i] = uniformAt(k, i);
  return out;
}

/**
 * `count` standard normal numbers (Box–Muller): values `2j` and `2j + 1` are
 * `r cos(2 pi u2)` and `r sin(2 pi u2)` with `r = sqrt(-2 ln(1 - u1))`, where `u1` and `u2` are
 * uniform values `2j` and `2j + 1` of `key`. `1 - u1 >= 2^-53`, so `|z| < 8.6` and never infinite.
 *
 * @example
 * ```ts
 * import { key, normalValues } from "@convkit/convkit";
 * normalValues(key(0), 5).length; // 5
 * ```
 */
export function normalValues(key: Key, count: number): Float64Array {
  const k = checkKey("normalValues", key);
  const out = new Float64Array(checkCount("normalValues", count));
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - uniformAt(k, i)));
    const theta = 2 * Math.PI * uniformAt(k, i + 1);
    out[i] = r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

/** Standard normal value `i` of `key` alone (the same as `normalValues(key, i + 1)[i]`). */
function normalAt(key: Key, i: number): number {
  const even = i - (i % 2);
  const r = Math.sqrt(-2 * Math.log(1 - uniformAt(key, even)));
  const theta = 2 * Math.PI * uniformAt(key, even + 1);
  return i % 2 === 0 ? r * Math.cos(theta) : r * Math.sin(theta);
}

// ---- Tensor-facing generators ---------------------------------------------------------------

function finite(op: string, arg: string, value: unknown): number {
  if (typeof value !== "number") throw typeError(op, arg, "must be a number", `got ${show(value)}`);
  if (!Number.isFinite(value)) throw rangeError(op, arg, "must be finite", `got ${value}`);
  return value;
}

function target(
  op: string,
  options: CreateOptions,
  fallback: DType,
  allowed: readonly DType[],
): { dtype: DType; backend: Backend } {
  const dtype = options.dtype ?? fallback;
  if (!allowed.includes(dtype)) {
    const want = allowed.map((d) => `"${d}"`).join(" or ");
    throw typeError(op, "dtype", `must be ${want}`, `got ${show(dtype)}`);
  }
  const backend = options.backend ?? getDefaultBackend();
  if (!backend.dtypes.includes(dtype)) {
    throw typeError(
      op,
      "dtype",
      `must be one the ${backend.name} backend supports (${backend.dtypes.join(", ")})`,
      `got ${dtype}`,
    );
  }
  return { dtype, backend };
}

const FLOATS: readonly DType[] = ["float32", "float64"];
const SCRATCH = new DataView(new ArrayBuffer(8));

/** The largest value of `dtype` (float32 or float64) strictly below the finite `x`. */
function below(x: number, dtype: DType): number {
  if (dtype === "float32") {
    const f = Math.fround(x);
    if (f < x) return f;
    if (f === 0) return -1.401298464324817e-45;
    SCRATCH.setFloat32(0, f);
    SCRATCH.setUint32(0, SCRATCH.getUint32(0) + (f > 0 ? -1 : 1));
    return SCRATCH.getFloat32(0);
  }
  if (x === 0) return -Number.MIN_VALUE;
  SCRATCH.setFloat64(0, x);
  let hi = SCRATCH.getUint32(0);
  let lo = SCRATCH.getUint32(4);
  if (x > 0) [hi, lo] = lo === 0 ? [hi - 1, 0xffffffff] : [hi, lo - 1];
  else [hi, lo] = lo === 0xffffffff ? [hi + 1, 0] : [hi, lo + 1];
  SCRATCH.setUint32(0, hi);
  SCRATCH.setUint32(4, lo);
  return SCRATCH.getFloat64(0);
}

/** The smallest float32 `>= x` (or `x` itself for float64). */
function atLeast(x: number, dtype: DType): number {
  if (dtype === "float64") return x;
  const f = Math.fround(x);
  if (f >= x) return f;
  return -below(-x, "float32");
}

/** Options of {@linkcode uniform}. */
export interface UniformOptions extends CreateOptions {
  /** The lower bound, included. @default {0} */
  readonly min?: number;
  /** The upper bound, excluded; greater than `min`. @default {1} */
  readonly max?: number;
}

/**
 * A tensor of `shape` with numbers drawn uniformly from `[min, max)` (float32 or float64). The
 * numbers are `uniformValues(key, n)` scaled to the range and rounded to `dtype`, then kept
 * inside `[min, max)` in that dtype, so float32 and float64 draws of one key agree to float32
 * rounding and the result is never `max`.
 *
 * @example
 * ```ts
 * import { key, uniform } from "@convkit/convkit";
 * const w = uniform(key(0), [2, 3], { min: -1, max: 1 }); // float32, shape [2, 3]
 * ```
 */
export function uniform(key: Key, shape: readonly number[], options: UniformOptions = {}): Tensor {
  const op = "uniform";
  const k = checkKey(op, key);
  const s = checkShape(op, "shape", shape);
  const min = finite(op, "options.min", options.min ?? 0);
  const max = finite(op, "options.max", options.max ?? 1);
  const { dtype, backend } = target(op, options, "float32", FLOATS);
  const lo = atLeast(min, dtype);
  const hi = below(max, dtype);
  if (!(min < max) || lo > hi) {
    throw rangeError(
      op,
      "options.min",
      `must be below options.max with a ${dtype} value in between`,
      `got min ${min} and max ${max}`,
    );
  }
  const span = max - min;
  const out = new Float64Array(sizeOf(s));
  for (let i = 0; i < out.length; i++) {
    const u = uniformAt(k, i);
    const v = Number.isFinite(span) ? min + span * u : min * (1 - u) + max * u;
    const r = dtype === "float32" ? Math.fround(v) : v;
    out[i] = r < lo ? lo : r > hi ? hi : r;
  }
  return fromValues(out, s, dtype, backend);
}

/** Options of {@linkcode normal} and {@linkcode truncatedNormal}. */
export interface NormalOptions extends CreateOptions {
  /** The mean. @default {0} */
  readonly mean?: number;
  /** The standard deviation, `>= 0`. @default {1} */
  readonly std?: number;
}

function normalParams(op: string, options: NormalOptions): [number, number] {
  const mean = finite(op, "options.mean", options.mean ?? 0);
  const std = finite(op, "options.std", options.std ?? 1);
  if (std < 0) throw rangeError(op, "options.std", "must be >= 0", `got ${std}`);
  return [mean, std];
}

/**
 * A tensor of `shape` with normal numbers of the given `mean` and `std` (float32 or float64):
 * `mean + std * normalValues(key, n)`.
 *
 * @example
 * ```ts
 * import { key, normal } from "@convkit/convkit";
 * const noise = normal(key(1), [4], { std: 0.1 });
 * ```
 */
export function normal(key: Key, shape: readonly number[], options: NormalOptions = {}): Tensor {
  const op = "normal";
  const k = checkKey(op, key);
  const s = checkShape(op, "shape", shape);
  const [mean, std] = normalParams(op, options);
  const { dtype, backend } = target(op, options, "float32", FLOATS);
  const z = normalValues(k, sizeOf(s));
  for (let i = 0; i < z.length; i++) z[i] = mean + std * z[i];
  return fromValues(z, s, dtype, backend);
}

/**
 * Like {@linkcode normal}, but every standard value `z` lies in `[-2, 2]` (within two standard
 * deviations of the mean), as `tf.random.truncated_normal` does: a value outside is drawn again.
 * The first draw of element `i` is `normalValues(key, n)[i]`; redraw `r` (1, 2, ...) uses
 * `normalValues(foldIn(key, r), n)[i]`. So wherever `normal(key, ...)` is within two standard
 * deviations, both agree.
 *
 * @example
 * ```ts
 * import { key, truncatedNormal } from "@convkit/convkit";
 * const w = truncatedNormal(key(2), [3, 3], { std: 0.02 });
 * ```
 */
export function truncatedNormal(
  key: Key,
  shape: readonly number[],
  options: NormalOptions = {},
): Tensor {
  const op = "truncatedNormal";
  const k = checkKey(op, key);
  const s = checkShape(op, "shape", shape);
  const [mean, std] = normalParams(op, options);
  const { dtype, backend } = target(op, options, "float32", FLOATS);
  const z = normalValues(k, sizeOf(s));
  const redrawKeys: Key[] = [];
  for (let i = 0; i < z.length; i++) {
    for (let r = 1; Math.abs(z[i]) > 2; r++) {
      if (redrawKeys.length < r) redrawKeys.push(foldIn(k, r));
      z[i] = normalAt(redrawKeys[r - 1], i);
    }
    z[i] = mean + std * z[i];
  }
  return fromValues(z, s, dtype, backend);
}

/** Options of {@linkcode bernoulli}. */
export interface BernoulliOptions extends CreateOptions {
  /** The probability of a 1, in `[0, 1]`. @default {0.5} */
  readonly p?: number;
}

/**
 * A tensor of `shape` holding 1 with probability `p` and 0 otherwise (in `dtype`, float32 by
 * default): element `i` is 1 exactly when `uniformValues(key, n)[i] < p`. Handy for dropout masks.
 *
 * @example
 * ```ts
 * import { bernoulli, key } from "@convkit/convkit";
 * const mask = bernoulli(key(3), [8], { p: 0.9 });
 * ```
 */
export function bernoulli(
  key: Key,
  shape: readonly number[],
  options: BernoulliOptions = {},
): Tensor {
  const op = "bernoulli";
  const k = checkKey(op, key);
  const s = checkShape(op, "shape", shape);
  const p = finite(op, "options.p", options.p ?? 0.5);
  if (p < 0 || p > 1) throw rangeError(op, "options.p", "must be in [0, 1]", `got ${p}`);
  const { dtype, backend } = target(op, options, "float32", ["float32", "float64", "int32"]);
  const out = new Float64Array(sizeOf(s));
  for (let i = 0; i < out.length; i++) out[i] = uniformAt(k, i) < p ? 1 : 0;
  return fromValues(out, s, dtype, backend);
}

/** Options of {@linkcode randint}. */
export interface RandintOptions {
  /** The smallest value, an integer `>= -2^31`. */
  readonly min: number;
  /** One past the largest value, an integer `<= 2^31` and greater than `min`. */
  readonly max: number;
  /** The backend that holds the result. @default {getDefaultBackend()} */
  readonly backend?: Backend;
}

/**
 * An int32 tensor of `shape` with integers drawn uniformly from `[min, max)`: element `i` is
 * `min + floor(u * (max - min))` for `u = uniformValues(key, n)[i]` (53-bit `u`, so the relative
 * bias between outcomes is below `2^-21`).
 *
 * @example
 * ```ts
 * import { key, randint } from "@convkit/convkit";
 * const labels = randint(key(4), [5], { min: 0, max: 10 }); // int32 in 0..9
 * ```
 */
export function randint(key: Key, shape: readonly number[], options: RandintOptions): Tensor {
  const op = "randint";
  const k = checkKey(op, key);
  const s = checkShape(op, "shape", shape);
  if (typeof options !== "object" || options === null) {
    throw typeError(
      op,
      "options",
      "must be an object with integer min and max",
      `got ${show(options)}`,
    );
  }
  const { min, max } = options;
  for (const [arg, v] of [["options.min", min], ["options.max", max]] as const) {
    checkInt(op, arg, v, -2147483648);
    if (v > 2147483648) throw rangeError(op, arg, "must be at most 2^31", `got ${v}`);
  }
  if (!(min < max)) {
    throw rangeError(
      op,
      "options.min",
      "must be below options.max",
      `got min ${min} and max ${max}`,
    );
  }
  const { backend } = target(op, { backend: options.backend }, "int32", ["int32"]);
  const range = max - min;
  const out = new Int32Array(sizeOf(s));
  for (let i = 0; i < out.length; i++) {
    out[i] = min + Math.min(Math.floor(uniformAt(k, i) * range), range - 1);
  }
  return fromValues(out, s, "int32", backend);
}

/**
 * A random permutation of `0..n-1` (Fisher–Yates): for `i` from `n - 1` down to 1, swap entry `i`
 * with entry `floor(u_i * (i + 1))`, where `u_i = uniformValues(key, n)[i]`. For seeded shuffling
 * of a data set: `perm[j]` is the index of the `j`-th example to visit.
 *
 * @example
 * ```ts
 * import { key, permutation } from "@convkit/convkit";
 * permutation(key(5), 4).slice().sort(); // Int32Array [0, 1, 2, 3]
 * ```
 */
export function permutation(key: Key, n: number): Int32Array {
  const op = "permutation";
  const k = checkKey(op, key);
  checkInt(op, "n", n, 0);
  if (n > 2147483647) throw rangeError(op, "n", "must be at most 2^31 - 1", `got ${n}`);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniformAt(k, i) * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}
