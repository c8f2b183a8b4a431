import { assert, assertEquals, assertNotEquals, assertThrows } from "../tests/assert.ts";
import { key, scalarBackend, tensor } from "../mod.ts";
import { batchCount, batches } from "./mod.ts";

// 10 examples of shape [2]: example i is [i, 100 + i]; its label is 10 * i.
const n = 10;
const x = {
  data: Float32Array.from({ length: 2 * n }, (_, j) => (j % 2 ? 100 : 0) + (j >> 1)),
  shape: [n, 2],
};
const y = Int32Array.from({ length: n }, (_, i) => 10 * i);

function visit(options: Parameters<typeof batches>[2]): { sizes: number[]; order: number[] } {
  const sizes: number[] = [];
  const order: number[] = [];
  for (const b of batches(x, y, options)) {
    sizes.push(b.x.shape[0]);
    assertEquals(b.x.shape.slice(1), [2]);
    assertEquals(b.y.dtype, "int32");
    const xs = Array.from(b.x.dataSync());
    const ys = Array.from(b.y.dataSync());
    ys.forEach((label, r) => {
      // x and y stay paired
      assertEquals([xs[2 * r], xs[2 * r + 1]], [label / 10, 100 + label / 10]);
      order.push(label / 10);
    });
  }
  return { sizes, order };
}

Deno.test("batches() covers every example exactly once per pass, in batches of batchSize", () => {
  const { sizes, order } = visit({ batchSize: 3, key: key(7) });
  assertEquals(sizes, [3, 3, 3, 1]);
  assertEquals([...order].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertNotEquals(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("batches() is deterministic per key, differs across keys, keeps order without", () => {
  assertEquals(
    visit({ batchSize: 4, key: key(1) }).order,
    visit({ batchSize: 4, key: key(1) }).order,
  );
  assertNotEquals(
    visit({ batchSize: 4, key: key(1) }).order,
    visit({ batchSize: 4, key: key(2) }).order,
  );
  assertEquals(visit({ batchSize: 4 }).order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("batches() with dropLast leaves out the short last batch; count says how many", () => {
  const { sizes } = visit({ batchSize: 3, key: key(3), dropLast: true });
  assertEquals(sizes, [3, 3, 3]);
  assertEquals(batches(x, y, { batchSize: 3 }).count, 4);
  assertEquals(batches(x, y, { batchSize: 3, dropLast: true }).count, 3);
  assertEquals(batchCount(10, { batchSize: 10 }), 1);
  assertEquals(batchCount(0, { batchSize: 10 }), 0);
});

Deno.test("batches() takes Uint8Array labels as int32 and tensors as data", () => {
  const labels = Uint8Array.from({ length: n }, (_, i) => i);
  const [first] = batches(x, labels, { batchSize: 2 });
  assertEquals(first.y.dtype, "int32");
  assertEquals(Array.from(first.y.dataSync()), [0, 1]);
  const tx = tensor([[1, 2], [3, 4], [5, 6]], { dtype: "float64" });
  const ty = tensor([0, 1, 2], { dtype: "int32" });
  const got = [...batches(tx, ty, { batchSize: 2 })];
  assertEquals(got.map((b) => b.x.dtype), ["float64", "float64"]);
  assertEquals(Array.from(got[1].x.dataSync()), [5, 6]);
});

Deno.test("batches() checks its arguments at once", () => {
  assertThrows(
    () => batches(x, new Int32Array(9), { batchSize: 2 }),
    TypeError,
    "same number of examples",
  );
  assertThrows(() => batches(x, y, { batchSize: 0 }), RangeError, "batchSize");
  assertThrows(
    () => batches({ data: new Float32Array(5), shape: [2, 2] }, y, { batchSize: 1 }),
    TypeError,
    "holds 4 values",
  );
  assertThrows(() => batches([1, 2] as never, y, { batchSize: 1 }), TypeError, "{ data, shape }");
  assert(batches(x, y, { batchSize: 100 }).count === 1);
});

Deno.test("batches() applies options.augment to each batch's inputs before upload", async () => {
  const x = { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [3, 2] };
  const y = new Int32Array([0, 1, 2]);
  const seen: number[] = [];
  const it = batches(x, y, {
    batchSize: 2,
    backend: scalarBackend,
    augment: (b, index) => {
      seen.push(index);
      return { data: (b.data as Float32Array).map((v) => v * 10), shape: b.shape };
    },
  });
  const out = [...it];
  assertEquals(seen, [0, 1]);
  assertEquals(await out[0].x.data(), new Float32Array([10, 20, 30, 40]));
  assertEquals(await out[1].x.data(), new Float32Array([50, 60]));
  assertEquals(await out[1].y.data(), new Int32Array([2]));
  assertEquals(x.data, new Float32Array([1, 2, 3, 4, 5, 6]));
});

Deno.test("batches() rejects an augment that changes the batch shape", () => {
  const x = { data: new Float32Array(4), shape: [2, 2] };
  const it = batches(x, new Int32Array(2), {
    batchSize: 2,
    backend: scalarBackend,
    augment: (b) => ({ data: b.data, shape: [4] }),
  });
  assertThrows(
    () => [...it],
    TypeError,
    "options.augment must return { data, shape } with shape [2, 2]",
  );
});
