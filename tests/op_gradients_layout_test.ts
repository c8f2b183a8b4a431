/**
 * Generated gradient properties of the ops that move data: reshape, flatten, transpose, slice,
 * pad and concat. Each is linear (pad affine), so finite differences with a step of 1 are exact.
 * @module
 */

import { concat, flatten, pad, reshape, slice, transpose } from "../core/ops/mod.ts";
import type { Tensor } from "../core/tensor.ts";
import { fcParams } from "./fc.ts";
import { expectGrads, fc, hostArb, shapeArb, sizeOf } from "./_generators.ts";

const linear = [true];

Deno.test("reshape() to a regrouped shape (with or without -1) has a correct VJP", async () => {
  // The new shape is a permutation of the old sizes with some neighbours merged: same size.
  const arb = shapeArb(0, 4).chain((s) =>
    fc.tuple(
      hostArb(s),
      fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length }),
      fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
      fc.option(fc.nat(), { nil: undefined }),
    )
  ).map(([x, perm, merge, inferAt]) => {
    const shape: number[] = [];
    perm.forEach((d, i) => {
      if (i > 0 && merge[i]) shape[shape.length - 1] *= d;
      else shape.push(d);
    });
    if (inferAt !== undefined && shape.length > 0) shape[inferAt % shape.length] = -1;
    return [x, shape] as const;
  });
  await fc.assert(
    fc.asyncProperty(arb, async ([x, shape]) => {
      await expectGrads((x) => reshape.vjp(x, shape), [x], { linear });
    }),
    fcParams(80),
  );
});

Deno.test("flatten() of any axis range has a correct VJP", async () => {
  const arb = shapeArb(1, 4).chain((s) => {
    const r = s.length;
    return fc.tuple(
      hostArb(s),
      fc.integer({ min: 0, max: r - 1 }).chain((start) =>
        fc.tuple(fc.constant(start), fc.integer({ min: start, max: r - 1 }), fc.boolean())
      ).map(([start, end, negative]) => ({
        startAxis: negative ? start - r : start,
        endAxis: negative ? end - r : end,
      })),
    );
  });
  await fc.assert(
    fc.asyncProperty(arb, async ([x, options]) => {
      await expectGrads((x) => flatten.vjp(x, options), [x], { linear });
    }),
    fcParams(80),
  );
});

Deno.test("transpose() with any permutation (or the default reversal) has a correct VJP", async () => {
  const arb = shapeArb(0, 4).chain((s) =>
    fc.tuple(
      hostArb(s),
      fc.option(
        fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }),
        { nil: undefined },
      ),
    )
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([x, perm]) => {
      await expectGrads((x) => transpose.vjp(x, perm), [x], { linear });
    }),
    fcParams(80),
  );
});

Deno.test("slice() with any begin and size (some -1 or negative) has a correct VJP", async () => {
  const arb = shapeArb(1, 4, 4).chain((s) =>
    fc.tuple(
      hostArb(s),
      fc.tuple(...s.map((d) =>
        fc.integer({ min: 0, max: d - 1 }).chain((b) =>
          fc.tuple(
            fc.constantFrom(b, b - d), // begin, also counted from the end
            fc.oneof(fc.integer({ min: 1, max: d - b }), fc.constant(-1)), // -1: to the end
          )
        )
      )),
    )
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([x, axes]) => {
      const begin = axes.map((a) => a[0]);
      const size = axes.map((a) => a[1]);
      await expectGrads((x) => slice.vjp(x, begin, size), [x], { linear });
    }),
    fcParams(80),
  );
});

Deno.test("pad() with any paddings and fill value has a correct VJP", async () => {
  const arb = shapeArb(0, 3).chain((s) =>
    fc.tuple(
      hostArb(s),
      fc.tuple(...s.map(() => fc.tuple(fc.nat(2), fc.nat(2)))),
      fc.integer({ min: -2, max: 2 }),
    )
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([x, paddings, value]) => {
      await expectGrads((x) => pad.vjp(x, paddings, { value }), [x], { linear });
    }),
    fcParams(80),
  );
});

Deno.test("concat() of 1 to 3 tensors along any axis has a VJP per input", async () => {
  const arb = shapeArb(1, 3).chain((s) =>
    fc.tuple(
      fc.integer({ min: -s.length, max: s.length - 1 }),
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
    ).chain(([axis, sizes]) => {
      const a = axis < 0 ? axis + s.length : axis;
      const shapes = sizes.map((n) => s.map((d, i) => (i === a ? n : d)));
      return fc.tuple(fc.constant(axis), fc.tuple(...shapes.map((sh) => hostArb(sh))));
    })
  ).filter(([, xs]) => xs.reduce((n, x) => n + sizeOf(x.shape), 0) <= 60);
  await fc.assert(
    fc.asyncProperty(arb, async ([axis, xs]) => {
      await expectGrads((...ts: Tensor[]) => concat.vjp(ts, { axis }), xs, {
        linear: xs.map(() => true),
      });
    }),
    fcParams(80),
  );
});
