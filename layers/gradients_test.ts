/**
 * Generated checks of every layer and combinator, in float64 on the scalar backend: the shape
 * inferred by `init` is the shape `apply` returns, and the VJP (param and input gradients)
 * matches central finite differences and the dot-product identity. Geometries are drawn by
 * fast-check (size-1 axes, stride above the kernel, dilation, every padding form); values stay
 * away from relu's kink and max-pool ties. Adding a layer means adding one entry to `CASES`.
 * @module
 */

import { key, type PaddingSpec2d } from "../core/mod.ts";
import { fc, fcParams } from "../tests/fc.ts";
import {
  assertLayerGrads,
  assertShape,
  F64,
  ints,
  randomTensor,
  rng,
  type Values,
  withBatch,
} from "./_harness_test.ts";
import {
  avgPool2d,
  batchNorm,
  conv1d,
  conv2d,
  conv2dUntiedBias,
  type Ctx,
  dense,
  dropout,
  embedding,
  fanInConcat,
  fanInSum,
  fanOut,
  flatten,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
  identity,
  type Input,
  type InShape,
  type Layer,
  logSoftmax,
  maxPool2d,
  parallel,
  relu,
  reshape,
  residual,
  serial,
  sigmoid,
  softmax,
  type State,
  tanh,
} from "./mod.ts";

/** One generated test: a layer, the shape to init it with, and how to draw and check. */
interface Setup {
  readonly layer: Layer;
  /** The input shape with a concrete batch size. */
  readonly inShape: InShape;
  readonly values?: Values;
  /** Affine in each param and in the input, the others fixed (exact steps of 1). */
  readonly affine?: boolean;
  /** The context, given the state from init. */
  readonly ctx?: (state: State) => Ctx;
  /** The input, when not random floats (token ids). */
  readonly input?: (seed: number) => Input;
  readonly checkInput?: boolean;
}

const int = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max });
const side = int(0, 2);
const padding2d: fc.Arbitrary<PaddingSpec2d> = fc.oneof(
  fc.constantFrom<PaddingSpec2d>("valid", "same"),
  side,
  fc.tuple(fc.tuple(side, side), fc.tuple(side, side)),
);
const pair = (min: number, max: number): fc.Arbitrary<[number, number]> =>
  fc.tuple(int(min, max), int(min, max));
/** `[n, h, w, c]` with small sizes. */
const image = fc.tuple(int(1, 2), int(1, 5), int(1, 5), int(1, 3));

/** Keeps the setups whose geometry is valid (the output has at least one cell). */
function valid(arb: fc.Arbitrary<Setup>): fc.Arbitrary<Setup> {
  return arb.filter((s) => {
    try {
      s.layer.init(key(0), s.inShape, F64);
      return true;
    } catch (e) {
      if (e instanceof RangeError) return false;
      throw e;
    }
  });
}

const CASES: [name: string, runs: number, setup: fc.Arbitrary<Setup>][] = [
  [
    "dense",
    8,
    fc.record({ n: int(1, 3), f: int(1, 4), units: int(1, 3), useBias: fc.boolean() })
      .map(({ n, f, units, useBias }) => ({
        layer: dense(units, { useBias }),
        inShape: [n, f],
        affine: true,
      })),
  ],
  [
    "conv2d",
    10,
    valid(
      fc.record({
        x: image,
        filters: int(1, 3),
        k: pair(1, 3),
        stride: pair(1, 4),
        dilation: pair(1, 2),
        padding: padding2d,
        useBias: fc.boolean(),
      }).map(({ x, filters, k, stride, dilation, padding, useBias }) => ({
        layer: conv2d(filters, k, { stride, dilation, padding, useBias }),
        inShape: x,
        affine: true,
      })),
    ),
  ],
  [
    "conv1d",
    8,
    valid(
      fc.record({
        x: fc.tuple(int(1, 2), int(1, 7), int(1, 3)),
        filters: int(1, 3),
        k: int(1, 3),
        stride: int(1, 4),
        dilation: int(1, 2),
        padding: fc.oneof(fc.constantFrom("valid" as const, "same" as const), side, pair(0, 2)),
      }).map(({ x, filters, k, stride, dilation, padding }) => ({
        layer: conv1d(filters, k, { stride, dilation, padding }),
        inShape: x,
        affine: true,
      })),
    ),
  ],
  [
    "conv2dUntiedBias",
    6,
    valid(
      fc.record({ x: image, filters: int(1, 2), k: pair(1, 3), stride: pair(1, 2) }).map((
        { x, filters, k, stride },
      ) => ({
        layer: conv2dUntiedBias(filters, k, { stride, padding: "same" }),
        inShape: x,
        affine: true,
      })),
    ),
  ],
  [
    "maxPool2d",
    10,
    valid(
      fc.record({ x: image, win: pair(1, 3), stride: pair(1, 4), padding: padding2d }).map((
        { x, win, stride, padding },
      ) => ({ layer: maxPool2d(win, { stride, padding }), inShape: x, values: "unique" })),
    ),
  ],
  [
    "avgPool2d",
    8,
    valid(
      fc.record({
        x: image,
        win: pair(1, 3),
        stride: pair(1, 4),
        padding: padding2d,
        countPadded: fc.boolean(),
      }).map(({ x, win, stride, padding, countPadded }) => ({
        layer: avgPool2d(win, { stride, padding, countPadded }),
        inShape: x,
        affine: true,
      })),
    ),
  ],
  [
    "globalMaxPool2d",
    4,
    image.map((x) => ({
      layer: globalMaxPool2d(),
      inShape: x,
      values: "unique",
    })),
  ],
  [
    "globalAvgPool2d",
    4,
    image.map((x) => ({
      layer: globalAvgPool2d(),
      inShape: x,
      affine: true,
    })),
  ],
  [
    "globalMaxPool1d",
    4,
    fc.tuple(int(1, 2), int(1, 6), int(1, 3)).map((x) => ({
      layer: globalMaxPool1d(),
      inShape: x,
      values: "unique",
    })),
  ],
  ["relu", 4, image.map((x) => ({ layer: relu(), inShape: x, values: "nonzero" }))],
  ["sigmoid", 4, image.map((x) => ({ layer: sigmoid(), inShape: x }))],
  ["tanh", 4, image.map((x) => ({ layer: tanh(), inShape: x }))],
  [
    "softmax",
    4,
    fc.tuple(image, int(-4, 3)).map(([x, axis]) => ({
      layer: softmax({ axis }),
      inShape: x,
    })),
  ],
  [
    "logSoftmax",
    4,
    fc.tuple(image, int(-4, 3)).map(([x, axis]) => ({
      layer: logSoftmax({ axis }),
      inShape: x,
    })),
  ],
  ["flatten", 3, image.map((x) => ({ layer: flatten(), inShape: x, affine: true }))],
  [
    "reshape",
    3,
    image.map(([n, h, w, c]) => ({
      layer: reshape([w, -1]),
      inShape: [n, h, w, c],
      affine: true,
    })),
  ],
  [
    "dropout in train mode with a fixed key",
    6,
    fc.tuple(image, int(0, 9), int(0, 1000)).map((
      [x, tenths, seed],
    ) => ({
      layer: dropout(tenths / 10),
      inShape: x,
      affine: true,
      ctx: () => ({ mode: "train", key: key(seed) }),
    })),
  ],
  [
    "batchNorm in train mode",
    8,
    fc.tuple(int(1, 3), int(1, 3), int(1, 3)).map(([n, h, c]) => ({
      layer: batchNorm({ epsilon: 0.01 }),
      inShape: [n, h, 2, c],
      ctx: (state) => ({ mode: "train", state }),
    })),
  ],
  [
    "batchNorm in eval mode",
    4,
    fc.tuple(int(1, 3), int(1, 3)).map(([n, c]) => ({
      layer: batchNorm(),
      inShape: [n, c],
      affine: true,
      ctx: (state) => ({ mode: "eval", state }),
    })),
  ],
  [
    "embedding",
    6,
    fc.record({ n: int(1, 2), len: int(1, 4), vocab: int(1, 5), dim: int(1, 3) })
      .map(({ n, len, vocab, dim }) => ({
        layer: embedding(vocab, dim),
        inShape: [n, len],
        affine: true,
        checkInput: false,
        // ids in [-1, vocab]: the ends are outside the table and get zero vectors
        input: (seed: number) => {
          const rand = rng(seed);
          const ids = Array.from({ length: n * len }, () => Math.floor(rand() * (vocab + 2)) - 1);
          return ints(ids, [n, len]);
        },
      })),
  ],
  ["identity", 2, image.map((x) => ({ layer: identity(), inShape: x, affine: true }))],
  [
    "serial (conv, relu, pool, flatten, dense)",
    5,
    fc.tuple(int(1, 2), int(2, 5), int(1, 2)).map((
      [n, hw, c],
    ) => ({
      layer: serial(
        conv2d(2, 2, { padding: "same" }),
        relu(),
        maxPool2d(2, { padding: "same" }),
        flatten(),
        dense(3),
      ),
      inShape: [n, hw, hw, c],
      // not "grid": a "same"-padded corner window holding one input of exactly 0 would put the
      // conv output (zero bias) on relu's kink
      values: "nonzero",
    })),
  ],
  [
    "parallel (list in, list out)",
    4,
    fc.tuple(int(1, 2), int(1, 3), int(1, 3)).map((
      [n, a, b],
    ) => ({ layer: parallel(dense(2), tanh()), inShape: [[n, a], [n, b]] })),
  ],
  [
    "fanOut (list out)",
    3,
    fc.tuple(image, int(1, 3)).map(([x, k]) => ({
      layer: fanOut(k),
      inShape: x,
      affine: true,
    })),
  ],
  [
    "fanInSum",
    3,
    fc.tuple(image, int(1, 3)).map(([x, k]) => ({
      layer: fanInSum(),
      inShape: Array.from({ length: k }, () => x),
      affine: true,
    })),
  ],
  [
    "fanInConcat",
    4,
    fc.tuple(image, int(1, 3), int(-4, 3)).map(([x, c2, axis]) => {
      const a = axis < 0 ? axis + 4 : axis;
      return {
        layer: fanInConcat({ axis }),
        inShape: [x, x.map((d, i) => (i === a ? c2 : d))],
        affine: true,
      };
    }),
  ],
  [
    "residual",
    4,
    fc.tuple(int(1, 2), int(1, 4), int(1, 2)).map(([n, hw, c]) => ({
      layer: residual(serial(conv2d(c, 3, { padding: "same" }), tanh())),
      inShape: [n, hw, hw, c],
    })),
  ],
  [
    "serial with batchNorm and dropout in train mode",
    4,
    fc.tuple(int(2, 3), int(1, 3)).map((
      [n, f],
    ) => ({
      layer: serial(dense(3), batchNorm({ epsilon: 0.01 }), dropout(0.3), dense(2)),
      inShape: [n, f],
      ctx: (state) => ({ mode: "train", key: key(5), state }),
    })),
  ],
];

for (const [name, runs, setup] of CASES) {
  const title = `${name}: init infers the output shape and the VJP matches finite differences`;
  Deno.test(title, async () => {
    await fc.assert(
      fc.asyncProperty(setup, int(0, 1 << 20), async (s, seed) => {
        const kInit = key(seed);
        const { params, state, outShape } = s.layer.init(kInit, s.inShape, F64);
        const x: Input = s.input
          ? s.input(seed)
          : Array.isArray(s.inShape[0])
          ? (s.inShape as number[][]).map((sh, i) => randomTensor(seed + i, sh, s.values))
          : randomTensor(seed, s.inShape as number[], s.values);
        const ctx = s.ctx?.(state) ?? {};
        const [y] = s.layer.apply(params, x, ctx);
        assertShape(y, outShape);
        // The same shapes with an unknown batch size
        if (!Array.isArray(s.inShape[0])) {
          const anyBatch = withBatch(s.inShape as number[], 1).map((d, i) => (i === 0 ? -1 : d));
          assertShape(y, s.layer.init(kInit, anyBatch, F64).outShape);
        }
        await assertLayerGrads(s.layer, params, x, {
          ctx,
          affine: s.affine,
          checkInput: s.checkInput,
        });
      }),
      fcParams(runs),
    );
  });
}
