import { key, type Tensor } from "../core/mod.ts";
import { assertEquals, assertThrows } from "../tests/assert.ts";
import { F64, ints, t, values } from "./_harness_test.ts";
import { embedding } from "./mod.ts";

// vocab 3, dim 2: row i is [10 i, 10 i + 1]
const table = t([0, 1, 10, 11, 20, 21], [3, 2]);

Deno.test("embedding() looks up one row per token id", () => {
  const layer = embedding(3, 2);
  const init = layer.init(key(0), [-1, 4], F64);
  assertEquals(init.outShape, [-1, 4, 2]);
  assertEquals(init.params.table.shape, [3, 2]);
  assertEquals(init.info[0].params, 6);
  const [y] = layer.apply({ table }, ints([2, 0, 1, 2], [1, 4]));
  assertEquals((y as Tensor).shape, [1, 4, 2]);
  assertEquals(values(y as Tensor), [20, 21, 0, 1, 10, 11, 20, 21]);
  // ids outside the table give zero vectors
  assertEquals(values(layer.apply({ table }, ints([-1, 3], [1, 2]))[0] as Tensor), [0, 0, 0, 0]);
});

Deno.test("embedding()'s table gradient scatter-adds dy into the rows of the ids", () => {
  const layer = embedding(3, 2);
  const x = ints([2, 0, 2, 2], [2, 2]);
  const [, vjp] = layer.apply({ table }, x);
  const dy = t([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
  const [grads, dx] = vjp(dy);
  // row 0 gets dy of position 1; row 2 gets positions 0, 2 and 3; row 1 nothing
  assertEquals(values(grads.table), [3, 4, 0, 0, 1 + 5 + 7, 2 + 6 + 8]);
  assertEquals((dx as Tensor).dtype, "int32");
  assertEquals(values(dx as Tensor), [0, 0, 0, 0]);
});

Deno.test("embedding() wants int32 ids of shape [n, len]", () => {
  const layer = embedding(3, 2);
  assertThrows(
    () => layer.apply({ table }, t([1, 2], [1, 2])),
    TypeError,
    "embedding: x must hold int32 token ids",
  );
  assertThrows(
    () => layer.apply({ table }, ints([1, 2], [2])),
    TypeError,
    "embedding: x must have rank 2",
  );
  assertThrows(
    () => layer.init(key(0), [-1, 2, 3], F64),
    TypeError,
    "embedding: inputShape must have rank 2",
  );
  assertThrows(() => embedding(0, 2), RangeError, "embedding: vocab");
});
