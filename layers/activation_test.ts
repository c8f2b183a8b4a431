import { key, type Tensor } from "../core/mod.ts";
import { assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import { F64, t, values } from "./_harness_test.ts";
import { flatten, logSoftmax, relu, reshape, sigmoid, softmax, tanh } from "./mod.ts";

const close = (got: number[], want: number[]): void =>
  got.forEach((g, i) => assertAlmostEquals(g, want[i], 1e-12));

Deno.test("activation layers apply their function elementwise and keep the shape", () => {
  const x = t([-2, 0, 1, 3], [2, 2]);
  for (
    const [layer, f] of [
      [relu(), (v: number) => Math.max(v, 0)],
      [sigmoid(), (v: number) => 1 / (1 + Math.exp(-v))],
      [tanh(), Math.tanh],
    ] as const
  ) {
    const { params, outShape, info } = layer.init(key(0), [-1, 2], F64);
    assertEquals(params, {});
    assertEquals(outShape, [-1, 2]);
    assertEquals(info[0].flops, 2);
    close(values(layer.apply({}, x)[0] as Tensor), [-2, 0, 1, 3].map(f));
  }
});

Deno.test("softmax() and logSoftmax() work along the chosen axis", () => {
  const x = t([0, Math.log(3), 1, 1], [2, 2]);
  close(values(softmax().apply({}, x)[0] as Tensor), [0.25, 0.75, 0.5, 0.5]);
  close(values(softmax({ axis: 0 }).apply({}, t([0, 1, Math.log(3), 1], [2, 2]))[0] as Tensor), [
    0.25,
    0.5,
    0.75,
    0.5,
  ]);
  close(values(logSoftmax().apply({}, x)[0] as Tensor), [
    Math.log(0.25),
    Math.log(0.75),
    Math.log(0.5),
    Math.log(0.5),
  ]);
  assertThrows(() => softmax({ axis: 2 }).init(key(0), [-1, 3], F64), RangeError, "options.axis");
  assertThrows(
    () => softmax().init(key(0), [3], F64),
    TypeError,
    "softmax: inputShape must have rank >= 2",
  );
});

Deno.test("flatten() keeps the batch axis and reshape() reshapes each example", () => {
  const x = t(Array.from({ length: 24 }, (_, i) => i), [2, 2, 3, 2]);
  const f = flatten();
  assertEquals(f.init(key(0), [-1, 2, 3, 2], F64).outShape, [-1, 12]);
  const [y] = f.apply({}, x);
  assertEquals((y as Tensor).shape, [2, 12]);
  assertEquals(values(y as Tensor), values(x));
  const r = reshape([3, -1]);
  assertEquals(r.init(key(0), [-1, 2, 3, 2], F64).outShape, [-1, 3, 4]);
  assertEquals((r.apply({}, x)[0] as Tensor).shape, [2, 3, 4]);
  assertThrows(
    () => reshape([5, -1]).init(key(0), [-1, 12], F64),
    TypeError,
    "reshape: newShape [5, -1]",
  );
  assertThrows(
    () => flatten().init(key(0), [4], F64),
    TypeError,
    "flatten: inputShape must have rank >= 2",
  );
});
