/**
 * Conformance of the layout primitives: transpose, slice, pad, concat. All are exact in every
 * dtype.
 * @module
 */

import * as R from "./reference.ts";
import {
  ALL,
  dtypeSteps,
  expectExact,
  fc,
  type HostTensor,
  ref,
  runKernel,
  shapeArb,
  type Suite,
  tensorArb,
  valueArb,
} from "./conformance_test_helpers.ts";

/** Registers the layout conformance tests. */
export function registerLayout<H>(suite: Suite<H>): void {
  const { backend, params } = suite;
  const name = backend.name;
  const k = backend.kernels;

  Deno.test(`${name} backend: transpose permutes axes`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const arb = shapeArb(0, 5, 4).chain((shape) => {
        const axes = shape.map((_, i) => i);
        return fc.tuple(
          fc.shuffledSubarray(axes, { minLength: axes.length, maxLength: axes.length }),
          tensorArb(shape, dtype),
        );
      });
      await fc.assert(
        fc.asyncProperty(arb, async ([perm, x]) => {
          const out = { shape: perm.map((a) => x.shape[a]), dtype };
          const got = await runKernel(backend, [x], out, ([a]) => k.transpose([a], { perm }, out));
          expectExact(got, R.transpose([ref(x)], { perm }, out.shape), dtype, { perm, x: x.shape });
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: slice takes a contiguous block`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const arb = shapeArb(1, 4, 6).chain((shape) =>
        fc.tuple(
          fc.tuple(...shape.map((n) =>
            fc.integer({ min: 0, max: n - 1 }).chain((b) =>
              fc.integer({ min: 1, max: n - b }).map((size) => [b, size] as const)
            )
          )),
          tensorArb(shape, dtype),
        )
      );
      await fc.assert(
        fc.asyncProperty(arb, async ([blocks, x]) => {
          const begin = blocks.map(([b]) => b);
          const out = { shape: blocks.map(([, size]) => size), dtype };
          const got = await runKernel(backend, [x], out, ([a]) => k.slice([a], { begin }, out));
          const want = R.slice([ref(x)], { begin }, out.shape);
          expectExact(got, want, dtype, { begin, size: out.shape, x: x.shape });
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: pad surrounds the input with a constant`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const side = fc.integer({ min: 0, max: 2 });
      const arb = shapeArb(0, 4, 4).chain((shape) =>
        fc.tuple(
          fc.array(fc.tuple(side, side), { minLength: shape.length, maxLength: shape.length }),
          valueArb(dtype),
          tensorArb(shape, dtype),
        )
      );
      await fc.assert(
        fc.asyncProperty(arb, async ([paddings, value, x]) => {
          const attrs = { paddings, value };
          const out = { shape: x.shape.map((n, i) => n + paddings[i][0] + paddings[i][1]), dtype };
          const got = await runKernel(backend, [x], out, ([a]) => k.pad([a], attrs, out));
          expectExact(got, R.pad([ref(x)], attrs, out.shape), dtype, { ...attrs, x: x.shape });
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: concat joins one to four inputs along any axis`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const arb = shapeArb(1, 4, 4).chain((shape) =>
        fc.integer({ min: 0, max: shape.length - 1 }).chain((axis) =>
          fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((sizes) =>
            fc.tuple(
              ...sizes.map((s) => tensorArb(shape.map((n, i) => (i === axis ? s : n)), dtype)),
            )
              .map((xs): [number, HostTensor[]] => [axis, xs])
          )
        )
      );
      await fc.assert(
        fc.asyncProperty(arb, async ([axis, xs]) => {
          const shape = [...xs[0].shape];
          shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
          const out = { shape, dtype };
          const got = await runKernel(backend, xs, out, (ins) => k.concat(ins, { axis }, out));
          const want = R.concat(xs.map(ref), { axis }, shape);
          expectExact(got, want, dtype, { axis, shapes: xs.map((x) => x.shape) });
        }),
        params,
      );
    });
  });
}
