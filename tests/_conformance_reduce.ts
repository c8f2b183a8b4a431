/**
 * Conformance of the reductions and the matrix product: reduce, argReduce, matmul.
 * @module
 */

import * as R from "./reference.ts";
import {
  ALL,
  dtypeSteps,
  expectClose,
  expectExact,
  fc,
  FLOATS,
  ref,
  refAbs,
  runKernel,
  shapeArb,
  type Suite,
  tensorArb,
} from "./conformance_test_helpers.ts";

/** Sorted distinct non-empty axes of a rank-`rank` shape: all of them, one, or any subset. */
function axesArb(rank: number): fc.Arbitrary<number[]> {
  const all = Array.from({ length: rank }, (_, i) => i);
  return fc.oneof(
    fc.constant(all),
    fc.integer({ min: 0, max: rank - 1 }).map((a) => [a]),
    fc.subarray(all, { minLength: 1 }),
  );
}

/** Registers the reduction and matmul conformance tests. */
export function registerReduce<H>(suite: Suite<H>): void {
  const { backend, params } = suite;
  const name = backend.name;

  Deno.test(`${name} backend: reduce sums, maxes and mins over any axes`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const arb = fc.record({
        op: fc.constantFrom("sum" as const, "max" as const, "min" as const),
        shape: shapeArb(1, 4, 5),
      }).chain(({ op, shape }) =>
        fc.tuple(axesArb(shape.length), tensorArb(shape, dtype)).map(([axes, x]) => ({
          op,
          axes,
          x,
        }))
      );
      await fc.assert(
        fc.asyncProperty(arb, async ({ op, axes, x }) => {
          const attrs = { op, axes };
          const outShape = x.shape.filter((_, a) => !axes.includes(a));
          const out = { shape: outShape, dtype };
          const got = await runKernel(
            backend,
            [x],
            out,
            ([a]) => backend.kernels.reduce([a], attrs, out),
          );
          const want = R.reduce([ref(x)], attrs, outShape);
          const context = { op, axes, shape: x.shape };
          if (op === "sum") {
            expectClose(got, want, R.reduce([refAbs(x)], attrs, outShape), dtype, context);
          } else {
            expectExact(got, want, dtype, context);
          }
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: argReduce returns the first index of the max or min`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const values = fc.integer({ min: -3, max: 3 }).map((i) => (dtype === "int32" ? i : i / 4));
      const arb = fc.record({
        op: fc.constantFrom("argmax" as const, "argmin" as const),
        shape: shapeArb(1, 4, 5),
      }).chain(({ op, shape }) =>
        fc.tuple(fc.integer({ min: 0, max: shape.length - 1 }), tensorArb(shape, dtype, values))
          .map(([axis, x]) => ({ op, axis, x }))
      );
      await fc.assert(
        fc.asyncProperty(arb, async ({ op, axis, x }) => {
          const attrs = { op, axis };
          const out = { shape: x.shape.filter((_, a) => a !== axis), dtype: "int32" as const };
          const got = await runKernel(
            backend,
            [x],
            out,
            ([a]) => backend.kernels.argReduce([a], attrs, out),
          );
          const want = R.argReduce([ref(x)], attrs, out.shape);
          expectExact(got, want, "int32", { op, axis, shape: x.shape });
        }),
        params,
      );
    }, ["int32"]);
  });

  Deno.test(`${name} backend: matmul handles transposes and batch broadcasting`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      const dim = fc.integer({ min: 1, max: 5 });
      const arb = fc.record({
        batches: fc.constantFrom([1, 1], [1, 2], [2, 1], [2, 2], [3, 1], [1, 3]),
        m: dim,
        k: dim,
        n: dim,
        transposeA: fc.boolean(),
        transposeB: fc.boolean(),
      }).chain((g) => {
        const [ba, bb] = g.batches;
        const sa = g.transposeA ? [ba, g.k, g.m] : [ba, g.m, g.k];
        const sb = g.transposeB ? [bb, g.n, g.k] : [bb, g.k, g.n];
        return fc.tuple(tensorArb(sa, dtype), tensorArb(sb, dtype)).map(([a, b]) => ({ g, a, b }));
      });
      await fc.assert(
        fc.asyncProperty(arb, async ({ g, a, b }) => {
          const attrs = { transposeA: g.transposeA, transposeB: g.transposeB };
          const out = { shape: [Math.max(...g.batches), g.m, g.n], dtype };
          const got = await runKernel(
            backend,
            [a, b],
            out,
            ([x, y]) => backend.kernels.matmul([x, y], attrs, out),
          );
          const want = R.matmul([ref(a), ref(b)], attrs, out.shape);
          const mag = R.matmul([refAbs(a), refAbs(b)], attrs, out.shape);
          expectClose(got, want, mag, dtype, { ...attrs, a: a.shape, b: b.shape });
        }),
        params,
      );
    });
  });
}
