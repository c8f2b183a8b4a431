import {
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../../tests/assert.ts";
import { add, matmul, relu, sum, tensor } from "../../core/mod.ts";
import type { Tensor } from "../../core/tensor.ts";
import { injectFault } from "./_backend.ts";
import {
  createWorkerBackend,
  liveWorkerCount,
  type WorkerBackend,
  type WorkerHandle,
} from "./mod.ts";

const square = (b: WorkerBackend, n: number, v = 1): Tensor =>
  tensor(new Float32Array(n * n).fill(v), { shape: [n, n], backend: b });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("worker backend: workers start on the first pooled op and close() ends them", async () => {
  const b = createWorkerBackend({ threads: 2, inlineWork: 0 });
  assertEquals(b.liveWorkers, 0);
  assertEquals(await matmul(square(b, 3), square(b, 3)).array(), [[3, 3, 3], [3, 3, 3], [3, 3, 3]]);
  assertEquals(b.liveWorkers, 2);
  b.close();
  b.close(); // idempotent
  assertEquals(liveWorkerCount(), 0);
  const err = assertThrows(() => square(b, 2), Error, "the backend was closed");
  assertStringIncludes(err.message, "upload");
});

Deno.test("worker backend: `using` closes it at the end of the scope", async () => {
  {
    using b = createWorkerBackend({ threads: 1, inlineWork: 0 });
    assertEquals(await sum(square(b, 4, 2)).data(), new Float32Array([32]));
    assertEquals(liveWorkerCount(), 1);
  }
  assertEquals(liveWorkerCount(), 0);
});

Deno.test("worker backend: an op still queued at close() fails at its read", async () => {
  const b = createWorkerBackend({ threads: 2, inlineWork: 0 });
  const y = matmul(square(b, 64), square(b, 64));
  b.close();
  await assertRejects(() => y.data(), Error, "closed before this op finished");
  assertEquals(liveWorkerCount(), 0);
});

Deno.test("worker backend: idle workers stop, and the next op starts them again", async () => {
  const b = createWorkerBackend({ threads: 2, inlineWork: 0, idleMs: 20 });
  await relu(square(b, 8, -1)).data();
  assertEquals(b.liveWorkers, 2);
  for (let i = 0; i < 100 && b.liveWorkers > 0; i++) await sleep(10);
  assertEquals(b.liveWorkers, 0);
  assertEquals(await add(square(b, 2), 1).array(), [[2, 2], [2, 2]]);
  assertEquals(b.liveWorkers, 2);
  b.close();
  assertEquals(liveWorkerCount(), 0);
});

for (
  const [mode, options] of [
    ["shared memory", { threads: 2, inlineWork: 0 }],
    ["the transfer fallback", { threads: 2, inlineWork: 0, sharedMemory: false }],
    ["the calling thread", { threads: 0 }],
  ] as const
) {
  Deno.test(`worker backend (${mode}): a failing kernel surfaces at its read and the next op runs`, async () => {
    const b = createWorkerBackend(options);
    const a = square(b, 16);
    injectFault(b, "matmul", "injected fault");
    const y = matmul(a, a);
    const z = relu(y); // queued behind the failing op
    await assertRejects(() => y.data(), Error, "matmul failed");
    const e = await assertRejects(() => z.data(), Error, "unary did not run");
    assertStringIncludes(e.message, "depends on matmul, which failed");
    assertStringIncludes(e.message, "injected fault");
    // Issued after the failure is known: fails at once, naming both primitives.
    await assertRejects(() => sum(y).data(), Error, "reduce did not run");
    // The pool is still usable.
    const ok = await matmul(a, a).data();
    assertEquals(ok[0], 16);
    assertEquals(ok.length, 256);
    b.close();
    assertEquals(liveWorkerCount(), 0);
  });
}

for (const shared of [true, false]) {
  Deno.test(`worker backend (${shared ? "shared" : "transfer"}): a crashed worker fails pending ops, then restarts`, async () => {
    const b = createWorkerBackend({ threads: 2, inlineWork: 0, sharedMemory: shared });
    const a = square(b, 16);
    injectFault(b, "matmul", "crash: test");
    const y = matmul(a, a);
    const e = await assertRejects(() => y.data(), Error, "matmul failed in a worker");
    assertStringIncludes(e.message, "crashed");
    assertEquals((await matmul(a, a).data())[0], 16);
    assertEquals(b.liveWorkers, 2);
    b.close();
    assertEquals(liveWorkerCount(), 0);
  });
}

Deno.test("worker backend: memory grown while jobs are queued is visible to the workers", async () => {
  // Two backends interleaved, each growing its memory between and during queued jobs.
  const bs = [1, 2].map((threads) => createWorkerBackend({ threads, inlineWork: 0 }));
  for (let i = 1; i <= 6; i++) {
    const sums = bs.map((b) => {
      const x = square(b, 100 * i, 1);
      const y = add(matmul(x, x), square(b, 100 * i, 2)); // 100 i + 2 everywhere
      return sum(relu(y)).data();
    });
    for (const s of await Promise.all(sums)) assertEquals(s[0], (100 * i) ** 2 * (100 * i + 2));
  }
  for (const b of bs) b.close();
  assertEquals(liveWorkerCount(), 0);
});

Deno.test("worker backend: the transfer fallback is chosen when asked for", async () => {
  const b = createWorkerBackend({ threads: 2, sharedMemory: false, inlineWork: 0 });
  assertEquals(b.sharedMemory, false);
  assertEquals(
    await matmul(square(b, 5, 2), square(b, 5, 3)).data(),
    new Float32Array(25).fill(30),
  );
  b.close();
  assertEquals(liveWorkerCount(), 0);
});

Deno.test("worker backend: threads must be an integer from 0 to 64", () => {
  assertThrows(() => createWorkerBackend({ threads: -1 }), RangeError, "threads");
  assertThrows(() => createWorkerBackend({ threads: 1.5 }), RangeError, "threads");
  assertThrows(() => createWorkerBackend({ threads: 65 }), RangeError, "at most 64");
  assertEquals(liveWorkerCount(), 0);
});

Deno.test("worker backend: a loop that disposes its tensors stops growing the memory", async () => {
  const b = createWorkerBackend({ threads: 2, inlineWork: 0 });
  const w = square(b, 32, 0.5);
  let reserved = 0;
  for (let step = 0; step < 60; step++) {
    const x = square(b, 32, step);
    const h = relu(matmul(x, w));
    const y = add(h, 1);
    await y.data();
    for (const t of [x, h, y]) t.dispose();
    if (step === 10) reserved = b.bytesReserved;
  }
  assertEquals(b.bytesReserved, reserved);
  b.close();
  assertEquals(liveWorkerCount(), 0);
});

Deno.test("worker backend: releasing handles whose jobs are queued or being read is safe", async () => {
  const b = createWorkerBackend({ threads: 2, inlineWork: 0 });
  const n = 48, shape = [1, n, n], out = { shape, dtype: "float32" } as const;
  const kt = (handle: WorkerHandle) => ({ shape, dtype: "float32", handle }) as const;
  const mm = (x: WorkerHandle) =>
    b.kernels.matmul([kt(x), kt(x)], { transposeA: false, transposeB: false }, out);
  const warm = mm(b.upload(new Float32Array(n * n), shape, "float32"));
  await b.read(warm, "float32", n * n); // the pool has allocated its scratch
  b.release(warm);
  const before = b.bytesInUse;
  const a = b.upload(new Float32Array(n * n).fill(1), shape, "float32");
  const y = mm(a);
  const z = b.kernels.binary([kt(y), kt(a)], { op: "add" }, out);
  b.release(y); // still queued, and read by z
  b.release(a);
  const read = b.read(z, "float32", n * n);
  b.release(z); // a read holds its block until it has copied
  assertEquals((await read)[n - 1], n + 1);
  assertEquals(b.bytesInUse, before);
  b.close();
  assertEquals(liveWorkerCount(), 0);
});
