/**
 * Generated gradient properties of the convolutions and im2col over valid geometries (sizes
 * including 1, stride larger than the kernel, dilation 1..3, asymmetric explicit padding, "same"
 * with stride > 1): in float64 on the scalar backend, each VJP matches finite differences (exact
 * with a step of 1: every op here is linear in each argument) and the dot-product identity.
 * @module
 */

import { conv1d, conv2d, conv2dTranspose, im2col } from "../core/ops/mod.ts";
import { fcParams } from "./fc.ts";
import { conv1dCaseArb, conv2dCaseArb, expectGrads, fc, hostArb } from "./_generators.ts";

Deno.test("conv2d() without bias has correct VJPs for x and w", async () => {
  const arb = conv2dCaseArb().chain((c) =>
    fc.tuple(fc.constant(c), hostArb(c.xShape), hostArb(c.wShape))
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([c, x, w]) => {
      await expectGrads((x, w) => conv2d.vjp(x, w, c.options), [x, w], { linear: [true, true] });
    }),
    fcParams(40),
  );
});

Deno.test("conv2d() with a bias has correct VJPs for x, w and the bias", async () => {
  const arb = conv2dCaseArb().chain((c) =>
    fc.tuple(fc.constant(c), hostArb(c.xShape), hostArb(c.wShape), hostArb([c.wShape[3]]))
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([c, x, w, b]) => {
      await expectGrads(
        (x, w, bias) => conv2d.vjp(x, w, { ...c.options, bias }),
        [x, w, b],
        { linear: [true, true, true] },
      );
    }),
    fcParams(30),
  );
});

Deno.test("conv2dTranspose() has correct VJPs for dy and w", async () => {
  const arb = conv2dCaseArb().chain((c) =>
    fc.tuple(fc.constant(c), hostArb(c.outShape), hostArb(c.wShape))
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([c, dy, w]) => {
      await expectGrads(
        (dy, w) => conv2dTranspose.vjp(dy, w, c.xShape, c.options),
        [dy, w],
        { linear: [true, true] },
      );
    }),
    fcParams(30),
  );
});

Deno.test("conv1d() with and without a bias has correct VJPs", async () => {
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
      if (b === undefined) {
        await expectGrads((x, w) => conv1d.vjp(x, w, c.options), [x, w], {
          linear: [true, true],
        });
      } else {
        await expectGrads((x, w, bias) => conv1d.vjp(x, w, { ...c.options, bias }), [x, w, b], {
          linear: [true, true, true],
        });
      }
    }),
    fcParams(40),
  );
});

Deno.test("im2col() has a VJP (col2im) matching finite differences", async () => {
  const arb = conv2dCaseArb().chain((c) => fc.tuple(fc.constant(c), hostArb(c.xShape)));
  await fc.assert(
    fc.asyncProperty(arb, async ([c, x]) => {
      const filter = [c.wShape[0], c.wShape[1]] as [number, number];
      await expectGrads((x) => im2col.vjp(x, filter, c.options), [x], { linear: [true] });
    }),
    fcParams(40),
  );
});
