// The WebGPU backend's own behaviour: typed errors for every failure that can be provoked (no
// WebGPU, no adapter, limits above the adapter's, a lost device), the dtypes it refuses, and
// memory: buffers return to a pool, live bytes stay bounded in a create-and-drop loop, and
// garbage collection releases buffers through the FinalizationRegistry.

import { add, matmul, relu, sum } from "../../core/ops/mod.ts";
import { tensor } from "../../core/create.ts";
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../../tests/assert.ts";
import {
  createWebGPUBackend,
  DeviceLostError,
  type GpuLike,
  LimitExceededError,
  NoAdapterError,
  WebGPUBackendError,
  WebGPUUnavailableError,
} from "./mod.ts";

let available = true;
try {
  (await createWebGPUBackend()).destroy();
} catch (e) {
  if (!(e instanceof WebGPUUnavailableError || e instanceof NoAdapterError)) throw e;
  console.warn(`webgpu tests that need an adapter are skipped: ${e.message}`);
  available = false;
}

Deno.test("createWebGPUBackend() without WebGPU fails with WebGPUUnavailableError", async () => {
  const e = await assertRejects(
    () => createWebGPUBackend({ gpu: undefined }),
    WebGPUUnavailableError,
    "navigator.gpu is undefined",
  );
  assertInstanceOf(e, WebGPUBackendError);
  assertEquals(e.name, "WebGPUUnavailableError");
});

Deno.test("createWebGPUBackend() with no adapter fails with NoAdapterError", async () => {
  const gpu: GpuLike = { requestAdapter: () => Promise.resolve(null) };
  await assertRejects(() => createWebGPUBackend({ gpu }), NoAdapterError, "no GPU adapter");
});

Deno.test({
  name: "createWebGPUBackend() refuses limits above the adapter's, naming them",
  ignore: !available,
  async fn() {
    const e = await assertRejects(
      () => createWebGPUBackend({ requiredLimits: { maxStorageBufferBindingSize: 2 ** 40 } }),
      LimitExceededError,
      "maxStorageBufferBindingSize",
    );
    assertEquals([e.limit, e.requested], ["maxStorageBufferBindingSize", 2 ** 40]);
    assert(e.allowed > 0 && e.allowed < 2 ** 40);
    assertStringIncludes(e.message, "the adapter allows only");
    const bad = createWebGPUBackend({ limits: { maxBufferSize: 0 } });
    await assertRejects(() => bad, RangeError, "options.limits.maxBufferSize");
  },
});

Deno.test({
  name: "a lost device makes every later call fail with DeviceLostError and its reason",
  ignore: !available,
  async fn() {
    const b = await createWebGPUBackend();
    const h = b.upload(new Float32Array([1, 2, 3]), [3], "float32");
    b.device.destroy(); // what a driver reset or an out-of-memory loss looks like to us
    const lost = await b.lost;
    assertInstanceOf(lost, DeviceLostError);
    assertEquals(lost.reason, "destroyed");
    assertStringIncludes(lost.message, "device was lost");
    const x = { shape: [3], dtype: "float32" as const, handle: h };
    const out = { shape: [3], dtype: "float32" as const };
    assertThrows(() => b.kernels.unary([x], { op: "neg" }, out), DeviceLostError, "destroyed");
    assertThrows(() => b.upload(new Float32Array(3), [3], "float32"), DeviceLostError);
    await assertRejects(() => b.read(h, "float32", 3), DeviceLostError);
    b.release(h); // releasing after the loss is harmless
  },
});

Deno.test({
  name: "the backend stores float32 and int32 and refuses float64 with a TypeError",
  ignore: !available,
  async fn() {
    const b = await createWebGPUBackend();
    try {
      assertEquals(b.dtypes, ["float32", "int32"]);
      assertEquals(b.readSync, undefined);
      assertThrows(
        () => b.upload(new Float64Array(2), [2], "float64"),
        TypeError,
        'webgpu upload: dtype must be "float32" or "int32"',
      );
      const ints = b.upload(Int32Array.of(-5, 7), [2], "int32");
      assertEquals(Array.from(await b.read(ints, "int32", 2)), [-5, 7]);
      const empty = b.upload(new Float32Array(0), [0], "float32");
      assertEquals((await b.read(empty, "float32", 0)).length, 0);
      b.release(ints);
      b.release(empty);
    } finally {
      b.destroy();
      await b.lost;
    }
  },
});

Deno.test({
  name: "releasing every handle in a kernel loop returns live GPU bytes to the start",
  ignore: !available,
  async fn() {
    const b = await createWebGPUBackend();
    try {
      const f32 = "float32" as const;
      const k = b.kernels;
      const w = { shape: [1, 8, 8], dtype: f32, handle: b.upload(new Float32Array(64), [64], f32) };
      const base = b.stats();
      b.resetPeak();
      for (let i = 0; i < 200; i++) {
        const x = {
          shape: [1, 4, 8],
          dtype: f32,
          handle: b.upload(new Float32Array(32).fill(i), [32], f32),
        };
        const y = { ...x, handle: k.matmul([x, w], { transposeA: false, transposeB: false }, x) };
        const z = { ...x, handle: k.unary([y], { op: "relu" }, x) };
        const s = k.reduce([z], { op: "sum", axes: [1] }, { shape: [1, 8], dtype: f32 });
        if (i % 50 === 0) assertEquals((await b.read(s, f32, 8)).length, 8);
        for (const h of [x.handle, y.handle, z.handle, s]) b.release(h);
      }
      const after = b.stats();
      assertEquals(after.liveBytes, base.liveBytes, "every buffer went back to the pool");
      // At most four small (256-byte) buffers plus the reduction's transposed copy at once.
      assert(after.peakBytes <= base.liveBytes + 5 * 256, `peak ${after.peakBytes}`);
      assert(after.buffersCreated - base.buffersCreated <= 5, "the pool served the loop");
      b.release(w.handle);
    } finally {
      b.destroy();
      await b.lost;
    }
  },
});

Deno.test({
  name: "a training-style loop of disposed tensors keeps live GPU bytes bounded",
  ignore: !available,
  async fn() {
    const b = await createWebGPUBackend();
    try {
      const w = tensor(Array.from({ length: 64 }, (_, i) => i / 64), { shape: [8, 8], backend: b });
      const bias = tensor([0.5], { backend: b });
      const base = b.stats();
      b.resetPeak();
      for (let i = 0; i < 200; i++) {
        using x = tensor(Array.from({ length: 32 }, (_, j) => j - i), {
          shape: [4, 8],
          backend: b,
        });
        using y = matmul(x, w);
        using a = add(y, bias);
        using z = relu(a);
        using s = sum(z);
        if (i % 50 === 0) assert((await s.data())[0] >= 0);
      }
      // Ops keep a few internal intermediates (reshaped views) until garbage collection, so
      // live bytes grow by at most a few buffers per step, and never without bound.
      const after = b.stats();
      assert(after.liveBytes - base.liveBytes <= 200 * 2 * 256, `live ${after.liveBytes}`);
      assert(
        after.peakBytes - base.liveBytes <= 200 * 2 * 256 + 5 * 256,
        `peak ${after.peakBytes}`,
      );
      w.dispose();
      bias.dispose();
    } finally {
      b.destroy();
      await b.lost;
    }
  },
});

const gc = (globalThis as { gc?: () => void }).gc;

Deno.test({
  name: "garbage-collected tensors give their buffers back " +
    (gc ? "(FinalizationRegistry)" : "(skipped: run with --v8-flags=--expose-gc)"),
  ignore: !available || gc === undefined,
  async fn() {
    const b = await createWebGPUBackend();
    try {
      const base = b.stats().liveBytes;
      (() => {
        for (let i = 0; i < 100; i++) relu(tensor([i, -i, 2 * i], { backend: b }));
      })();
      assert(b.stats().liveBytes > base, "the loop holds buffers before collection");
      for (let round = 0; round < 10 && b.stats().liveBytes > base; round++) {
        gc!();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assertEquals(b.stats().liveBytes, base, "every unreachable tensor was released");
    } finally {
      b.destroy();
      await b.lost;
    }
  },
});
