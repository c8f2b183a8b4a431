/**
 * The composite ops in float32 and float64:
 *
 * - Property 4: float32 results agree with the float64 results of the same op on the same
 *   (float32-representable) inputs within `|got - ref| <= 1e-5 * mag + 1e-6`, where `mag` is the
 *   op run in float64 on `|inputs|` for the (multi)linear ops, and a bound stated per op for
 *   softmax and logSoftmax.
 * - Property 3 for the composites: float64 forward values of softmax, logSoftmax, conv1d, mean
 *   and globalAvgPool2d match the tiny direct-loop implementations below. (The primitives'
 *   property 3 is the conformance suite, tests/conformance.ts.)
 * @module
 */

import {
  abs,
  conv1d,
  conv2d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
  logSoftmax,
  matmul,
  mean,
  softmax,
} from "../core/ops/mod.ts";
import type { Tensor } from "../core/tensor.ts";
import { assertEquals, AssertionError } from "./assert.ts";
import { fcParams } from "./fc.ts";
import {
  conv1dCaseArb,
  conv2dCaseArb,
  fc,
  type Host,
  hostArb,
  matmulCaseArb,
  reduceOptionsArb,
  shapeArb,
  sizeOf,
  t,
} from "./_generators.ts";

/** The same values rounded to float32, so both dtypes see identical inputs. */
const f32Values = (h: Host): Host => ({ shape: h.shape, values: h.values.map(Math.fround) });

/**
 * Runs `op` on float32 and float64 copies of `hosts` and on float64 `|hosts|`, and checks
 * `|got32 - ref64| <= 1e-5 * mag + 1e-6` elementwise; `mag(ref, absRef)` gives each element's
 * magnitude (default: the op on the absolute values).
 */
async function expectFloat32Close(
  name: string,
  op: (...xs: Tensor[]) => Tensor,
  hosts: readonly Host[],
  mag: (ref: number, absRef: number) => number = (_ref, absRef) => Math.abs(absRef),
): Promise<void> {
  const hs = hosts.map(f32Values);
  const got = await op(...hs.map((h) => t(h, "float32"))).data();
  const ref = await op(...hs.map((h) => t(h))).data();
  const absRef = await op(...hs.map((h) => abs(t(h)))).data();
  if (got.length !== ref.length) throw new AssertionError(`${name}: lengths differ`);
  for (let i = 0; i < ref.length; i++) {
    const bound = 1e-5 * mag(ref[i], absRef[i]) + 1e-6;
    if (!(Math.abs(got[i] - ref[i]) <= bound)) {
      throw new AssertionError(
        `${name}: element ${i} is ${got[i]} in float32 but ${ref[i]} in float64 ` +
          `(|diff| ${Math.abs(got[i] - ref[i])} > ${bound})`,
      );
    }
  }
}

const axisArb = (rank: number) =>
  fc.option(fc.integer({ min: -rank, max: rank - 1 }), { nil: undefined });

Deno.test("float32 softmax and logSoftmax agree with float64 within the stated bound", async () => {
  const arb = shapeArb(1, 3, 5).chain((s) => fc.tuple(hostArb(s, "wide"), axisArb(s.length)));
  await fc.assert(
    fc.asyncProperty(arb, async ([x, axis]) => {
      const options = axis === undefined ? {} : { axis };
      // softmax's outputs lie in [0, 1]: bound 1e-5 * 1 + 1e-6.
      await expectFloat32Close("softmax", (x) => softmax(x, options), [x], () => 1);
      // logSoftmax(x) = (x - max) - lse with x - max <= 0 <= lse, so |y| = |x - max| + lse
      // bounds every intermediate: mag = |y| + 1.
      await expectFloat32Close(
        "logSoftmax",
        (x) => logSoftmax(x, options),
        [x],
        (ref) => Math.abs(ref) + 1,
      );
    }),
    fcParams(50),
  );
});

Deno.test("float32 mean and the global pools agree with float64 within 1e-5 * mag", async () => {
  const arb = shapeArb(0, 4, 4).chain((s) => fc.tuple(hostArb(s), reduceOptionsArb(s.length)));
  await fc.assert(
    fc.asyncProperty(arb, async ([x, options]) => {
      await expectFloat32Close("mean", (x) => mean(x, options), [x]);
    }),
    fcParams(50),
  );
  const arb4 = shapeArb(4, 4, 4).chain((s) => hostArb(s));
  await fc.assert(
    fc.asyncProperty(arb4, async (x) => {
      await expectFloat32Close("globalAvgPool2d", (x) => globalAvgPool2d(x), [x]);
      await expectFloat32Close("globalMaxPool2d", (x) => globalMaxPool2d(x), [x]);
      const x3 = { shape: x.shape.slice(1), values: x.values.slice(0, sizeOf(x.shape.slice(1))) };
      await expectFloat32Close("globalMaxPool1d", (x) => globalMaxPool1d(x), [x3]);
    }),
    fcParams(30),
  );
});

Deno.test("float32 conv1d, conv2d with bias and broadcast matmul agree with float64", async () => {
  const c1 = conv1dCaseArb().chain((c) =>
    fc.tuple(fc.constant(c), hostArb(c.xShape), hostArb(c.wShape), hostArb([c.wShape[2]]))
  );
  await fc.assert(
    fc.asyncProperty(c1, async ([c, x, w, b]) => {
      await expectFloat32Close("conv1d", (x, w, bias) => conv1d(x, w, { ...c.options, bias }), [
        x,
        w,
        b,
      ]);
    }),
    fcParams(30),
  );
  const c2 = conv2dCaseArb().chain((c) =>
    fc.tuple(fc.constant(c), hostArb(c.xShape), hostArb(c.wShape), hostArb([c.wShape[3]]))
  );
  await fc.assert(
    fc.asyncProperty(c2, async ([c, x, w, b]) => {
      await expectFloat32Close("conv2d", (x, w, bias) => conv2d(x, w, { ...c.options, bias }), [
        x,
        w,
        b,
      ]);
    }),
    fcParams(30),
  );
  const mm = matmulCaseArb().chain((c) =>
    fc.tuple(fc.constant(c), hostArb(c.aShape), hostArb(c.bShape))
  );
  await fc.assert(
    fc.asyncProperty(mm, async ([c, a, b]) => {
      await expectFloat32Close("matmul", (a, b) => matmul(a, b, c.options), [a, b]);
    }),
    fcParams(50),
  );
});

// ---- Property 3: direct-loop float64 references for the composites ----

/** Splits `shape` around `axis` into `[outer, n, inner]`. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

function loopSoftmax(x: Host, axis: number, log: boolean): number[] {
  const [outer, n, inner] = around(x.shape, axis);
  const y = new Array<number>(x.values.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * n + k) * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, x.values[at(k)]);
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(x.values[at(k)] - m);
      for (let k = 0; k < n; k++) {
        const z = x.values[at(k)] - m;
        y[at(k)] = log ? z - Math.log(s) : Math.exp(z) / s;
      }
    }
  }
  return y;
}

function loopMean(x: Host, axes: readonly number[]): number[] {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const sums = new Array<number>(sizeOf(kept)).fill(0);
  const count = sizeOf(axes.map((a) => x.shape[a]));
  x.values.forEach((v, flat) => {
    let out = 0;
    let rest = flat;
    const idx = x.shape.map(() => 0);
    for (let a = x.shape.length - 1; a >= 0; a--) {
      idx[a] = rest % x.shape[a];
      rest = Math.floor(rest / x.shape[a]);
    }
    for (let a = 0; a < kept.length; a++) out = out * kept[a] + (kept[a] === 1 ? 0 : idx[a]);
    sums[out] += v;
  });
  return sums.map((s) => s / count);
}

function loopConv1d(
  x: Host,
  w: Host,
  b: Host | undefined,
  stride: number,
  dilation: number,
  [left]: [number, number],
  outW: number,
): number[] {
  const [n, width, cIn] = x.shape;
  const [k, , cOut] = w.shape;
  const y: number[] = [];
  for (let bi = 0; bi < n; bi++) {
    for (let j = 0; j < outW; j++) {
      for (let o = 0; o < cOut; o++) {
        let s = b ? b.values[o] : 0;
        for (let p = 0; p < k; p++) {
          const pos = j * stride + p * dilation - left;
          if (pos < 0 || pos >= width) continue;
          for (let c = 0; c < cIn; c++) {
            s += x.values[(bi * width + pos) * cIn + c] * w.values[(p * cIn + c) * cOut + o];
          }
        }
        y.push(s);
      }
    }
  }
  return y;
}

function loopGlobalAvg(x: Host): number[] {
  const [n, h, w, c] = x.shape;
  const y: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let i = 0; i < h * w; i++) s += x.values[(b * h * w + i) * c + ch];
      y.push(s / (h * w));
    }
  }
  return y;
}

/** `|got - ref| <= 1e-12 * (|ref| + 1)`: float64 sums of a few grid values differ by ulps only. */
async function expectMatches(name: string, got: Tensor, ref: readonly number[]): Promise<void> {
  const g = await got.data();
  if (g.length !== ref.length) {
    throw new AssertionError(`${name}: ${g.length} elements, the loops give ${ref.length}`);
  }
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(g[i] - ref[i]) <= 1e-12 * (Math.abs(ref[i]) + 1))) {
      throw new AssertionError(`${name}: element ${i} is ${g[i]}, the loops give ${ref[i]}`);
    }
  }
}

Deno.test("softmax and logSoftmax match direct loops in float64", async () => {
  const arb = shapeArb(1, 3, 5).chain((s) =>
    fc.tuple(hostArb(s, "wide"), fc.integer({ min: -s.length, max: s.length - 1 }))
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([x, axis]) => {
      const a = axis < 0 ? axis + x.shape.length : axis;
      await expectMatches("softmax", softmax(t(x), { axis }), loopSoftmax(x, a, false));
      await expectMatches("logSoftmax", logSoftmax(t(x), { axis }), loopSoftmax(x, a, true));
    }),
    fcParams(50),
  );
});

Deno.test("mean and globalAvgPool2d match direct loops in float64", async () => {
  const arb = shapeArb(0, 4, 4).chain((s) => fc.tuple(hostArb(s), reduceOptionsArb(s.length)));
  await fc.assert(
    fc.asyncProperty(arb, async ([x, options]) => {
      const r = x.shape.length;
      const list = options.axis === undefined
        ? x.shape.map((_, i) => i)
        : [options.axis].flat().map((a) => (a < 0 ? a + r : a));
      await expectMatches("mean", mean(t(x), options), loopMean(x, list));
    }),
    fcParams(50),
  );
  const arb4 = shapeArb(4, 4, 4).chain((s) => hostArb(s));
  await fc.assert(
    fc.asyncProperty(arb4, async (x) => {
      await expectMatches("globalAvgPool2d", globalAvgPool2d(t(x)), loopGlobalAvg(x));
    }),
    fcParams(30),
  );
});

Deno.test("conv1d matches direct loops in float64, with and without a bias", async () => {
  const arb = conv1dCaseArb().chain((c) =>
    fc.tuple(
      fc.constant(c),
      hostArb(c.xShape),
      hostArb(c.wShape),
      fc.option(hostArb([c.wShape[2]]), { nil: undefined }),
    )
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([c, x, w, b]) => {
      const y = conv1d(t(x), t(w), b ? { ...c.options, bias: t(b) } : c.options);
      const { stride, dilation } = c.options;
      const ref = loopConv1d(x, w, b, stride, dilation, c.padding, c.outShape[1]);
      assertEquals(y.shape, c.outShape);
      await expectMatches("conv1d", y, ref);
    }),
    fcParams(50),
  );
});
