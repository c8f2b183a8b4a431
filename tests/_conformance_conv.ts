/**
 * Conformance of the convolution primitives: conv2d, its two backprops, im2col and col2im, each
 * against the reference and, for the adjoint pairs, by the dot-product identity on the backend's
 * own kernels.
 * @module
 */

import type { DType } from "../core/dtype.ts";
import type { Conv2dGeometry } from "../core/primitives.ts";
import * as R from "./reference.ts";
import {
  type AxisGeometry,
  convAxisArb,
  dot,
  dtypeSteps,
  expectClose,
  expectExact,
  expectInnerEqual,
  fc,
  FLOATS,
  type HostTensor,
  padding2d,
  ref,
  refAbs,
  runKernel,
  type Suite,
  tensorArb,
} from "./conformance_test_helpers.ts";

/** A convolution case: geometry, input `x`, filter `w` and an output cotangent `dy`. */
interface ConvCase {
  readonly geo: Conv2dGeometry;
  readonly axes: { readonly h: AxisGeometry; readonly w: AxisGeometry };
  readonly x: HostTensor;
  readonly w: HostTensor;
  readonly dy: HostTensor;
}

function convCaseArb(dtype: DType): fc.Arbitrary<ConvCase> {
  return fc.record({
    h: convAxisArb,
    w: convAxisArb,
    n: fc.integer({ min: 1, max: 2 }),
    cin: fc.integer({ min: 1, max: 4 }),
    cout: fc.integer({ min: 1, max: 4 }),
  }).chain((g) =>
    fc.tuple(
      tensorArb([g.n, g.h.n, g.w.n, g.cin], dtype),
      tensorArb([g.h.k, g.w.k, g.cin, g.cout], dtype),
      tensorArb([g.n, g.h.out, g.w.out, g.cout], dtype),
    ).map(([x, w, dy]) => ({
      geo: { stride: [g.h.s, g.w.s], dilation: [g.h.d, g.w.d], padding: padding2d(g.h, g.w) },
      axes: { h: g.h, w: g.w },
      x,
      w,
      dy,
    }))
  );
}

function describe(c: ConvCase): unknown {
  return { ...c.geo, modes: [c.axes.h.mode, c.axes.w.mode], x: c.x.shape, w: c.w.shape };
}

/** Registers the convolution conformance tests. */
export function registerConv<H>(suite: Suite<H>): void {
  const { backend, params } = suite;
  const name = backend.name;
  const k = backend.kernels;

  const conv = (c: ConvCase): Promise<Float64Array> => {
    const out = { shape: c.dy.shape, dtype: c.x.dtype };
    return runKernel(backend, [c.x, c.w], out, ([x, w]) => k.conv2d([x, w], c.geo, out));
  };
  const backInput = (c: ConvCase): Promise<Float64Array> => {
    const out = { shape: c.x.shape, dtype: c.x.dtype };
    return runKernel(
      backend,
      [c.dy, c.w],
      out,
      ([d, w]) => k.conv2dBackpropInput([d, w], c.geo, out),
    );
  };
  const backFilter = (c: ConvCase): Promise<Float64Array> => {
    const out = { shape: c.w.shape, dtype: c.x.dtype };
    return runKernel(
      backend,
      [c.x, c.dy],
      out,
      ([x, d]) => k.conv2dBackpropFilter([x, d], c.geo, out),
    );
  };

  Deno.test(`${name} backend: conv2d matches the direct-loop reference`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      await fc.assert(
        fc.asyncProperty(convCaseArb(dtype), async (c) => {
          const want = R.conv2d([ref(c.x), ref(c.w)], c.geo, c.dy.shape);
          const mag = R.conv2d([refAbs(c.x), refAbs(c.w)], c.geo, c.dy.shape);
          expectClose(await conv(c), want, mag, dtype, describe(c));
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: conv2dBackpropInput matches the scatter reference`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      await fc.assert(
        fc.asyncProperty(convCaseArb(dtype), async (c) => {
          const want = R.conv2dBackpropInput([ref(c.dy), ref(c.w)], c.geo, c.x.shape);
          const mag = R.conv2dBackpropInput([refAbs(c.dy), refAbs(c.w)], c.geo, c.x.shape);
          expectClose(await backInput(c), want, mag, dtype, describe(c));
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: conv2dBackpropFilter matches the reference`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      await fc.assert(
        fc.asyncProperty(convCaseArb(dtype), async (c) => {
          const want = R.conv2dBackpropFilter([ref(c.x), ref(c.dy)], c.geo, c.w.shape);
          const mag = R.conv2dBackpropFilter([refAbs(c.x), refAbs(c.dy)], c.geo, c.w.shape);
          expectClose(await backFilter(c), want, mag, dtype, describe(c));
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: conv2d backprops are the adjoints of its own conv2d`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      await fc.assert(
        fc.asyncProperty(convCaseArb(dtype), async (c) => {
          const mag = dot(
            R.conv2d([refAbs(c.x), refAbs(c.w)], c.geo, c.dy.shape),
            refAbs(c.dy).data,
          );
          const lhs = dot(await conv(c), c.dy.data);
          expectInnerEqual(lhs, dot(c.x.data, await backInput(c)), mag, dtype, describe(c));
          expectInnerEqual(lhs, dot(c.w.data, await backFilter(c)), mag, dtype, describe(c));
          // The reference must satisfy the same identities (in float64).
          const [x, w, dy] = [ref(c.x), ref(c.w), ref(c.dy)];
          const refLhs = dot(R.conv2d([x, w], c.geo, dy.shape), dy.data);
          const refIn = dot(x.data, R.conv2dBackpropInput([dy, w], c.geo, x.shape));
          const refFilter = dot(w.data, R.conv2dBackpropFilter([x, dy], c.geo, w.shape));
          expectInnerEqual(refLhs, refIn, mag, "float64", { reference: true, ...c.geo });
          expectInnerEqual(refLhs, refFilter, mag, "float64", { reference: true, ...c.geo });
        }),
        params,
      );
    });
  });

  /** An im2col case: geometry with the filter size, an image `x` and a patch matrix `cols`. */
  const patchArb = (dtype: DType) =>
    fc.record({
      h: convAxisArb,
      w: convAxisArb,
      n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: 4 }),
    }).chain((g) => {
      const colsShape = [g.n * g.h.out * g.w.out, g.h.k * g.w.k * g.c];
      return fc.tuple(tensorArb([g.n, g.h.n, g.w.n, g.c], dtype), tensorArb(colsShape, dtype))
        .map(([x, cols]) => ({
          attrs: {
            stride: [g.h.s, g.w.s] as const,
            dilation: [g.h.d, g.w.d] as const,
            padding: padding2d(g.h, g.w),
            filterSize: [g.h.k, g.w.k] as const,
          },
          x,
          cols,
        }));
    });

  Deno.test(`${name} backend: im2col gathers the patches of the padded image`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      await fc.assert(
        fc.asyncProperty(patchArb(dtype), async ({ attrs, x, cols }) => {
          const out = { shape: cols.shape, dtype };
          const got = await runKernel(backend, [x], out, ([a]) => k.im2col([a], attrs, out));
          expectExact(got, R.im2col([ref(x)], attrs, cols.shape), dtype, { ...attrs, x: x.shape });
        }),
        params,
      );
    });
  });

  Deno.test(`${name} backend: col2im scatter-adds patches, the adjoint of im2col`, async (t) => {
    await dtypeSteps(t, suite, FLOATS, async (dtype) => {
      await fc.assert(
        fc.asyncProperty(patchArb(dtype), async ({ attrs, x, cols }) => {
          const context = { ...attrs, x: x.shape };
          const imageOut = { shape: x.shape, dtype };
          const got = await runKernel(
            backend,
            [cols],
            imageOut,
            ([a]) => k.col2im([a], attrs, imageOut),
          );
          const want = R.col2im([ref(cols)], attrs, x.shape);
          expectClose(got, want, R.col2im([refAbs(cols)], attrs, x.shape), dtype, context);
          // <im2col(x), cols> == <x, col2im(cols)>, on the backend's kernels and the reference's.
          const colsOut = { shape: cols.shape, dtype };
          const patches = await runKernel(
            backend,
            [x],
            colsOut,
            ([a]) => k.im2col([a], attrs, colsOut),
          );
          const mag = dot(R.im2col([refAbs(x)], attrs, cols.shape), refAbs(cols).data);
          expectInnerEqual(dot(patches, cols.data), dot(x.data, got), mag, dtype, context);
          const refLhs = dot(R.im2col([ref(x)], attrs, cols.shape), cols.data);
          expectInnerEqual(refLhs, dot(x.data, want), mag, "float64", {
            reference: true,
            ...context,
          });
        }),
        params,
      );
    });
  });
}
