/**
 * Generated gradient properties of the elementwise ops (binary with broadcasting, where,
 * broadcastTo, cast, unary): in float64 on the scalar backend, each VJP matches central finite
 * differences and satisfies the dot-product identity (`checkGrads`).
 * @module
 */

import {
  abs,
  add,
  broadcastTo,
  cast,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  reciprocal,
  relu,
  sigmoid,
  sign,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from "../core/ops/mod.ts";
import type { Tensor } from "../core/tensor.ts";
import type { DiffOp } from "../core/op.ts";
import { fcParams } from "./fc.ts";
import {
  broadcastableArb,
  broadcastShapesArb,
  expectGrads,
  fc,
  hostArb,
  shapeArb,
  sizeOf,
  t,
  type ValueKind,
} from "./_generators.ts";

type Binary = DiffOp<[a: Tensor | number, b: Tensor | number], [Tensor, Tensor]>;

const binaries: [Binary, ValueKind, ValueKind, [boolean, boolean], number][] = [
  [add, "grid", "grid", [true, true], 80],
  [sub, "grid", "grid", [true, true], 80],
  [mul, "grid", "grid", [true, true], 80],
  [div, "grid", "awayFromZero", [true, false], 80],
  [pow, "positive", "wide", [false, false], 80],
  // even and odd thousandths never tie, so the kink of maximum/minimum is never hit
  [maximum, "even", "odd", [false, false], 80],
  [minimum, "odd", "even", [false, false], 80],
];

for (const [op, ka, kb, linear, runs] of binaries) {
  Deno.test(`${op.opName}() with broadcasting has VJPs matching finite differences`, async () => {
    const arb = broadcastShapesArb(2).chain(([sa, sb]) =>
      fc.tuple(hostArb(sa, ka), hostArb(sb, kb))
    );
    await fc.assert(
      fc.asyncProperty(arb, async ([a, b]) => {
        await expectGrads((a, b) => op.vjp(a, b), [a, b], { linear });
      }),
      fcParams(runs),
    );
  });
}

Deno.test("binary ops with a number operand give the tensor's gradient", async () => {
  const arb = shapeArb(0, 3).chain((s) => hostArb(s, "positive"));
  // a positive number (pow's base) on half-thousandths, so it never ties with a grid value
  await fc.assert(
    fc.asyncProperty(arb, fc.integer({ min: 100, max: 2000 }), async (a, k) => {
      for (const op of [add, sub, mul, div, pow, maximum, minimum]) {
        await expectGrads((a) => {
          const [y, back] = op.vjp(a, k / 1000 + 0.0005);
          return [y, (dy: Tensor) => [back(dy)[0]]];
        }, [a]);
        await expectGrads((a) => {
          const [y, back] = op.vjp(k / 1000 + 0.0005, a);
          return [y, (dy: Tensor) => [back(dy)[1]]];
        }, [a]);
      }
    }),
    fcParams(10),
  );
});

Deno.test("where() has VJPs matching finite differences in both branches", async () => {
  const arb = broadcastShapesArb(3).chain(([sc, sa, sb]) =>
    fc.tuple(
      fc.array(fc.constantFrom(0, 1), { minLength: sizeOf(sc), maxLength: sizeOf(sc) })
        .map((values) => ({ shape: sc, values })),
      hostArb(sa),
      hostArb(sb),
    )
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([c, a, b]) => {
      const cond = t(c);
      await expectGrads((a, b) => where.vjp(cond, a, b), [a, b], { linear: [true, true] });
    }),
    fcParams(60),
  );
});

Deno.test("broadcastTo() has a VJP matching finite differences", async () => {
  const arb = shapeArb(0, 3).chain((target) =>
    broadcastableArb(target).chain((s) => fc.tuple(hostArb(s), fc.constant(target)))
  );
  await fc.assert(
    fc.asyncProperty(arb, async ([x, target]) => {
      await expectGrads((x) => broadcastTo.vjp(x, target), [x], { linear: [true] });
    }),
    fcParams(60),
  );
});

Deno.test("cast() from float64 to float64 has the identity VJP", async () => {
  const arb = shapeArb(0, 3).chain((s) => hostArb(s));
  await fc.assert(
    fc.asyncProperty(arb, async (x) => {
      await expectGrads((x) => cast.vjp(x, "float64"), [x], { linear: [true] });
    }),
    fcParams(10),
  );
});

const unaries: [DiffOp<[x: Tensor], [Tensor]>, ValueKind, boolean][] = [
  [neg, "grid", true],
  [abs, "nonzero", false],
  [exp, "wide", false],
  [log, "positive", false],
  [sqrt, "positive", false],
  [square, "wide", false],
  [reciprocal, "awayFromZero", false],
  [relu, "nonzero", false],
  [sigmoid, "wide", false],
  [tanh, "wide", false],
  [sign, "nonzero", false],
];

for (const [op, kind, linear] of unaries) {
  Deno.test(`${op.opName}() has a VJP matching finite differences`, async () => {
    const arb = shapeArb(0, 4).chain((s) => hostArb(s, kind));
    await fc.assert(
      fc.asyncProperty(arb, async (x) => {
        await expectGrads((x) => op.vjp(x), [x], { linear: [linear] });
      }),
      fcParams(60),
    );
  });
}
