/**
 * Generated gradient properties of the reductions, softmax, logSoftmax and matmul: in float64 on
 * the scalar backend, each VJP matches central finite differences and satisfies the dot-product
 * identity (`checkGrads`).
 * @module
 */

import { logSoftmax, matmul, max, mean, min, softmax, sum } from "../core/ops/mod.ts";
import type { DiffOp } from "../core/op.ts";
import type { ReduceOptions } from "../core/ops/reduce.ts";
import type { Tensor } from "../core/tensor.ts";
import { fcParams } from "./fc.ts";
import {
  expectGrads,
  fc,
  hostArb,
  matmulCaseArb,
  reduceOptionsArb,
  shapeArb,
  type ValueKind,
} from "./_generators.ts";

const reductions: [DiffOp<[x: Tensor, options?: ReduceOptions], [Tensor]>, ValueKind, boolean][] = [
  [sum, "grid", true],
  [mean, "grid", true],
  // distinct values: no ties, so the extremum is unique and differentiable
  [max, "unique", false],
  [min, "unique", false],
];

for (const [op, kind, linear] of reductions) {
  Deno.test(`${op.opName}() over any axes, with and without keepDims, has a correct VJP`, async () => {
    const arb = shapeArb(0, 4).chain((s) => fc.tuple(hostArb(s, kind), reduceOptionsArb(s.length)));
    await fc.assert(
      fc.asyncProperty(arb, async ([x, options]) => {
        await expectGrads((x) => op.vjp(x, options), [x], { linear: [linear] });
      }),
      fcParams(100),
    );
  });
}

for (const op of [softmax, logSoftmax]) {
  Deno.test(`${op.opName}() along any axis has a VJP matching finite differences`, async () => {
    const arb = shapeArb(1, 3, 4).chain((s) =>
      fc.tuple(
        hostArb(s, "wide"),
        fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }),
      )
    );
    await fc.assert(
      fc.asyncProperty(arb, async ([x, axis]) => {
        await expectGrads((x) => op.vjp(x, axis === undefined ? {} : { axis }), [x]);
      }),
      fcParams(100),
    );
  });
}

Deno.test("matmul() with transpose flags and batch broadcasting has correct VJPs", async () => {
  const arb = matmulCaseArb().chain((c) =>
    fc.tuple(hostArb(c.aShape), hostArb(c.bShape), fc.constant(c.options))
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([a, b, options]) => {
      await expectGrads((a, b) => matmul.vjp(a, b, options), [a, b], { linear: [true, true] });
    }),
    fcParams(80),
  );
});
