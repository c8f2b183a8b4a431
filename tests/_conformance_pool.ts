/**
 * Conformance of the pooling primitives: pool2d (max and average), maxPool2dBackward and
 * avgPool2dBackward. Max-pool inputs hold distinct values spaced 1/1000 apart, so no window has a
 * tie (ties are pinned by the example tests in `_conformance_conventions.ts`).
 * @module
 */

import type { DType } from "../core/dtype.ts";
import type { Pool2dGeometry } from "../core/primitives.ts";
import * as R from "./reference.ts";
import {
  dtypeSteps,
  expectClose,
  expectExact,
  fc,
  FLOATS,
  type HostTensor,
  padding2d,
  poolAxisArb,
  ref,
  refAbs,
  runKernel,
  type Suite,
  tensorArb,
  uniqueTensorArb,
} from "./conformance_test_helpers.ts";

/** A pooling case: geometry, input `x` (distinct values), output cotangent `dy`, `countPadded`. */
interface PoolCase {
  readonly geo: Pool2dGeometry;
  readonly countPadded: boolean;
  readonly x: HostTensor;
  readonly dy: HostTensor;
}

function poolCaseArb(dtype: DType): fc.Arbitrary<PoolCase> {
  return fc.record({
    h: poolAxisArb,
    w: poolAxisArb,
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 4 }),
    countPadded: fc.boolean(),
  }).chain((g) =>
    fc.tuple(
      uniqueTensorArb([g.n, g.h.n, g.w.n, g.c], dtype),
      tensorArb([g.n, g.h.out, g.w.out, g.c], dtype),
    ).map(([x, dy]) => ({
      geo: { window: [g.h.k, g.w.k], stride: [g.h.s, g.w.s], padding: padding2d(g.h, g.w) },
      countPadded: g.countPadded,
      x,
      dy,
    }))
  );
}

/** Registers the pooling conformance tests. */
export function registerPool<H>(suite: Suite<H>): void {
  const { backend, params } = suite;
  const name = backend.name;
  const k = backend.kernels;

  Deno.test(`${name} backend: pool2d max and avg match the window-loop reference`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      const arb = fc.tuple(poolCaseArb(dtype), fc.constantFrom("max" as const, "avg" as const));
      await fc.assert(
        fc.asyncProperty(arb, async ([c, op]) => {
          const attrs = { ...c.geo, op, countPadded: c.countPadded };
          const out = { shape: c.dy.shape, dtype };
          const got = await runKernel(backend, [c.x], out, ([x]) => k.pool2d([x], attrs, out));
          const want = R.pool2d([ref(c.x)], attrs, out.shape);
          const context = { ...attrs, x: c.x.shape };
          if (op === "max") expectExact(got, want, dtype, context);
          else expectClose(got, want, R.pool2d([refAbs(c.x)], attrs, out.shape), dtype, context);
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: maxPool2dBackward routes each dy to its window's max`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      await fc.assert(
        fc.asyncProperty(poolCaseArb(dtype), async (c) => {
          const out = { shape: c.x.shape, dtype };
          const got = await runKernel(
            backend,
            [c.x, c.dy],
            out,
            ([x, dy]) => k.maxPool2dBackward([x, dy], c.geo, out),
          );
          const want = R.maxPool2dBackward([ref(c.x), ref(c.dy)], c.geo, out.shape);
          const mag = R.maxPool2dBackward([ref(c.x), refAbs(c.dy)], c.geo, out.shape);
          expectClose(got, want, mag, dtype, { ...c.geo, x: c.x.shape });
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: avgPool2dBackward spreads dy over the real cells`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      await fc.assert(
        fc.asyncProperty(poolCaseArb(dtype), async (c) => {
          const attrs = { ...c.geo, countPadded: c.countPadded };
          const out = { shape: c.x.shape, dtype };
          const got = await runKernel(
            backend,
            [c.dy],
            out,
            ([dy]) => k.avgPool2dBackward([dy], attrs, out),
          );
          const want = R.avgPool2dBackward([ref(c.dy)], attrs, out.shape);
          const mag = R.avgPool2dBackward([refAbs(c.dy)], attrs, out.shape);
          expectClose(got, want, mag, dtype, { ...attrs, x: c.x.shape });
        }),
        params,
      );
    });
  });
}
