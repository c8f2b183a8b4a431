/**
 * Conformance of the elementwise primitives: unary, binary, where, broadcastTo, cast, oneHot.
 * @module
 */

import type { DType } from "../core/dtype.ts";
import type { BinaryOp, UnaryOp } from "../core/primitives.ts";
import * as R from "./reference.ts";
import {
  ALL,
  broadcastableArb,
  broadcastShapes,
  dtypeSteps,
  expectElementwise,
  expectExact,
  fc,
  FLOATS,
  gridValue,
  type HostTensor,
  ref,
  runKernel,
  shapeArb,
  type Suite,
  tensorArb,
  valueArb,
} from "./conformance_test_helpers.ts";

const UNARY: readonly UnaryOp[] = [
  "neg",
  "abs",
  "sign",
  "step",
  "exp",
  "log",
  "sqrt",
  "square",
  "reciprocal",
  "relu",
  "sigmoid",
  "tanh",
];
const TRANSCENDENTAL: readonly string[] = ["exp", "log", "sqrt", "sigmoid", "tanh", "pow"];
const BINARY_FLOAT: readonly BinaryOp[] = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "greater",
  "greaterEqual",
  "equal",
];
const BINARY_INT: readonly BinaryOp[] = BINARY_FLOAT.filter((op) => op !== "div" && op !== "pow");

const withZeros = fc.oneof({ arbitrary: gridValue, weight: 4 }, {
  arbitrary: fc.constant(0),
  weight: 1,
});
const signed = (lo: number, hi: number, scale: number): fc.Arbitrary<number> =>
  fc.tuple(fc.integer({ min: lo, max: hi }), fc.boolean()).map(([i, neg]) =>
    (neg ? -i : i) / scale
  );

/** The values a unary op is tested on: its domain, with exact zeros where kinks sit. */
function unaryDomain(op: UnaryOp): fc.Arbitrary<number> {
  switch (op) {
    case "log":
      return fc.integer({ min: 1, max: 3000 }).map((i) => i / 1000);
    case "sqrt":
      return fc.integer({ min: 0, max: 3000 }).map((i) => i / 1000);
    case "reciprocal":
      return signed(1, 1000, 1000);
    case "exp":
    case "sigmoid":
    case "tanh":
      return fc.integer({ min: -4000, max: 4000 }).map((i) => i / 1000);
    default:
      return withZeros;
  }
}

/** The values of `a` and `b` a binary op is tested on (coarse for comparisons, to make ties). */
function binaryDomains(op: BinaryOp, dtype: DType): [fc.Arbitrary<number>, fc.Arbitrary<number>] {
  const coarse = ["maximum", "minimum", "greater", "greaterEqual", "equal"].includes(op);
  if (coarse) {
    const v = fc.integer({ min: -4, max: 4 }).map((i) => (dtype === "int32" ? i : i / 4));
    return [v, v];
  }
  if (op === "div") return [gridValue, signed(10, 1000, 1000)];
  if (op === "pow") {
    return [fc.integer({ min: 100, max: 2000 }).map((i) => i / 1000), gridValue.map((v) => 2 * v)];
  }
  return [valueArb(dtype), valueArb(dtype)];
}

/** Registers the elementwise conformance tests. */
export function registerElementwise<H>(suite: Suite<H>): void {
  const { backend, params } = suite;
  const name = backend.name;

  Deno.test(`${name} backend: unary matches the reference on every op`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      // Every run tests every op, each on its own domain, on one shape.
      const arb = shapeArb(0, 4, 5).chain((shape) =>
        fc.tuple(...UNARY.map((op) => tensorArb(shape, dtype, unaryDomain(op))))
      );
      await fc.assert(
        fc.asyncProperty(arb, async (xs) => {
          for (const [i, op] of UNARY.entries()) {
            const x = xs[i];
            const out = { shape: x.shape, dtype };
            const got = await runKernel(
              backend,
              [x],
              out,
              ([a]) => backend.kernels.unary([a], { op }, out),
            );
            const want = R.unary([ref(x)], { op }, x.shape);
            const context = { op, shape: x.shape };
            expectElementwise(got, want, dtype, TRANSCENDENTAL.includes(op), context);
          }
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: binary matches the reference with broadcasting`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const ops = dtype === "int32" ? BINARY_INT : BINARY_FLOAT;
      // Every run tests every op on one pair of broadcasting shapes.
      const arb = shapeArb(0, 4, 4).chain((target) =>
        fc.tuple(broadcastableArb(target), broadcastableArb(target)).chain(([sa, sb]) =>
          fc.tuple(...ops.map((op) => {
            const [va, vb] = binaryDomains(op, dtype);
            return fc.tuple(tensorArb(sa, dtype, va), tensorArb(sb, dtype, vb));
          }))
        )
      );
      await fc.assert(
        fc.asyncProperty(arb, async (pairs) => {
          for (const [i, op] of ops.entries()) {
            const [a, b] = pairs[i];
            const out = { shape: broadcastShapes(a.shape, b.shape), dtype };
            const got = await runKernel(
              backend,
              [a, b],
              out,
              ([x, y]) => backend.kernels.binary([x, y], { op }, out),
            );
            const want = R.binary([ref(a), ref(b)], { op }, out.shape);
            const context = { op, a: a.shape, b: b.shape };
            expectElementwise(got, want, dtype, TRANSCENDENTAL.includes(op), context);
          }
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: where selects with broadcasting and any cond dtype`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const arb = fc.record({
        target: shapeArb(0, 4, 4),
        condDtype: fc.constantFrom(...suite.dtypes),
      }).chain(({ target, condDtype }) =>
        fc.tuple(broadcastableArb(target), broadcastableArb(target), broadcastableArb(target))
          .chain(([sc, sa, sb]) =>
            fc.tuple(
              tensorArb(
                sc,
                condDtype,
                fc.constantFrom(0, 1, -2, 0.5).map((
                  v,
                ) => (condDtype === "int32" ? Math.trunc(v) : v)),
              ),
              tensorArb(sa, dtype),
              tensorArb(sb, dtype),
            )
          )
      );
      await fc.assert(
        fc.asyncProperty(arb, async ([c, a, b]) => {
          const out = { shape: broadcastShapes(c.shape, a.shape, b.shape), dtype };
          const got = await runKernel(
            backend,
            [c, a, b],
            out,
            ([x, y, z]) => backend.kernels.where([x, y, z], {}, out),
          );
          const want = R.where([ref(c), ref(a), ref(b)], {}, out.shape);
          expectExact(got, want, dtype, { cond: [c.dtype, c.shape], a: a.shape, b: b.shape });
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: broadcastTo repeats size-1 and missing axes`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const arb = shapeArb(0, 4, 4).chain((target) =>
        broadcastableArb(target).chain((s) => tensorArb(s, dtype).map((x) => ({ target, x })))
      );
      await fc.assert(
        fc.asyncProperty(arb, async ({ target, x }) => {
          const out = { shape: target, dtype };
          const got = await runKernel(
            backend,
            [x],
            out,
            ([a]) => backend.kernels.broadcastTo([a], {}, out),
          );
          const want = R.broadcastTo([ref(x)], {}, target);
          expectExact(got, want, dtype, { x: x.shape, target });
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: cast converts between every pair of dtypes`, async (t) => {
    for (const from of ALL) {
      for (const to of ALL) {
        const ignore = !suite.dtypes.includes(from) || !suite.dtypes.includes(to);
        await t.step({
          name: `${from} to ${to}`,
          ignore,
          fn: async () => {
            const values = from === "int32"
              ? fc.integer({ min: -100000, max: 100000 })
              : fc.integer({ min: -100000, max: 100000 }).map((i) => i / 1000);
            const arb = shapeArb(0, 3, 5).chain((s) => tensorArb(s, from, values));
            await fc.assert(
              fc.asyncProperty(arb, async (x: HostTensor) => {
                const out = { shape: x.shape, dtype: to };
                const got = await runKernel(
                  backend,
                  [x],
                  out,
                  ([a]) => backend.kernels.cast([a], {}, out),
                );
                expectExact(got, R.cast([ref(x)], { to }, x.shape), to, {
                  from,
                  to,
                  shape: x.shape,
                });
              }),
              params,
            );
          },
        });
      }
    }
  });

  Deno.test(`${name} backend: oneHot encodes int32 indices, out of range as zeros`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const arb = fc.record({ shape: shapeArb(0, 3, 4), depth: fc.integer({ min: 1, max: 5 }) })
        .chain(({ shape, depth }) =>
          tensorArb(shape, "int32", fc.integer({ min: -2, max: depth + 1 })).map((x) => ({
            x,
            depth,
          }))
        );
      await fc.assert(
        fc.asyncProperty(arb, async ({ x, depth }) => {
          const out = { shape: [...x.shape, depth], dtype };
          const got = await runKernel(
            backend,
            [x],
            out,
            ([a]) => backend.kernels.oneHot([a], { depth }, out),
          );
          expectExact(got, R.oneHot([ref(x)], { depth }, out.shape), dtype, {
            shape: x.shape,
            depth,
          });
        }),
        params,
      );
    }, ["int32"]);
  });
}
