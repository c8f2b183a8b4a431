// Gradients on the WebGPU backend: every differentiable op's forward value and VJP, computed in
// float32 on the GPU, agree with the same op in float64 on the reference backend (whose VJPs the
// property tests in tests/op_gradients_*_test.ts check by finite differences) within the float32
// bound `|gpu - ref| <= 1e-5 * mag + 1e-6`. `mag` is the op run on |inputs| and |cotangent| for
// ops linear in each input, and |ref| + 1 for the others (whose values are of order one).

import { tensor } from "../../core/create.ts";
import * as ops from "../../core/ops/mod.ts";
import type { Tensor } from "../../core/tensor.ts";
import { fcParams } from "../../tests/fc.ts";
import {
  broadcastShapesArb,
  conv2dCaseArb,
  fc,
  type Host,
  hostArb,
  matmulCaseArb,
  pool2dCaseArb,
  reduceOptionsArb,
  shapeArb,
  t,
} from "../../tests/_generators.ts";
import { AssertionError } from "../../tests/assert.ts";
import {
  createWebGPUBackend,
  NoAdapterError,
  type WebGPUBackend,
  WebGPUUnavailableError,
} from "./mod.ts";

let gpu: WebGPUBackend | undefined;
try {
  gpu = await createWebGPUBackend();
} catch (e) {
  if (!(e instanceof WebGPUUnavailableError || e instanceof NoAdapterError)) throw e;
  console.warn(`webgpu gradient tests skipped: ${e.message}`);
}

/** Asserts `|got - want| <= 1e-5 * mag + 1e-6` elementwise. */
function assertClose(got: Float64Array, want: Float64Array, what: string, mag: Float64Array) {
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

type Fn = (...xs: Tensor[]) => readonly [Tensor, (dy: Tensor) => readonly (Tensor | undefined)[]];

const f32 = (h: Host): Host => ({ shape: h.shape, values: h.values.map(Math.fround) });
const abs = (h: Host): Host => ({ shape: h.shape, values: h.values.map(Math.abs) });

/** A deterministic cotangent on the 1/1000 grid shaped like `shape`. */
function cotangent(shape: readonly number[]): Host {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from(
    { length: n },
    (_, i) => Math.fround((((i * 7919) % 2001) - 1000) / 1000),
  );
  return { shape: [...shape], values };
}

async function values(x: Tensor | undefined, like: Tensor): Promise<Float64Array> {
  return x ? Float64Array.from(await x.data()) : new Float64Array(like.size);
}

/**
 * Runs `f` and its VJP on the GPU in float32 and on the reference backend in float64, on the
 * same (float32-representable) inputs and cotangent, and compares the output and every gradient.
 */
async function expectGpuGrads(name: string, f: Fn, hosts: readonly Host[], linear: boolean) {
  const hs = hosts.map(f32);
  const onGpu = hs.map((h) => tensor([...h.values], { shape: h.shape, backend: gpu! }));
  const [yG, vjpG] = f(...onGpu);
  const [yR, vjpR] = f(...hs.map((h) => t(h)));
  const c = cotangent(yR.shape);
  const gradsG = vjpG(tensor([...c.values], { shape: c.shape, backend: gpu! }));
  const gradsR = vjpR(t(c));
  const outs = [[yG, yR], ...hs.map((_, i) => [gradsG[i], gradsR[i]])] as const;
  let mags: (Float64Array | undefined)[] = outs.map(() => undefined);
  if (linear) {
    const [yA, vjpA] = f(...hs.map((h) => t(abs(h))));
    const gradsA = vjpA(t(abs(c)));
    mags = [Float64Array.from(await yA.data())];
    for (const [i, x] of onGpu.entries()) {
      const g = gradsA[i];
      mags.push(g ? Float64Array.from(await g.data()) : new Float64Array(x.size));
    }
  }
  for (const [i, [g, r]] of outs.entries()) {
    const like = i === 0 ? yR : onGpu[i - 1];
    const got = await values(g, like);
    const want = await values(r, like);
    const mag = mags[i] ?? want.map((v) => Math.abs(v) + 1);
    assertClose(got, want, `${name}: ${i === 0 ? "output" : `gradient ${i - 1}`}`, mag);
  }
}

const RUNS = 12;
const ignore = gpu === undefined;

function property<T>(name: string, arb: fc.Arbitrary<T>, check: (v: T) => Promise<void>) {
  Deno.test({
    name,
    ignore,
    fn: () => fc.assert(fc.asyncProperty(arb, check), fcParams(RUNS)),
  });
}

property(
  "webgpu conv2d (with and without bias) and conv2dTranspose VJPs match float64",
  conv2dCaseArb().chain((c) =>
    fc.tuple(
      fc.constant(c),
      hostArb(c.xShape),
      hostArb(c.wShape),
      hostArb([c.wShape[3]]),
      hostArb(c.outShape),
    )
  ),
  async ([c, x, w, b, dy]) => {
    await expectGpuGrads("conv2d", (x, w) => ops.conv2d.vjp(x, w, c.options), [x, w], true);
    await expectGpuGrads(
      "conv2d with bias",
      (x, w, bias) => ops.conv2d.vjp(x, w, { ...c.options, bias }),
      [x, w, b],
      true,
    );
    await expectGpuGrads(
      "conv2dTranspose",
      (dy, w) => ops.conv2dTranspose.vjp(dy, w, c.xShape, c.options),
      [dy, w],
      true,
    );
  },
);

property(
  "webgpu maxPool2d (distinct values) and avgPool2d VJPs match float64",
  pool2dCaseArb().chain((c) =>
    fc.tuple(fc.constant(c), hostArb(c.xShape, "unique"), hostArb(c.xShape), fc.boolean())
  ),
  async ([c, u, x, countPadded]) => {
    await expectGpuGrads("maxPool2d", (x) => ops.maxPool2d.vjp(x, c.window, c.options), [u], false);
    await expectGpuGrads(
      "avgPool2d",
      (x) => ops.avgPool2d.vjp(x, c.window, { ...c.options, countPadded }),
      [x],
      true,
    );
  },
);

property(
  "webgpu matmul VJPs match float64 with transposes and batch broadcasting",
  matmulCaseArb().chain((c) => fc.tuple(fc.constant(c), hostArb(c.aShape), hostArb(c.bShape))),
  async ([c, a, b]) => {
    await expectGpuGrads("matmul", (a, b) => ops.matmul.vjp(a, b, c.options), [a, b], true);
  },
);

property(
  "webgpu elementwise VJPs match float64 with broadcasting",
  broadcastShapesArb(2).chain(([sa, sb]) =>
    fc.tuple(
      hostArb(sa),
      hostArb(sb),
      hostArb(sb, "awayFromZero"),
      hostArb(sa, "nonzero"),
      hostArb(sa, "positive"),
      hostArb(sa, "even"),
      hostArb(sb, "odd"),
    )
  ),
  async ([a, b, d, nz, pos, even, odd]) => {
    await expectGpuGrads("add", (a, b) => ops.add.vjp(a, b), [a, b], true);
    await expectGpuGrads("mul", (a, b) => ops.mul.vjp(a, b), [a, b], true);
    await expectGpuGrads("div", (a, b) => ops.div.vjp(a, b), [a, d], false);
    await expectGpuGrads("maximum", (a, b) => ops.maximum.vjp(a, b), [even, odd], false);
    await expectGpuGrads("relu", (x) => ops.relu.vjp(x), [nz], false);
    await expectGpuGrads("tanh", (x) => ops.tanh.vjp(x), [a], false);
    await expectGpuGrads("sigmoid", (x) => ops.sigmoid.vjp(x), [a], false);
    await expectGpuGrads("exp", (x) => ops.exp.vjp(x), [a], false);
    await expectGpuGrads("log", (x) => ops.log.vjp(x), [pos], false);
  },
);

property(
  "webgpu reduction, softmax and layout VJPs match float64",
  shapeArb(1, 3, 4).chain((s) =>
    fc.tuple(
      hostArb(s),
      hostArb(s, "unique"),
      reduceOptionsArb(s.length),
      fc.integer({ min: -s.length, max: s.length - 1 }),
    )
  ),
  async ([x, u, options, axis]) => {
    await expectGpuGrads("sum", (x) => ops.sum.vjp(x, options), [x], true);
    await expectGpuGrads("mean", (x) => ops.mean.vjp(x, options), [x], true);
    await expectGpuGrads("max", (x) => ops.max.vjp(x, options), [u], false);
    await expectGpuGrads("softmax", (x) => ops.softmax.vjp(x, { axis }), [x], false);
    await expectGpuGrads("logSoftmax", (x) => ops.logSoftmax.vjp(x, { axis }), [x], false);
    const perm = x.shape.map((_, i) => i).reverse();
    await expectGpuGrads("transpose", (x) => ops.transpose.vjp(x, perm), [x], true);
    const pads = x.shape.map((_, i) => [i % 2, 1] as [number, number]);
    await expectGpuGrads("pad", (x) => ops.pad.vjp(x, pads), [x], true);
    const begin = x.shape.map((d) => Math.floor(d / 2));
    await expectGpuGrads("slice", (x) => ops.slice.vjp(x, begin), [x], true);
    await expectGpuGrads(
      "concat",
      (a, b) => {
        const [y, vjp] = ops.concat.vjp([a, b], { axis: 0 });
        return [y, (dy: Tensor) => vjp(dy)];
      },
      [x, x],
      true,
    );
  },
);
