// Creating tensors: nested arrays, typed arrays, dtypes and their inference, and the constant
// constructors, with the errors for input that cannot make a tensor.

import { assertEquals, assertStrictEquals, assertThrows } from "../tests/assert.ts";
import {
  arange,
  type Backend,
  full,
  fullLike,
  ones,
  onesLike,
  scalarBackend,
  tensor,
  zeros,
  zerosLike,
} from "../mod.ts";

Deno.test("tensor() infers the shape from nested arrays; float32 by default", () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assertEquals(t.shape, [2, 3]);
  assertEquals(t.dtype, "float32");
  assertEquals(t.dataSync(), new Float32Array([1, 2, 3, 4, 5, 6]));
  assertEquals(tensor([[[1], [2]]]).shape, [1, 2, 1]);
  // a number is a scalar (rank 0)
  const s = tensor(7);
  assertEquals(s.shape, []);
  assertEquals(s.arraySync(), 7);
  // empty arrays give empty axes
  assertEquals(tensor([]).shape, [0]);
  assertEquals(tensor([[], []]).shape, [2, 0]);
});

Deno.test("tensor() takes its dtype from a typed array unless told otherwise", () => {
  assertEquals(tensor(new Float32Array([1])).dtype, "float32");
  assertEquals(tensor(new Float64Array([1])).dtype, "float64");
  assertEquals(tensor(new Int32Array([1])).dtype, "int32");
  // an explicit dtype converts
  const t = tensor(new Float64Array([0.1, 2]), { dtype: "float32" });
  assertEquals(t.dtype, "float32");
  assertEquals(t.dataSync(), new Float32Array([0.1, 2]));
  assertEquals(tensor([1, 2], { dtype: "int32" }).dataSync(), new Int32Array([1, 2]));
  // float32 rounds, float64 keeps the double
  assertEquals(tensor([0.1]).dataSync()[0], Math.fround(0.1));
  assertEquals(tensor([0.1], { dtype: "float64" }).dataSync()[0], 0.1);
});

Deno.test("tensor() with a shape reads flat values in row-major order", () => {
  const t = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
  assertEquals(t.arraySync(), [[1, 2], [3, 4], [5, 6]]);
  assertEquals(tensor([1, 2, 3, 4], { shape: [2, 2] }).arraySync(), [[1, 2], [3, 4]]);
  assertEquals(tensor([[1, 2], [3, 4]], { shape: [4] }).arraySync(), [1, 2, 3, 4]);
  assertEquals(tensor(new Int32Array([5]), { shape: [] }).arraySync(), 5);
});

Deno.test("tensor() rejects ragged arrays with a TypeError naming the path", async (t) => {
  await t.step("a row of the wrong length", () => {
    assertThrows(
      () => tensor([[1, 2], [3]]),
      TypeError,
      "tensor: values[1] must be an array of length 2 (nested arrays must be rectangular), " +
        "but got length 1",
    );
  });
  await t.step("a number where an array was expected, deeper down", () => {
    assertThrows(
      () => tensor([[[1], [2]], [[3], 4]] as unknown as number[][][]),
      TypeError,
      "tensor: values[1][1] must be an array of length 1",
    );
  });
  await t.step("an array where a number was expected", () => {
    assertThrows(
      () => tensor([1, [2]] as unknown as number[]),
      TypeError,
      "tensor: values[1] must be a number",
    );
  });
  await t.step("a value that is not a number", () => {
    assertThrows(() => tensor([1, "2"] as unknown as number[]), TypeError, 'but got "2"');
    assertThrows(() => tensor("12" as unknown as number), TypeError, "tensor: values must be");
  });
});

Deno.test("tensor() rejects bad dtypes, typed arrays and shapes", () => {
  assertThrows(
    () => tensor([1], { dtype: "float16" as "float32" }),
    TypeError,
    'tensor: dtype must be "float32", "float64" or "int32", but got "float16"',
  );
  assertThrows(
    () => tensor(new Uint8Array(2) as unknown as Float32Array),
    TypeError,
    "tensor: values must be a Float32Array, Float64Array or Int32Array, but got Uint8Array",
  );
  assertThrows(
    () => tensor(new Float32Array(6), { shape: [4, 2] }),
    TypeError,
    "tensor: shape [4, 2] holds 8 elements, but values has 6",
  );
  assertThrows(
    () => tensor([1, 2, 3], { shape: [2, 2] }),
    TypeError,
    "tensor: shape [2, 2] holds 4 elements, but values has 3",
  );
  assertThrows(() => tensor([1, 2], { shape: [-2, -1] }), RangeError, "tensor: shape[0]");
});

Deno.test("int32 tensors accept only integers in range (RangeError otherwise)", () => {
  assertThrows(
    () => tensor([1, 1.5], { dtype: "int32" }),
    RangeError,
    "tensor: int32 values must be integers in [-2^31, 2^31), but element 1 is 1.5",
  );
  assertThrows(
    () => tensor(new Float64Array([2 ** 31]), { dtype: "int32" }),
    RangeError,
    "element 0 is 2147483648",
  );
  assertThrows(() => tensor([NaN], { dtype: "int32" }), RangeError, "element 0 is NaN");
  assertThrows(() => full([2], 0.5, { dtype: "int32" }), RangeError, "int32 values");
  assertThrows(() => arange(0, 1, { step: 0.5, dtype: "int32" }), RangeError, "int32 values");
  assertEquals(tensor([-(2 ** 31), 2 ** 31 - 1], { dtype: "int32" }).arraySync(), [
    -(2 ** 31),
    2 ** 31 - 1,
  ]);
});

Deno.test("zeros(), ones() and full() fill a shape", () => {
  assertEquals(zeros([2, 2]).arraySync(), [[0, 0], [0, 0]]);
  assertEquals(ones([3], { dtype: "int32" }).dataSync(), new Int32Array([1, 1, 1]));
  assertEquals(full([2], 3.5, { dtype: "float64" }).dataSync(), new Float64Array([3.5, 3.5]));
  assertEquals(zeros([]).arraySync(), 0);
  assertEquals(zeros([2, 0]).size, 0);
  assertThrows(() => zeros([2, 1.5]), TypeError, "shape[1] must be a non-negative integer");
  assertThrows(() => zeros([-1]), RangeError, "shape[0] must be a non-negative integer");
  assertThrows(
    () => full([2], "1" as unknown as number),
    TypeError,
    "full: value must be a number",
  );
});

Deno.test("fullLike(), zerosLike() and onesLike() copy the shape, dtype and backend", () => {
  const other: Backend = { ...scalarBackend, name: "other" };
  const t = tensor([[1, 2]], { dtype: "float64", backend: other });
  for (const like of [fullLike(t, 4), zerosLike(t), onesLike(t)]) {
    assertEquals(like.shape, [1, 2]);
    assertEquals(like.dtype, "float64");
    assertStrictEquals(like.backend, other);
  }
  assertEquals(fullLike(t, 4).arraySync(), [[4, 4]]);
  assertEquals(fullLike(t, 4, { dtype: "int32" }).dtype, "int32");
});

Deno.test("arange() counts up, counts down with a negative step, and may be empty", () => {
  assertEquals(arange(4).arraySync(), [0, 1, 2, 3]); // one argument: [0, stop)
  assertEquals(arange(2, 5).arraySync(), [2, 3, 4]);
  assertEquals(arange(1, 2, { step: 0.25 }).arraySync(), [1, 1.25, 1.5, 1.75]);
  // ceil((0 - 5) / -2) = 3 values: 5, 3, 1
  assertEquals(arange(5, 0, { step: -2 }).arraySync(), [5, 3, 1]);
  assertEquals(arange(0).shape, [0]);
  assertEquals(arange(3, 1).shape, [0]); // stop before start with a positive step
  assertEquals(arange(1, 3, { step: -1 }).shape, [0]);
  assertEquals(arange(0, 3, { dtype: "int32" }).dataSync(), new Int32Array([0, 1, 2]));
  assertThrows(() => arange(0, 3, { step: 0 }), RangeError, "arange: step must be non-zero");
  assertThrows(() => arange(0, Infinity), TypeError, "arange: stop must be a finite number");
  assertThrows(() => arange(NaN), TypeError, "arange: stop must be a finite number");
});

Deno.test("the backend option decides where a tensor lives", () => {
  const other: Backend = { ...scalarBackend, name: "other" };
  assertStrictEquals(tensor([1], { backend: other }).backend, other);
  assertStrictEquals(zeros([1], { backend: other }).backend, other);
  assertStrictEquals(arange(2, undefined, { backend: other }).backend, other);
  assertStrictEquals(tensor([1]).backend, scalarBackend); // the default set by mod.ts
});
