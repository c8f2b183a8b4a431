// The Tensor's guarantees: frozen shapes, copied data, no op mutating its inputs, synchronous
// reads only where the backend allows, and explicit disposal that releases each storage once.

import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "../tests/assert.ts";
import {
  add,
  avgPool2d,
  type Backend,
  concat,
  conv2d,
  matmul,
  maxPool2d,
  ones,
  relu,
  reshape,
  scalarBackend,
  softmax,
  sum,
  Tensor,
  tensor,
  transpose,
} from "../mod.ts";

/** The tensor's data as a plain array. */
const values = (t: Tensor): number[] => Array.from(t.dataSync());

/**
 * A scalar backend that counts `release` calls per data handle. Counting per handle keeps the
 * test exact even if the garbage collector releases some unrelated temporary meanwhile.
 */
function countingBackend(): { backend: Backend; releases: (t: Tensor) => number } {
  const counts = new Map<unknown, number>();
  const backend: Backend = {
    ...scalarBackend,
    name: "counting",
    release(handle: unknown): void {
      counts.set(handle, (counts.get(handle) ?? 0) + 1);
    },
  };
  // Read the handle while the tensor is alive; count against it later.
  const handles = new WeakMap<Tensor, unknown>();
  const releases = (t: Tensor): number => {
    if (!handles.has(t)) handles.set(t, Tensor.handleOf(t));
    return counts.get(handles.get(t)) ?? 0;
  };
  return { backend, releases };
}

Deno.test("a tensor's shape is frozen and copied from the caller's array", () => {
  const shape = [2, 3];
  const t = tensor(new Float32Array(6), { shape });
  assert(Object.isFrozen(t.shape));
  // Modules run in strict mode, so writing to a frozen array throws.
  assertThrows(() => {
    (t.shape as number[])[0] = 5;
  }, TypeError);
  assertThrows(() => {
    (t.shape as number[]).push(1);
  }, TypeError);
  shape[0] = 99; // the caller's array is not the tensor's
  assertEquals(t.shape, [2, 3]);
  assertEquals(t.rank, 2);
  assertEquals(t.size, 6);
  assertEquals(t.dtype, "float32");
  assertEquals(String(t), "Tensor(float32, [2, 3], scalar)");
});

Deno.test("data(), dataSync() and array() return copies", async () => {
  const t = tensor([1, 2, 3]);
  const d = await t.data();
  d[0] = 100;
  const s = t.dataSync();
  s[1] = 200;
  const a = t.arraySync() as number[];
  a[2] = 300;
  assertEquals(values(t), [1, 2, 3]);
  assertEquals(await t.array(), [1, 2, 3]);
});

Deno.test("tensor() copies its input: changing the source array later changes nothing", () => {
  const src = new Float32Array([1, 2, 3]);
  const t = tensor(src);
  src[0] = 42;
  assertEquals(values(t), [1, 2, 3]);
});

Deno.test("no op mutates its inputs", () => {
  const x = tensor(Array.from({ length: 32 }, (_, i) => (i % 7) - 3), { shape: [1, 4, 4, 2] });
  const w = tensor(Array.from({ length: 24 }, (_, i) => (i % 5) - 2), { shape: [2, 2, 2, 3] });
  const bias = tensor([1, -1, 0.5]);
  const inputs = [x, w, bias];
  const before = inputs.map(values);

  const [y, convVjp] = conv2d.vjp(x, w, { bias, padding: "same", stride: 2 });
  convVjp(ones(y.shape));
  const [p, poolVjp] = maxPool2d.vjp(x, 2, { stride: 1 });
  poolVjp(ones(p.shape));
  avgPool2d.vjp(x, 3, { stride: 1, padding: "same" })[1](ones(x.shape));
  relu.vjp(x)[1](x);
  add.vjp(x, bias.shape[0])[1](x);
  softmax.vjp(x)[1](x);
  sum.vjp(x, { axis: [1, 2] })[1](ones([1, 2]));
  transpose.vjp(w, [3, 2, 1, 0])[1](ones([3, 2, 2, 2]));
  concat([x, x], { axis: 3 });
  const m = reshape(w, [8, 3]);
  matmul.vjp(m, m, { transposeA: true })[1](ones([3, 3]));

  assertEquals(inputs.map(values), before);
});

Deno.test("dataSync() on a backend without readSync throws a TypeError; data() works", async () => {
  const asyncOnly: Backend = { ...scalarBackend, name: "async-only", readSync: undefined };
  const t = tensor([1, 2], { backend: asyncOnly });
  const e = assertThrows(() => t.dataSync(), TypeError, "async-only backend");
  assertStringIncludes(e.message, "Tensor.dataSync");
  assertStringIncludes(e.message, "await tensor.data()");
  assertThrows(() => t.arraySync(), TypeError, "cannot read synchronously");
  assertEquals(Array.from(await t.data()), [1, 2]);
  assertEquals(await t.array(), [1, 2]);
});

Deno.test("a disposed tensor cannot be used, and the error says it was disposed", async () => {
  const t = tensor([[1, 2], [3, 4]]);
  t.dispose();
  assert(!t.isAlive);
  assertEquals(t.shape, [2, 2]); // the metadata stays readable
  assertEquals(String(t), "Tensor(float32, [2, 2], disposed)");
  const e = assertThrows(() => t.dataSync(), TypeError, "Tensor.dataSync: this tensor");
  assertStringIncludes(e.message, "was disposed");
  // data() throws before any promise exists; awaiting it rejects all the same
  await assertRejects(async () => await t.data(), TypeError, "was disposed");
  assertThrows(() => t.backend, TypeError, "was disposed");
  assertThrows(() => relu(t), TypeError, "relu: x was disposed");
  assertThrows(() => add(ones([2, 2]), t), TypeError, "add: b was disposed");
  assertThrows(() => conv2d(t, ones([1, 1, 2, 1])), TypeError, "conv2d: x was disposed");
  t.dispose(); // disposing twice is harmless
});

Deno.test("`using` disposes at the end of the block and releases the data once", () => {
  const { backend, releases } = countingBackend();
  let outer: Tensor | undefined;
  {
    using t = tensor([1, 2, 3], { backend });
    outer = t;
    releases(outer); // remember its handle while it is alive
    assertEquals(values(t), [1, 2, 3]);
    assertEquals(releases(outer), 0);
  }
  assert(!outer.isAlive);
  assertEquals(releases(outer), 1);
});

Deno.test("a reshape shares the storage; release comes once, after the last view goes", () => {
  const { backend, releases } = countingBackend();
  const x = tensor([1, 2, 3, 4, 5, 6], { backend });
  const y = reshape(x, [2, 3]);
  assertStrictEquals(Tensor.handleOf(y), Tensor.handleOf(x)); // no copy
  releases(x);
  releases(y);

  x.dispose();
  assertEquals(releases(x), 0); // y still uses the data
  assertEquals(y.arraySync(), [[1, 2, 3], [4, 5, 6]]);
  x.dispose(); // a second dispose of the same view does not count twice
  assertEquals(releases(y), 0);

  y.dispose();
  assertEquals(releases(y), 1);
  y.dispose();
  assertEquals(releases(y), 1);
});

Deno.test("an op's output has its own storage: disposing it leaves the inputs alone", () => {
  const { backend, releases } = countingBackend();
  const x = tensor([-1, 2], { backend });
  const y = relu(x);
  releases(x);
  releases(y);
  y.dispose();
  assertEquals(releases(y), 1);
  assertEquals(releases(x), 0);
  assertEquals(values(x), [-1, 2]);
  x.dispose();
  assertEquals(releases(x), 1);
});
