/**
 * Example tests pinning the conventions at kinks and ties that property tests steer away from:
 * max-pool ties, argmax ties, step/relu/sign at 0, padded cells in a max, the average-pool
 * divisor, and a sum over an empty axis. Each expectation is written out by hand and checked
 * against the reference too.
 * @module
 */

import type { DType } from "../core/dtype.ts";
import type { KTensor, OutInfo } from "../core/primitives.ts";
import { assertEquals } from "./assert.ts";
import * as R from "./reference.ts";
import {
  ALL,
  dtypeSteps,
  FLOATS,
  host,
  type HostTensor,
  ref,
  runKernel,
  type Suite,
} from "./conformance_test_helpers.ts";

/** Registers the pinned-convention example tests. */
export function registerConventions<H>(suite: Suite<H>): void {
  const { backend } = suite;
  const name = backend.name;
  const k = backend.kernels;

  /** Runs one kernel and asserts both it and the reference give exactly `expected`. */
  async function pin(
    what: string,
    inputs: readonly HostTensor[],
    out: OutInfo,
    call: (ins: readonly KTensor<H>[]) => H,
    reference: Float64Array,
    expected: readonly number[],
  ): Promise<void> {
    assertEquals(Array.from(reference), [...expected], `reference: ${what}`);
    const got = await runKernel(backend, inputs, out, call);
    assertEquals(Array.from(got), [...expected], `${name} backend: ${what}`);
  }

  Deno.test(`${name} backend: max-pool ties go to the first cell in window order`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype: DType) => {
      const geo = { window: [2, 2], stride: [1, 1], padding: [[0, 0], [0, 0]] } as const;
      const x = host([1, 2, 3, 1], dtype, [1, 2, 2, 2, 0, 2]);
      const dy = host([1, 1, 2, 1], dtype, [1, 10]);
      const out = { shape: x.shape, dtype };
      await pin(
        "maxPool2dBackward with tied windows",
        [x, dy],
        out,
        ([a, b]) => k.maxPool2dBackward([a, b], geo, out),
        R.maxPool2dBackward([ref(x), ref(dy)], geo, x.shape),
        [0, 11, 0, 0, 0, 0],
      );
      const flat = host([1, 2, 2, 1], dtype, [5, 5, 5, 5]);
      const one = host([1, 1, 1, 1], dtype, [3]);
      const flatOut = { shape: flat.shape, dtype };
      await pin(
        "maxPool2dBackward with an all-equal window",
        [flat, one],
        flatOut,
        ([a, b]) => k.maxPool2dBackward([a, b], geo, flatOut),
        R.maxPool2dBackward([ref(flat), ref(one)], geo, flat.shape),
        [3, 0, 0, 0],
      );
    });
  });

  Deno.test(`${name} backend: argmax and argmin ties go to the first index`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const x = host([2, 4], dtype, [1, 3, 3, 2, 1, 0, -1, -1]);
      const cases = [
        { op: "argmax", axis: 1, expected: [1, 0] },
        { op: "argmin", axis: 1, expected: [0, 2] },
        { op: "argmax", axis: 0, expected: [0, 0, 0, 0] },
        { op: "argmin", axis: 0, expected: [0, 1, 1, 1] },
      ] as const;
      for (const { op, axis, expected } of cases) {
        const attrs = { op, axis };
        const out = { shape: [2, 4].filter((_, a) => a !== axis), dtype: "int32" as const };
        await pin(
          `${op} along axis ${axis}`,
          [x],
          out,
          ([a]) => k.argReduce([a], attrs, out),
          R.argReduce([ref(x)], attrs, out.shape),
          expected,
        );
      }
    }, ["int32"]);
  });

  Deno.test(`${name} backend: step, relu and sign are 0 at 0`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      const x = host([4], dtype, [-0.5, 0, -0, 0.5]);
      const cases = [
        { op: "step", expected: [0, 0, 0, 1] },
        { op: "relu", expected: [0, 0, 0, 0.5] },
        { op: "sign", expected: [-1, 0, 0, 1] },
      ] as const;
      for (const { op, expected } of cases) {
        const out = { shape: x.shape, dtype };
        const reference = R.unary([ref(x)], { op }, x.shape);
        const got = await runKernel(backend, [x], out, ([a]) => k.unary([a], { op }, out));
        // -0 and 0 are both accepted: compare with ===, not Object.is.
        for (let i = 0; i < 4; i++) {
          if (!(reference[i] === expected[i]) || !(got[i] === expected[i])) {
            throw new Error(`${op}: expected ${expected}, reference ${reference}, got ${got}`);
          }
        }
      }
    });
  });

  Deno.test(`${name} backend: padded cells never win a max over negative inputs`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      const geo = { window: [2, 2], stride: [2, 2], padding: [[1, 1], [1, 1]] } as const;
      const attrs = { ...geo, op: "max", countPadded: false } as const;
      const x = host([1, 3, 3, 1], dtype, [-1, -2, -3, -4, -5, -6, -7, -8, -9]);
      const dy = host([1, 2, 2, 1], dtype, [1, 2, 3, 4]);
      const out = { shape: dy.shape, dtype };
      await pin(
        "max pool2d with padding",
        [x],
        out,
        ([a]) => k.pool2d([a], attrs, out),
        R.pool2d([ref(x)], attrs, out.shape),
        [-1, -2, -4, -5],
      );
      const back = { shape: x.shape, dtype };
      await pin(
        "maxPool2dBackward with padding",
        [x, dy],
        back,
        ([a, b]) => k.maxPool2dBackward([a, b], geo, back),
        R.maxPool2dBackward([ref(x), ref(dy)], geo, x.shape),
        [1, 2, 0, 3, 4, 0, 0, 0, 0],
      );
    });
  });

  Deno.test(`${name} backend: avg-pool divisors follow countPadded`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      const geo = { window: [2, 2], stride: [1, 1], padding: [[1, 0], [1, 0]] } as const;
      const x = host([1, 2, 2, 1], dtype, [1, 2, 3, 4]);
      const ones = host([1, 2, 2, 1], dtype, [1, 1, 1, 1]);
      const expected = {
        forward: { false: [1, 1.5, 2, 2.5], true: [0.25, 0.75, 1, 2.5] },
        backward: { false: [2.25, 0.75, 0.75, 0.25], true: [1, 0.5, 0.5, 0.25] },
      };
      for (const countPadded of [false, true]) {
        const out = { shape: x.shape, dtype };
        const attrs = { ...geo, op: "avg", countPadded } as const;
        await pin(
          `avg pool2d with countPadded ${countPadded}`,
          [x],
          out,
          ([a]) => k.pool2d([a], attrs, out),
          R.pool2d([ref(x)], attrs, out.shape),
          expected.forward[`${countPadded}`],
        );
        const battrs = { ...geo, countPadded };
        await pin(
          `avgPool2dBackward with countPadded ${countPadded}`,
          [ones],
          out,
          ([a]) => k.avgPool2dBackward([a], battrs, out),
          R.avgPool2dBackward([ref(ones)], battrs, out.shape),
          expected.backward[`${countPadded}`],
        );
      }
    });
  });

  Deno.test(`${name} backend: a sum over an empty axis is 0`, async (t) => {
    await dtypeSteps(t, suite, ALL, async (dtype) => {
      const x = host([2, 0], dtype, []);
      const attrs = { op: "sum", axes: [1] } as const;
      const out = { shape: [2], dtype };
      await pin(
        "reduce sum over axis 1 of shape [2, 0]",
        [x],
        out,
        ([a]) => k.reduce([a], attrs, out),
        R.reduce([ref(x)], attrs, out.shape),
        [0, 0],
      );
    });
  });
}
