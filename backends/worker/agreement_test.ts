/**
 * The worker backend in float32 against the scalar backend in float64 (the oracle), on random
 * inputs at sizes that exercise its tiling: several tiles per op, reductions past one block of
 * the GEMM driver, remainder rows and partial panels, strides, dilations and padding. Forward
 * values and VJPs agree within `|got - ref| <= 1e-5 * mag + 1e-6`, where `mag` is the same
 * computation on the absolute values of the inputs.
 * @module
 */

import { abs, avgPool2d, conv2d, matmul, maxPool2d, tensor } from "../../core/mod.ts";
import type { PaddingSpec2d } from "../../core/padding.ts";
import type { Tensor } from "../../core/tensor.ts";
import { scalarBackend } from "../scalar/mod.ts";
import { assertEquals, AssertionError } from "../../tests/assert.ts";
import { fc, fcParams } from "../../tests/fc.ts";
import { createWorkerBackend, liveWorkerCount } from "./mod.ts";

const worker = createWorkerBackend({ threads: 2, inlineWork: 0, minTileWork: 1 });

interface Host {
  readonly shape: number[];
  readonly values: number[];
}

const hostArb = (shape: number[], unique = false): fc.Arbitrary<Host> => {
  const n = shape.reduce((a, b) => a * b, 1);
  const ints = unique
    ? fc.uniqueArray(fc.integer({ min: -100000, max: 100000 }), { minLength: n, maxLength: n })
    : fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n });
  return ints.map((v) => ({ shape, values: v.map((i) => Math.fround(i / (unique ? 1e5 : 1e3))) }));
};

/**
 * Runs `f` on float32 worker tensors and float64 scalar tensors, and on the absolute values of
 * the inputs marked in `absOf` for the magnitudes, then compares every output.
 */
async function expectAgree(
  name: string,
  hosts: readonly Host[],
  f: (...xs: Tensor[]) => (Tensor | undefined)[],
  absOf: readonly boolean[] = hosts.map(() => true),
): Promise<void> {
  const on = (b: typeof worker | typeof scalarBackend, dtype: "float32" | "float64") =>
    hosts.map((h) => tensor(h.values, { shape: h.shape, dtype, backend: b }));
  const run = (xs: Tensor[]) => Promise.all(f(...xs).map((t) => t!.data()));
  const got = await run(on(worker, "float32"));
  const refIn = on(scalarBackend, "float64");
  const ref = await run(refIn);
  const mag = await run(refIn.map((t, i) => (absOf[i] ? abs(t) : t)));
  got.forEach((g, o) => {
    assertEquals(g.length, ref[o].length, `${name}: output ${o} length`);
    for (let i = 0; i < g.length; i++) {
      const bound = 1e-5 * Math.abs(mag[o][i]) + 1e-6;
      if (!(Math.abs(g[i] - ref[o][i]) <= bound)) {
        throw new AssertionError(
          `${name}: output ${o}, element ${i}: float32 ${g[i]} vs float64 ${ref[o][i]} ` +
            `(|diff| ${Math.abs(g[i] - ref[o][i])} > ${bound})`,
        );
      }
    }
  });
}

const convCaseArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 13 }),
  w: fc.integer({ min: 1, max: 13 }),
  cIn: fc.integer({ min: 1, max: 24 }),
  cOut: fc.integer({ min: 1, max: 37 }),
  kh: fc.integer({ min: 1, max: 5 }),
  kw: fc.integer({ min: 1, max: 5 }),
  stride: fc.integer({ min: 1, max: 3 }),
  dilation: fc.integer({ min: 1, max: 2 }),
  padding: fc.constantFrom<PaddingSpec2d>("valid", "same", 1, [[2, 0], [0, 1]]),
}).filter((c) =>
  (c.kh - 1) * c.dilation + 1 <= c.h + 2 && (c.kw - 1) * c.dilation + 1 <= c.w + 2 &&
  (c.padding !== "valid" ||
    ((c.kh - 1) * c.dilation + 1 <= c.h && (c.kw - 1) * c.dilation + 1 <= c.w))
);

Deno.test("worker conv2d and its VJP agree with the float64 scalar backend", async () => {
  const arb = convCaseArb.chain((c) =>
    fc.tuple(
      fc.constant(c),
      hostArb([c.n, c.h, c.w, c.cIn]),
      hostArb([c.kh, c.kw, c.cIn, c.cOut]),
      fc.integer({ min: 0, max: 2 ** 30 }),
    )
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([c, x, w, seed]) => {
      const opts = { stride: c.stride, dilation: c.dilation, padding: c.padding };
      const yShape = conv2d(
        tensor(x.values, { shape: x.shape, backend: scalarBackend }),
        tensor(w.values, { shape: w.shape, backend: scalarBackend }),
        opts,
      ).shape;
      const dy = fc.sample(hostArb([...yShape]), { numRuns: 1, seed })[0];
      await expectAgree(`conv2d ${JSON.stringify(c)}`, [x, w, dy], (xt, wt, dyt) => {
        const [y, vjp] = conv2d.vjp(xt, wt, opts);
        const [dx, dw] = vjp(dyt);
        return [y, dx, dw];
      });
    }),
    fcParams(12),
  );
});

Deno.test("worker conv2d agrees at VGG-like and LeNet-like sizes (blocked reductions)", async () => {
  const cases = [
    { x: [1, 14, 14, 64], w: [3, 3, 64, 24], padding: "same" as const }, // K = 576 > one block
    { x: [4, 12, 12, 20], w: [5, 5, 20, 50], padding: "valid" as const }, // 50: partial panel
    { x: [5, 28, 28, 1], w: [5, 5, 1, 20], padding: "valid" as const }, // many taps of 5
  ];
  for (const [i, c] of cases.entries()) {
    const [x, w] = fc.sample(fc.tuple(hostArb(c.x), hostArb(c.w)), { numRuns: 1, seed: i })[0];
    const yShape = [c.x[0], 0, 0, c.w[3]];
    const probe = conv2d(
      tensor(x.values, { shape: x.shape, backend: scalarBackend }),
      tensor(w.values, { shape: w.shape, backend: scalarBackend }),
      { padding: c.padding },
    );
    yShape[1] = probe.shape[1];
    yShape[2] = probe.shape[2];
    const dy = fc.sample(hostArb(yShape), { numRuns: 1, seed: i + 10 })[0];
    await expectAgree(`conv2d ${JSON.stringify(c)}`, [x, w, dy], (xt, wt, dyt) => {
      const [y, vjp] = conv2d.vjp(xt, wt, { padding: c.padding });
      const [dx, dw] = vjp(dyt);
      return [y, dx, dw];
    });
  }
});

Deno.test("worker matmul and its VJP agree, with transposes and batches", async () => {
  const arb = fc.record({
    batch: fc.constantFrom([], [2], [3]),
    m: fc.integer({ min: 1, max: 70 }),
    k: fc.integer({ min: 1, max: 600 }),
    n: fc.integer({ min: 1, max: 45 }),
    transposeA: fc.boolean(),
    transposeB: fc.boolean(),
  }).chain((c) =>
    fc.tuple(
      fc.constant(c),
      hostArb([...c.batch, ...(c.transposeA ? [c.k, c.m] : [c.m, c.k])]),
      hostArb(c.transposeB ? [c.n, c.k] : [c.k, c.n]),
      hostArb([...c.batch, c.m, c.n]),
    )
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([c, a, b, dy]) => {
      const opts = { transposeA: c.transposeA, transposeB: c.transposeB };
      await expectAgree(`matmul ${JSON.stringify(c)}`, [a, b, dy], (at, bt, dyt) => {
        const [y, vjp] = matmul.vjp(at, bt, opts);
        return [y, ...vjp(dyt)];
      });
    }),
    fcParams(15),
  );
});

Deno.test("worker max and average pooling and their VJPs agree", async () => {
  const arb = fc.record({
    n: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 2, max: 24 }),
    w: fc.integer({ min: 2, max: 24 }),
    c: fc.integer({ min: 1, max: 20 }),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 3 }),
    padding: fc.constantFrom<PaddingSpec2d>("valid", "same"),
  }).filter((c) => c.padding === "same" || (c.k <= c.h && c.k <= c.w))
    .chain((c) => fc.tuple(fc.constant(c), hostArb([c.n, c.h, c.w, c.c], true)));
  await fc.assert(
    fc.asyncProperty(arb, async ([c, x]) => {
      const opts = { stride: c.stride, padding: c.padding };
      const y = maxPool2d(tensor(x.values, { shape: x.shape, backend: scalarBackend }), c.k, opts);
      const dy = fc.sample(hostArb([...y.shape]), { numRuns: 1, seed: c.h * 31 + c.w })[0];
      // Max pooling routes by x, so its magnitudes keep x and take |dy|.
      await expectAgree(`maxPool2d ${JSON.stringify(c)}`, [x, dy], (xt, dyt) => {
        const [y, vjp] = maxPool2d.vjp(xt, c.k, opts);
        return [y, ...vjp(dyt)];
      }, [false, true]);
      await expectAgree(`avgPool2d ${JSON.stringify(c)}`, [x, dy], (xt, dyt) => {
        const [y, vjp] = avgPool2d.vjp(xt, c.k, opts);
        return [y, ...vjp(dyt)];
      });
    }),
    fcParams(15),
  );
});

Deno.test("worker backend: the agreement tests leave no live worker", () => {
  worker.close();
  assertEquals(liveWorkerCount(), 0);
});
