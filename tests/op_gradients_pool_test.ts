/**
 * Generated gradient properties of the pools over valid geometries (every window holds a real
 * cell): in float64 on the scalar backend, each VJP matches central finite differences and the
 * dot-product identity. Max pools get distinct values, so no window has a tie.
 * @module
 */

import {
  avgPool2d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
  maxPool2d,
} from "../core/ops/mod.ts";
import { fcParams } from "./fc.ts";
import { expectGrads, fc, hostArb, pool2dCaseArb, shapeArb } from "./_generators.ts";

Deno.test("maxPool2d() with distinct values has a VJP matching finite differences", async () => {
  const arb = pool2dCaseArb().chain((c) => fc.tuple(fc.constant(c), hostArb(c.xShape, "unique")));
  await fc.assert(
    fc.asyncProperty(arb, async ([c, x]) => {
      await expectGrads((x) => maxPool2d.vjp(x, c.window, c.options), [x]);
    }),
    fcParams(100),
  );
});

for (const countPadded of [false, true]) {
  Deno.test(`avgPool2d() with countPadded ${countPadded} has a correct VJP`, async () => {
    const arb = pool2dCaseArb().chain((c) => fc.tuple(fc.constant(c), hostArb(c.xShape)));
    await fc.assert(
      fc.asyncProperty(arb, async ([c, x]) => {
        await expectGrads(
          (x) => avgPool2d.vjp(x, c.window, { ...c.options, countPadded }),
          [x],
          { linear: [true] },
        );
      }),
      fcParams(80),
    );
  });
}

Deno.test("globalMaxPool2d() and globalAvgPool2d() have correct VJPs", async () => {
  const arb = shapeArb(4, 4).chain((s) => fc.tuple(hostArb(s, "unique"), hostArb(s)));
  await fc.assert(
    fc.asyncProperty(arb, async ([u, x]) => {
      await expectGrads((x) => globalMaxPool2d.vjp(x), [u]);
      await expectGrads((x) => globalAvgPool2d.vjp(x), [x], { linear: [true] });
    }),
    fcParams(80),
  );
});

Deno.test("globalMaxPool1d() has a correct VJP", async () => {
  const arb = shapeArb(3, 3, 4).chain((s) => hostArb(s, "unique"));
  await fc.assert(
    fc.asyncProperty(arb, async (x) => {
      await expectGrads((x) => globalMaxPool1d.vjp(x), [x]);
    }),
    fcParams(80),
  );
});
