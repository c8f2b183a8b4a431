// Work split around device limits, tested on a real adapter by planning with tiny fake limits:
// a 1 KiB storage-binding limit (elementwise ops, matmul and convolutions run in pieces) and
// 2 workgroups per dispatch dimension (dispatches go 3D, then loop). Results must still match
// the float64 reference, and ops that cannot be split must fail with a LimitExceededError.

import type { DType } from "../../core/dtype.ts";
import type { Backend, KTensor, OutInfo, Shape } from "../../core/primitives.ts";
import { assert, assertEquals, AssertionError, assertThrows } from "../../tests/assert.ts";
import * as R from "../../tests/reference.ts";
import type { RefTensor } from "../../tests/reference.ts";
import {
  createWebGPUBackend,
  LimitExceededError,
  NoAdapterError,
  type WebGPUBackend,
  type WebGPUBackendOptions,
  WebGPUUnavailableError,
} from "./mod.ts";

/** A tensor on the host. */
interface Host {
  /** The shape. */
  readonly shape: Shape;
  /** The dtype. */
  readonly dtype: DType;
  /** Values as float64. */
  readonly data: Float64Array;
}

/** Elements in `shape`. */
function size(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Deterministic values on the 1/1000 grid in [-1, 1], rounded to float32 (integers in
 * [-1000, 1000] for int32),
 * from a small linear congruential generator seeded by `seed`.
 */
function host(shape: Shape, seed: number, dtype: DType = "float32"): Host {
  const n = size(shape);
  const data = new Float64Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = (s % 2001) - 1000;
    data[i] = dtype === "int32" ? v : Math.fround(v / 1000);
  }
  return { shape, dtype, data };
}

/** The reference view of `h`; with `abs`, of `|h|` (for magnitude-scaled tolerances). */
function ref(h: Host, abs = false): RefTensor {
  return { shape: h.shape, data: abs ? h.data.map(Math.abs) : h.data };
}

/**
 * Uploads `inputs`, runs `call`, reads the result as `out.dtype`, releases every handle and
 * returns the result as float64.
 */
async function run<H>(
  backend: Backend<H>,
  inputs: readonly Host[],
  out: OutInfo,
  call: (ins: readonly KTensor<H>[]) => H,
): Promise<Float64Array> {
  const ks = inputs.map((h): KTensor<H> => ({
    shape: h.shape,
    dtype: h.dtype,
    handle: backend.upload(
      h.dtype === "int32" ? Int32Array.from(h.data) : Float32Array.from(h.data),
      h.shape,
      h.dtype,
    ),
  }));
  try {
    const handle = call(ks);
    try {
      return Float64Array.from(await backend.read(handle, out.dtype, size(out.shape)));
    } finally {
      backend.release?.(handle);
    }
  } finally {
    for (const k of ks) backend.release?.(k.handle);
  }
}

/**
 * Asserts `|got - want| <= 1e-5 * mag + 1e-6` elementwise (`mag` defaults to `|want|`), the
 * float32 bound against the float64 reference.
 */
function assertClose(
  got: Float64Array,
  want: Float64Array,
  what: string,
  mag: Float64Array = want.map(Math.abs),
): void {
  if (got.length !== want.length) {
    throw new AssertionError(`${what}: ${got.length} elements, expected ${want.length}`);
  }
  for (let i = 0; i < got.length; i++) {
    const tol = 1e-5 * mag[i] + 1e-6;
    if (!(Math.abs(got[i] - want[i]) <= tol)) {
      throw new AssertionError(`${what}: element ${i} is ${got[i]}, expected ${want[i]} (±${tol})`);
    }
  }
}

let available = true;
try {
  (await createWebGPUBackend()).destroy();
} catch (e) {
  if (!(e instanceof WebGPUUnavailableError || e instanceof NoAdapterError)) throw e;
  console.warn(`webgpu split tests skipped: ${e.message}`);
  available = false;
}

/** Runs `fn` on a backend created with `options`, destroying it afterwards. */
async function withBackend(
  options: WebGPUBackendOptions,
  fn: (b: WebGPUBackend) => Promise<void>,
): Promise<void> {
  const b = await createWebGPUBackend(options);
  try {
    await fn(b);
  } finally {
    b.destroy();
    await b.lost;
  }
}

const TINY = { limits: { maxStorageBufferBindingSize: 1024 } };
const f32 = "float32" as const;

Deno.test({
  name: "elementwise ops larger than a storage binding run in pieces and match the reference",
  ignore: !available,
  fn: () =>
    withBackend(TINY, async (b) => {
      const k = b.kernels;
      const x = host([3, 700], 1), y = host([7, 1], 2), z = host([5, 7, 60], 3);
      const before = b.stats().splitCalls;
      let out = { shape: x.shape, dtype: f32 };
      let got = await run(b, [x], out, ([a]) => k.unary([a], { op: "exp" }, out));
      assertClose(got, R.unary([ref(x)], { op: "exp" }, x.shape), "exp");
      out = { shape: z.shape, dtype: f32 };
      got = await run(b, [z, y], out, ([a, c]) => k.binary([a, c], { op: "mul" }, out));
      assertClose(got, R.binary([ref(z), ref(y)], { op: "mul" }, z.shape), "mul, broadcast");
      const cond = host([60], 4);
      got = await run(b, [cond, z, y], out, ([c, a, d]) => k.where([c, a, d], {}, out));
      assertClose(got, R.where([ref(cond), ref(z), ref(y)], {}, z.shape), "where");
      const row = host([1, 60], 5);
      out = { shape: [40, 60], dtype: f32 };
      got = await run(b, [row], out, ([a]) => k.broadcastTo([a], {}, out));
      assertClose(got, R.broadcastTo([ref(row)], {}, out.shape), "broadcastTo");
      const big = host([40, 60], 6);
      out = { shape: [20, 50], dtype: f32 };
      got = await run(b, [big], out, ([a]) => k.slice([a], { begin: [10, 5] }, out));
      assertClose(got, R.slice([ref(big)], { begin: [10, 5] }, out.shape), "slice");
      const ints = { shape: [40, 60], dtype: "int32" as const };
      got = await run(b, [big], ints, ([a]) => k.cast([a], {}, ints));
      assertClose(
        got,
        R.cast([ref(big)], { to: "int32" }, ints.shape),
        "cast",
        new Float64Array(got.length),
      );
      assert(b.stats().splitCalls >= before + 6, "every call above was split");
    }),
});

Deno.test({
  name: "matmul splits over batches, then over rows, and matches the reference",
  ignore: !available,
  fn: () =>
    withBackend(TINY, async (b) => {
      const cases = [
        { a: [4, 12, 16], b: [4, 16, 8], tA: false, tB: false }, // batch by batch
        { a: [1, 12, 16], b: [3, 8, 16], tA: false, tB: true }, // broadcast A, batched B
        { a: [1, 40, 16], b: [1, 16, 8], tA: false, tB: false }, // 40 rows in blocks
        { a: [2, 40, 16], b: [1, 8, 16], tA: false, tB: true }, // rows per batch
      ];
      for (const [i, c] of cases.entries()) {
        const a = host(c.a, 10 + i), w = host(c.b, 20 + i);
        const m = c.tA ? c.a[2] : c.a[1], n = c.tB ? c.b[1] : c.b[2];
        const attrs = { transposeA: c.tA, transposeB: c.tB };
        const out = { shape: [Math.max(c.a[0], c.b[0]), m, n], dtype: f32 };
        const got = await run(b, [a, w], out, ([x, y]) => b.kernels.matmul([x, y], attrs, out));
        const want = R.matmul([ref(a), ref(w)], attrs, out.shape);
        assertClose(
          got,
          want,
          `matmul ${JSON.stringify(c)}`,
          R.matmul([ref(a, true), ref(w, true)], attrs, out.shape),
        );
      }
    }),
});

Deno.test({
  name: "convolutions split over images, filter gradients summed over the groups",
  ignore: !available,
  fn: () =>
    withBackend(TINY, async (b) => {
      const k = b.kernels;
      const geo = { stride: [1, 2], dilation: [1, 1], padding: [[1, 1], [0, 1]] } as const;
      const x = host([3, 6, 6, 4], 30), w = host([3, 3, 4, 5], 31), dy = host([3, 6, 3, 5], 32);
      const before = b.stats().splitCalls;
      let out = { shape: dy.shape, dtype: f32 };
      let got = await run(b, [x, w], out, ([p, q]) => k.conv2d([p, q], geo, out));
      const mag = R.conv2d([ref(x, true), ref(w, true)], geo, dy.shape);
      assertClose(got, R.conv2d([ref(x), ref(w)], geo, dy.shape), "conv2d", mag);
      out = { shape: x.shape, dtype: f32 };
      got = await run(b, [dy, w], out, ([p, q]) => k.conv2dBackpropInput([p, q], geo, out));
      assertClose(
        got,
        R.conv2dBackpropInput([ref(dy), ref(w)], geo, x.shape),
        "conv2dBackpropInput",
        R.conv2dBackpropInput([ref(dy, true), ref(w, true)], geo, x.shape),
      );
      // Unit stride takes the implicit GEMM's division-free path.
      const unit = { stride: [1, 1], dilation: [2, 1], padding: [[2, 1], [1, 1]] } as const;
      const dy1 = host([3, 5, 6, 5], 33);
      got = await run(b, [dy1, w], out, ([p, q]) => k.conv2dBackpropInput([p, q], unit, out));
      assertClose(
        got,
        R.conv2dBackpropInput([ref(dy1), ref(w)], unit, x.shape),
        "conv2dBackpropInput, unit stride",
        R.conv2dBackpropInput([ref(dy1, true), ref(w, true)], unit, x.shape),
      );
      out = { shape: w.shape, dtype: f32 };
      got = await run(b, [x, dy], out, ([p, q]) => k.conv2dBackpropFilter([p, q], geo, out));
      assertClose(
        got,
        R.conv2dBackpropFilter([ref(x), ref(dy)], geo, w.shape),
        "conv2dBackpropFilter",
        R.conv2dBackpropFilter([ref(x, true), ref(dy, true)], geo, w.shape),
      );
      assertEquals(b.stats().splitCalls, before + 4);
    }),
});

Deno.test({
  name: "ops that cannot be split fail with a LimitExceededError naming the limit",
  ignore: !available,
  fn: () =>
    withBackend(TINY, async (b) => {
      const x = host([30, 70], 40);
      const out = { shape: [70, 30], dtype: f32 };
      const h = b.upload(Float32Array.from(x.data), x.shape, f32);
      const live = b.stats().liveBytes;
      const err = assertThrows(
        () => b.kernels.transpose([{ ...x, handle: h }], { perm: [1, 0] }, out),
        LimitExceededError,
        "maxStorageBufferBindingSize",
      );
      assertEquals([err.limit, err.allowed], ["maxStorageBufferBindingSize", 1024]);
      assert(err.requested > 1024, `requested ${err.requested}`);
      const padOut = { shape: [32, 72], dtype: f32 };
      const attrs = { paddings: [[1, 1], [1, 1]] as [number, number][], value: 0 };
      assertThrows(() => b.kernels.pad([{ ...x, handle: h }], attrs, padOut), LimitExceededError);
      assertEquals(b.stats().liveBytes, live, "a failed kernel releases its output");
      b.release(h);
      await Promise.resolve();
    }),
});

Deno.test({
  name: "a buffer above maxBufferSize is refused with a LimitExceededError",
  ignore: !available,
  fn: () =>
    withBackend({ limits: { maxBufferSize: 4096 } }, async (b) => {
      const err = assertThrows(
        () => b.upload(new Float32Array(2000), [2000], f32),
        LimitExceededError,
        "maxBufferSize",
      );
      assertEquals([err.requested, err.allowed], [8000, 4096]);
      await Promise.resolve();
    }),
});

Deno.test({
  name: "more workgroups than a dimension allows go 3D and then loop over dispatches",
  ignore: !available,
  fn: () =>
    withBackend({ limits: { maxComputeWorkgroupsPerDimension: 2 } }, async (b) => {
      const x = host([20 * 256 + 3], 50);
      const before = b.stats();
      const out = { shape: x.shape, dtype: f32 };
      const got = await run(b, [x], out, ([a]) => b.kernels.unary([a], { op: "neg" }, out));
      assertClose(got, R.unary([ref(x)], { op: "neg" }, x.shape), "neg");
      // 21 workgroups, at most 2 x 2 x 2 per dispatch: 3 dispatches.
      assertEquals(b.stats().dispatches - before.dispatches, 3);
      const a = host([1, 130, 20], 51), w = host([1, 20, 140], 52);
      const mm = { shape: [1, 130, 140], dtype: f32 };
      const attrs = { transposeA: false, transposeB: false };
      const res = await run(b, [a, w], mm, ([p, q]) => b.kernels.matmul([p, q], attrs, mm));
      const mag = R.matmul([ref(a, true), ref(w, true)], attrs, mm.shape);
      assertClose(res, R.matmul([ref(a), ref(w)], attrs, mm.shape), "matmul", mag);
      assert(b.stats().splitCalls >= before.splitCalls + 2);
    }),
});
