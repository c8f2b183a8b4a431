import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertNotEquals,
  assertThrows,
} from "../tests/assert.ts";
import { fc, fcParams } from "../tests/fc.ts";
import { scalarBackend } from "../backends/scalar/mod.ts";
import {
  bernoulli,
  foldIn,
  isKey,
  type Key,
  key,
  normal,
  normalValues,
  permutation,
  randint,
  randomBits,
  split,
  threefry2x32,
  truncatedNormal,
  uniform,
  uniformValues,
} from "./random.ts";

const backend = scalarBackend;

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / xs.length;
}

Deno.test("threefry2x32() matches the Random123 known-answer vectors (20 rounds)", () => {
  assertEquals(threefry2x32([0, 0], [0, 0]), [0x6b200159, 0x99ba4efe]);
  assertEquals(
    threefry2x32([0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]),
    [0x1cb996fc, 0xbb002be7],
  );
  assertEquals(
    threefry2x32([0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3]),
    [0xc4923a9c, 0x483df7a0],
  );
});

Deno.test("threefry2x32() reproduces JAX's documented split(PRNGKey(0)) in both layouts", () => {
  // JAX before 0.5 (counters 0..3 split into halves [0, 1] and [2, 3]).
  const a = threefry2x32([0, 0], [0, 2]);
  const b = threefry2x32([0, 0], [1, 3]);
  assertEquals([[a[0], b[0]], [a[1], b[1]]], [[4146024105, 967050713], [2718843009, 1272950319]]);
  // JAX 0.5+ (jax_threefry_partitionable): key i is the hash of counter [0, i].
  assertEquals(split(key(0)).map((k) => k.words), [
    [1797259609, 2579123966],
    [928981903, 3453687069],
  ]);
});

Deno.test("threefry2x32() rejects words outside [0, 2^32)", () => {
  assertThrows(() => threefry2x32([0, 2 ** 32], [0, 0]), TypeError, "threefry2x32: key");
  assertThrows(() => threefry2x32([0, 0], [-1, 0]), TypeError, "threefry2x32: counter");
});

Deno.test("key() splits the seed into its high and low 32-bit words", () => {
  assertEquals(key(42).words, [0, 42]);
  assertEquals(key(2 ** 32 + 5).words, [1, 5]);
  assertEquals(key(2 ** 53 - 1).words, [2 ** 21 - 1, 2 ** 32 - 1]);
  const k = key(7);
  assert(Object.isFrozen(k) && Object.isFrozen(k.words));
  assertEquals(k.kind, "convkit.key");
  assert(isKey(k));
  assert(!isKey({ kind: "convkit.key", words: [0, -1] }));
  assert(!isKey([0, 7]));
});

Deno.test("key() rejects seeds that are not integers in [0, 2^53)", () => {
  assertThrows(() => key(-1), RangeError, "key: seed");
  assertThrows(() => key(1.5), RangeError, "key: seed");
  assertThrows(() => key(NaN), RangeError, "key: seed");
  assertThrows(() => key(2 ** 53), RangeError, "below 2^53");
  assertThrows(() => key("1" as unknown as number), TypeError, "key: seed");
});

Deno.test("split() and foldIn() are deterministic and give distinct keys", () => {
  const k = key(123);
  assertEquals(split(k, 5), split(k, 5));
  const keys = split(k, 5);
  const words = new Set(keys.map((x) => x.words.join(",")));
  assertEquals(words.size, 5);
  assert(!words.has(k.words.join(",")));
  assertEquals(split(k).length, 2);
  assertEquals(split(k, 0), []);
  // Key i of a split is block i, like foldIn(key, i); a longer split extends a shorter one.
  keys.forEach((x, i) => assertEquals(x.words, foldIn(k, i).words));
  assertEquals(split(k, 3), keys.slice(0, 3));
  assertEquals(foldIn(k, 9), foldIn(k, 9));
  assertNotEquals(foldIn(k, 9).words, foldIn(k, 10).words);
  assertNotEquals(foldIn(key(1), 9).words, foldIn(key(2), 9).words);
  assertEquals(foldIn(k, 2 ** 32 + 3).words, threefry2x32(k.words, [1, 3]));
});

Deno.test("split() and foldIn() reject arguments that are not keys or counts", () => {
  assertThrows(() => split([0, 1] as unknown as Key), TypeError, "split: key must be a Key");
  assertThrows(() => split(key(0), -1), RangeError, "split: n");
  assertThrows(() => split(key(0), 1.5), RangeError, "split: n");
  assertThrows(() => foldIn(undefined as unknown as Key, 1), TypeError, "foldIn: key");
  assertThrows(() => foldIn(key(0), -3), RangeError, "foldIn: data");
  assertThrows(() => randomBits({} as Key, 1), TypeError, "randomBits: key");
});

Deno.test("split keys of many seeds are pairwise distinct", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 8 }), (s, n) => {
      const k = key(s);
      const all = [k, ...split(k, n)].map((x) => x.words.join(","));
      return new Set(all).size === n + 1;
    }),
    fcParams(50),
  );
});

Deno.test("randomBits() xors the two words of block i, for counter [hi(i), lo(i)]", () => {
  const k = key(99);
  const bits = randomBits(k, 6);
  for (let i = 0; i < 6; i++) {
    const [w0, w1] = threefry2x32(k.words, [0, i]);
    assertEquals(bits[i], (w0 ^ w1) >>> 0);
  }
  assertEquals(randomBits(k, 3), bits.slice(0, 3));
  assertEquals(randomBits(k, 0).length, 0);
  assertThrows(() => randomBits(k, -1), RangeError, "randomBits: count");
});

Deno.test("uniformValues() takes the top 53 bits of a block and never reaches 1", () => {
  const k = key(5);
  const u = uniformValues(k, 4);
  for (let i = 0; i < 4; i++) {
    const [w0, w1] = threefry2x32(k.words, [0, i]);
    assertEquals(u[i], (w0 * 2 ** 21 + (w1 >>> 11)) / 2 ** 53);
  }
  // The largest possible value, all 53 bits set, is still below 1.
  assert(((2 ** 32 - 1) * 2 ** 21 + (2 ** 21 - 1)) / 2 ** 53 < 1);
  assertEquals(uniformValues(k, 2), u.slice(0, 2));
});

Deno.test("uniformValues() of 20k draws has the mean and variance of U[0, 1)", () => {
  const u = uniformValues(key(2024), 20000);
  assert(u.every((x) => x >= 0 && x < 1));
  assertAlmostEquals(mean(u), 0.5, 0.01);
  assertAlmostEquals(variance(u), 1 / 12, 0.005);
});

Deno.test("normalValues() of 20k draws has mean 0, variance 1 and the right 1-sigma mass", () => {
  const z = normalValues(key(7), 20001);
  assert(z.every((x) => Number.isFinite(x) && Math.abs(x) < 8.6));
  assertAlmostEquals(mean(z), 0, 0.03);
  assertAlmostEquals(variance(z), 1, 0.05);
  const inside = z.filter((x) => Math.abs(x) < 1).length / z.length;
  assertAlmostEquals(inside, 0.6827, 0.015);
  assertEquals(normalValues(key(7), 3), z.slice(0, 3));
});

Deno.test("uniform() draws float32 in [0, 1) by default on the given backend", () => {
  const t = uniform(key(0), [2, 3], { backend });
  assertEquals(t.shape, [2, 3]);
  assertEquals(t.dtype, "float32");
  assertEquals(t.backend, backend);
  assert(t.dataSync().every((x) => x >= 0 && x < 1));
  assertEquals(uniform(key(0), [2, 3], { backend }).dataSync(), t.dataSync());
  assertNotEquals(uniform(key(1), [2, 3], { backend }).dataSync(), t.dataSync());
  assertEquals(uniform(key(0), [], { backend }).shape, []);
});

Deno.test("uniform() stays inside [min, max) with the right moments", () => {
  const x = uniform(key(3), [20000], { min: -2, max: 6, backend }).dataSync();
  assert(x.every((v) => v >= -2 && v < 6));
  assertAlmostEquals(mean(x), 2, 0.08);
  assertAlmostEquals(variance(x), 64 / 12, 0.3);
  // Ranges one float wide: every draw is min, never max.
  const f32 = uniform(key(3), [500], { min: 1, max: 1 + 2 ** -23, backend }).dataSync();
  assert(f32.every((v) => v === 1));
  const f64 = uniform(key(3), [500], { min: 1, max: 1 + 2 ** -52, dtype: "float64", backend });
  assert(f64.dataSync().every((v) => v === 1));
  // A min that float32 cannot hold: draws round up into the range, never below it.
  const lo = uniform(key(3), [2000], { min: 0.1, max: 0.1000001, backend }).dataSync();
  assert(lo.every((v) => v >= 0.1 && v < 0.1000001));
  // Huge ranges do not overflow.
  const big = uniform(key(3), [100], { min: -1e308, max: 1e308, dtype: "float64", backend });
  assert(big.dataSync().every((v) => Number.isFinite(v)));
});

Deno.test("uniform() draws of one key in float32 and float64 agree to float32 rounding", () => {
  const a = uniform(key(11), [1000], { min: -3, max: 5, backend }).dataSync();
  const b = uniform(key(11), [1000], { min: -3, max: 5, dtype: "float64", backend }).dataSync();
  for (let i = 0; i < a.length; i++) {
    assert(Math.abs(a[i] - b[i]) <= 2 ** -23 * Math.max(1, Math.abs(b[i])), `element ${i}`);
  }
});

Deno.test("uniform() rejects bad ranges, dtypes, shapes and keys", () => {
  assertThrows(() => uniform(key(0), [2], { min: 1, max: 1, backend }), RangeError, "uniform");
  assertThrows(() => uniform(key(0), [2], { min: 2, max: 1, backend }), RangeError, "min 2");
  assertThrows(() => uniform(key(0), [2], { max: Infinity, backend }), RangeError, "finite");
  assertThrows(
    () => uniform(key(0), [2], { min: 1 + 2 ** -30, max: 1 + 2 ** -29, backend }),
    RangeError,
    "float32 value in between",
  );
  assertThrows(() => uniform(key(0), [2], { dtype: "int32", backend }), TypeError, "dtype");
  assertThrows(() => uniform(key(0), [-1], { backend }), RangeError, "uniform: shape[0]");
  assertThrows(() => uniform(42 as unknown as Key, [1], { backend }), TypeError, "uniform: key");
});

Deno.test("normal() has the requested mean and standard deviation", () => {
  const x = normal(key(4), [20000], { mean: 3, std: 0.5, backend }).dataSync();
  assertAlmostEquals(mean(x), 3, 0.02);
  assertAlmostEquals(Math.sqrt(variance(x)), 0.5, 0.02);
  const z = normal(key(4), [5], { std: 0, mean: -1, backend }).dataSync();
  assertEquals(Array.from(z), [-1, -1, -1, -1, -1]);
  const a = normal(key(8), [500], { backend }).dataSync();
  const b = normal(key(8), [500], { dtype: "float64", backend }).dataSync();
  assertEquals(a, Float32Array.from(b));
  assertThrows(() => normal(key(0), [1], { std: -1, backend }), RangeError, "normal: options.std");
  assertThrows(() => normal(key(0), [1], { mean: NaN, backend }), RangeError, "options.mean");
  assertThrows(() => normal(key(0), [1], { dtype: "int32", backend }), TypeError, "dtype");
});

Deno.test("truncatedNormal() stays within two standard deviations", () => {
  const n = 20000;
  const x = truncatedNormal(key(6), [n], { mean: 1, std: 2, dtype: "float64", backend });
  const v = x.dataSync();
  assert(v.every((y) => y >= -3 && y <= 5));
  assertAlmostEquals(mean(v), 1, 0.04);
  // The standard normal truncated to [-2, 2] has standard deviation 0.8796.
  assertAlmostEquals(Math.sqrt(variance(v)), 2 * 0.8796, 0.04);
  // Where the plain normal draw is within bounds, both agree.
  const plain = normal(key(6), [n], { mean: 1, std: 2, dtype: "float64", backend }).dataSync();
  let same = 0;
  for (let i = 0; i < n; i++) {
    if (Math.abs(plain[i] - 1) <= 4) {
      assertEquals(v[i], plain[i]);
      same++;
    }
  }
  assert(same > 0.9 * n && same < n);
  assertThrows(
    () => truncatedNormal(key(0), [1], { std: -2, backend }),
    RangeError,
    "truncatedNormal: options.std",
  );
});

Deno.test("bernoulli() gives 1 with probability p", () => {
  const x = bernoulli(key(9), [20000], { p: 0.3, backend }).dataSync();
  assert(x.every((v) => v === 0 || v === 1));
  assertAlmostEquals(mean(x), 0.3, 0.015);
  assertEquals(mean(bernoulli(key(9), [1000], { p: 0, backend }).dataSync()), 0);
  assertEquals(mean(bernoulli(key(9), [1000], { p: 1, backend }).dataSync()), 1);
  const half = bernoulli(key(9), [4], { dtype: "int32", backend });
  assertEquals(half.dtype, "int32");
  assertThrows(() => bernoulli(key(0), [1], { p: 1.5, backend }), RangeError, "in [0, 1]");
  assertThrows(() => bernoulli(key(0), [1], { p: -0.1, backend }), RangeError, "options.p");
  assertThrows(() => bernoulli(key(0), [1], { p: NaN, backend }), RangeError, "options.p");
});

Deno.test("randint() draws int32 values uniformly from [min, max)", () => {
  const t = randint(key(10), [20000], { min: -3, max: 7, backend });
  assertEquals(t.dtype, "int32");
  const x = t.dataSync();
  const counts = new Array<number>(10).fill(0);
  for (const v of x) counts[v + 3]++;
  assert(counts.every((c) => Math.abs(c - 2000) < 200), `counts ${counts}`);
  const wide = randint(key(10), [1000], { min: -(2 ** 31), max: 2 ** 31, backend }).dataSync();
  assert(new Set(wide).size > 990);
  assertEquals(Array.from(randint(key(1), [3], { min: 5, max: 6, backend }).dataSync()), [5, 5, 5]);
});

Deno.test("randint() rejects bad bounds", () => {
  const k = key(0);
  assertThrows(() => randint(k, [1], { min: 3, max: 3, backend }), RangeError, "below options.max");
  assertThrows(() => randint(k, [1], { min: 0.5, max: 3, backend }), RangeError, "options.min");
  assertThrows(() => randint(k, [1], { min: 0, max: 2 ** 31 + 1, backend }), RangeError, "2^31");
  assertThrows(() => randint(k, [1], { min: -(2 ** 31) - 1, max: 0, backend }), RangeError);
  assertThrows(
    () => randint(k, [1], undefined as unknown as { min: number; max: number }),
    TypeError,
    "randint: options",
  );
});

Deno.test("permutation() is a seeded Fisher–Yates shuffle of 0..n-1", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 0, max: 60 }), (s, n) => {
      const p = permutation(key(s), n);
      const sorted = Array.from(p).sort((a, b) => a - b);
      return sorted.every((v, i) => v === i);
    }),
    fcParams(50),
  );
  assertEquals(permutation(key(1), 50), permutation(key(1), 50));
  assertNotEquals(permutation(key(1), 50), permutation(key(2), 50));
  assertEquals(Array.from(permutation(key(1), 1)), [0]);
  // Each of the 6 orders of 3 items comes up about equally often.
  const seen = new Map<string, number>();
  for (const k of split(key(12), 6000)) {
    const p = permutation(k, 3).join("");
    seen.set(p, (seen.get(p) ?? 0) + 1);
  }
  assertEquals(seen.size, 6);
  for (const c of seen.values()) assert(Math.abs(c - 1000) < 120, `count ${c}`);
  assertThrows(() => permutation(key(0), -1), RangeError, "permutation: n");
  assertThrows(() => permutation(key(0), 2 ** 31), RangeError, "permutation: n");
});
