import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import { assertGrads } from "../core/grad_check.ts";
import { fc, fcParams, gridValue } from "../tests/fc.ts";
import { ones, reshape, type Tensor, tensor, zeros } from "../mod.ts";
import { binaryCrossEntropy, meanSquaredError, softmaxCrossEntropy, squaredError } from "./mod.ts";

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const scalar = (t: Tensor): number => t.dataSync()[0];
const f64 = (v: number[], shape: number[]): Tensor => tensor(v, { shape, dtype: "float64" });
const i32 = (v: number[], shape?: number[]): Tensor =>
  tensor(v, { dtype: "int32", shape: shape ?? [v.length] });
/** Deterministic values in [-2, 2], far from ties. */
const spread = (n: number, seed: number): number[] =>
  Array.from({ length: n }, (_, i) => Math.sin(seed * 7.3 + i * 2.1) * 2);

Deno.test("squaredError() is 1/2 ||t - x||^2 per example; meanSquaredError() its mean", () => {
  const x = tensor([[1, 2], [0, 0]]);
  const t = tensor([[1, 0], [3, 4]]);
  // example 0: (0^2 + 2^2) / 2 = 2; example 1: (3^2 + 4^2) / 2 = 12.5
  assertEquals(values(squaredError(x, t)), [2, 12.5]);
  assertEquals(values(meanSquaredError(x, t)), [7.25]);
  assertEquals(meanSquaredError(x, t).shape, []);
  // rank 1: one value per example
  assertEquals(values(squaredError(tensor([1, 3]), tensor([0, 0]))), [0.5, 4.5]);
});

Deno.test("the squared-error VJPs pass the gradient check in both arguments", async () => {
  const x = f64(spread(12, 1), [3, 2, 2]);
  const t = f64(spread(12, 2), [3, 2, 2]);
  await assertGrads((a, b) => squaredError.vjp(a, b), [x, t]);
  await assertGrads((a, b) => meanSquaredError.vjp(a, b), [x, t]);
});

Deno.test("squared-error losses reject mismatched shapes and dtypes", () => {
  assertThrows(() => squaredError(zeros([2, 3]), zeros([2, 2])), TypeError, "shape of pred [2, 3]");
  assertThrows(
    () => meanSquaredError(zeros([2]), zeros([2], { dtype: "float64" })),
    TypeError,
    "dtype of pred",
  );
  assertThrows(() => squaredError(zeros([]), zeros([])), TypeError, "rank >= 1");
});

Deno.test("softmaxCrossEntropy() of uniform logits is log(classes)", () => {
  for (const classes of [2, 5, 10]) {
    const loss = softmaxCrossEntropy(zeros([4, classes]), i32([0, 1, 1, 0]));
    assertEquals(loss.shape, []);
    assertAlmostEquals(scalar(loss), Math.log(classes), 1e-6);
  }
});

Deno.test("softmaxCrossEntropy() is stable for logits of 1000", () => {
  const logits = f64([1000, 0, -1000, 1000, 1000, 0], [2, 3]);
  // row 0, label 0: log(1 + e^-1000 + e^-2000) = 0; row 1, label 2: 1000 + log 2
  const [loss, vjp] = softmaxCrossEntropy.vjp(logits, i32([0, 2]));
  assertAlmostEquals(scalar(loss), (0 + 1000 + Math.log(2)) / 2, 1e-9);
  const [d] = vjp(ones([], { dtype: "float64" }));
  // (softmax - onehot) / 2
  const want = [0, 0, 0, 0.25, 0.25, -0.5];
  values(d!).forEach((v, i) => assertAlmostEquals(v, want[i], 1e-12));
  const f32 = softmaxCrossEntropy(tensor([[1000, -1000]]), i32([1]));
  assertAlmostEquals(scalar(f32), 2000, 1e-3);
});

Deno.test("softmaxCrossEntropy() takes probability targets (loss = entropy at a match)", () => {
  // softmax([0, ln 3]) = [1/4, 3/4]
  const logits = f64([0, Math.log(3)], [1, 2]);
  const entropy = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
  assertAlmostEquals(
    scalar(softmaxCrossEntropy(logits, f64([0.25, 0.75], [1, 2]))),
    entropy,
    1e-12,
  );
  // one-hot float targets give the same loss as the indices
  const x = f64(spread(8, 3), [2, 4]);
  const oneHot = f64([0, 0, 1, 0, 1, 0, 0, 0], [2, 4]);
  assertAlmostEquals(
    scalar(softmaxCrossEntropy(x, oneHot)),
    scalar(softmaxCrossEntropy(x, i32([2, 0]))),
    1e-12,
  );
});

Deno.test("softmaxCrossEntropy() with label smoothing mixes in the uniform target", () => {
  const logits = f64([0, Math.log(3)], [1, 2]);
  // s = 0.1, 2 classes, label 1: t = [0.05, 0.95]
  const want = -(0.05 * Math.log(0.25) + 0.95 * Math.log(0.75));
  const got = softmaxCrossEntropy(logits, i32([1]), { labelSmoothing: 0.1 });
  assertAlmostEquals(scalar(got), want, 1e-12);
  assertThrows(
    () => softmaxCrossEntropy(logits, i32([1]), { labelSmoothing: 1 }),
    RangeError,
    "labelSmoothing",
  );
});

Deno.test("softmaxCrossEntropy() takes [n, 1, 1, c] logits, [n], [n, 1], [n, 1, 1] labels", () => {
  const flat = f64(spread(12, 4), [3, 4]);
  const labels = [3, 0, 2];
  const want = scalar(softmaxCrossEntropy(flat, i32(labels)));
  const conv = reshape(flat, [3, 1, 1, 4]);
  for (const shape of [[3], [3, 1], [3, 1, 1]]) {
    assertAlmostEquals(scalar(softmaxCrossEntropy(conv, i32(labels, shape))), want, 1e-12);
  }
  // per-pixel logits [n, h, w, classes] with labels [n, h, w]: mean over all n*h*w rows
  const pixels = reshape(flat, [1, 3, 1, 4]);
  assertAlmostEquals(scalar(softmaxCrossEntropy(pixels, i32(labels, [1, 3, 1]))), want, 1e-12);
});

Deno.test("the softmaxCrossEntropy() VJP passes the gradient check", async (t) => {
  await t.step("int32 labels, logits [n, classes]", async () => {
    const labels = i32([1, 0, 2]);
    await assertGrads((x) => softmaxCrossEntropy.vjp(x, labels), [f64(spread(9, 5), [3, 3])]);
  });
  await t.step("int32 labels, logits [n, 1, 1, classes], large logits", async () => {
    const labels = i32([4, 0]);
    const x = f64(spread(10, 6).map((v) => v * 15), [2, 1, 1, 5]);
    await assertGrads((x) => softmaxCrossEntropy.vjp(x, labels), [x]);
  });
  await t.step("probability targets, in both arguments", async () => {
    const x = f64(spread(6, 7), [2, 3]);
    const targets = f64([0.2, 0.3, 0.5, 0.6, 0.1, 0.3], [2, 3]);
    await assertGrads((x, t) => softmaxCrossEntropy.vjp(x, t), [x, targets]);
    await assertGrads(
      (x, t) => softmaxCrossEntropy.vjp(x, t, { labelSmoothing: 0.2 }),
      [x, targets],
    );
  });
});

Deno.test("softmaxCrossEntropy() names the problem with bad labels", () => {
  const logits = zeros([3, 4]);
  assertThrows(
    () => softmaxCrossEntropy(logits, i32([0, 1])),
    TypeError,
    "one class index per row",
  );
  assertThrows(
    () => softmaxCrossEntropy(logits, i32([0, 1, 2, 3, 0, 1], [3, 2])),
    TypeError,
    "[3]",
  );
  assertThrows(
    () => softmaxCrossEntropy(logits, zeros([3])),
    TypeError,
    "class indices must be int32",
  );
  assertThrows(
    () => softmaxCrossEntropy(logits, zeros([3, 4], { dtype: "float64" })),
    TypeError,
    "the logits' dtype float32",
  );
  assertThrows(
    () => softmaxCrossEntropy(logits, i32([0, 4, 1])),
    RangeError,
    "class indices in [0, 4), but element 1 is 4",
  );
  assertThrows(() => softmaxCrossEntropy(logits, i32([0, -1, 1])), RangeError, "element 1 is -1");
  assertThrows(() => softmaxCrossEntropy(zeros([4]), i32([0])), TypeError, "rank >= 2");
  assertThrows(
    () => softmaxCrossEntropy(zeros([2, 2], { dtype: "int32" }), i32([0, 1])),
    TypeError,
    "floating-point",
  );
});

Deno.test("binaryCrossEntropy() from logits is stable and matches hand values", () => {
  const x = f64([0, 1000, -1000, 1000, -1000, Math.log(3)], [6]);
  const t = f64([1, 1, 1, 0, 0, 1], [6]);
  // per element: log 2, 0, 1000, 1000, 0, -log(3/4)
  const want = (Math.log(2) + 0 + 1000 + 1000 + 0 - Math.log(0.75)) / 6;
  const [loss, vjp] = binaryCrossEntropy.vjp(x, t);
  assertAlmostEquals(scalar(loss), want, 1e-9);
  const [dx] = vjp(ones([], { dtype: "float64" }));
  // (sigmoid(x) - t) / 6
  const wantDx = [-0.5, 0, -1, 1, 0, -0.25].map((v) => v / 6);
  values(dx!).forEach((v, i) => assertAlmostEquals(v, wantDx[i], 1e-12));
});

Deno.test("binaryCrossEntropy() from probabilities clips at eps", () => {
  const p = tensor([0.5, 0, 1], { dtype: "float64" });
  const t = tensor([1, 1, 1], { dtype: "float64" });
  const want = (Math.log(2) - Math.log(1e-7) + 0) / 3;
  assertAlmostEquals(scalar(binaryCrossEntropy(p, t, { fromLogits: false })), want, 1e-7);
  assertThrows(
    () => binaryCrossEntropy(p, t, { fromLogits: false, eps: 0.5 }),
    RangeError,
    "options.eps",
  );
});

Deno.test("the binaryCrossEntropy() VJPs pass the gradient check", async () => {
  const x = f64(spread(8, 8).map((v) => v * 3), [4, 2]);
  const t = f64([0, 1, 0.3, 0.7, 1, 0, 0.5, 0.5], [4, 2]);
  await assertGrads((x, t) => binaryCrossEntropy.vjp(x, t), [x, t]);
  const p = f64(spread(8, 9).map((v) => 0.5 + v * 0.2), [4, 2]);
  await assertGrads((p, t) => binaryCrossEntropy.vjp(p, t, { fromLogits: false }), [p, t]);
});

Deno.test("binaryCrossEntropy() rejects targets of another shape or dtype", () => {
  assertThrows(() => binaryCrossEntropy(zeros([2, 1]), zeros([2])), TypeError, "shape of x [2, 1]");
  assertThrows(
    () => binaryCrossEntropy(zeros([2]), tensor([0, 1], { dtype: "int32" })),
    TypeError,
    "0/1 labels as floats",
  );
  assert(Number.isFinite(scalar(binaryCrossEntropy(tensor([-1e6, 1e6]), tensor([1, 0])))));
});

Deno.test("the loss VJPs pass the gradient check on drawn shapes and values", async () => {
  const case_ = fc.record({ n: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 1, max: 5 }) })
    .chain(({ n, c }) =>
      fc.record({
        n: fc.constant(n),
        c: fc.constant(c),
        x: fc.array(gridValue, { minLength: n * c, maxLength: n * c }),
        t: fc.array(gridValue, { minLength: n * c, maxLength: n * c }),
        labels: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
      })
    );
  await fc.assert(
    fc.asyncProperty(case_, async ({ n, c, x, t, labels }) => {
      const logits = f64(x.map((v) => v * 5), [n, 1, c]);
      const target = f64(t, [n, 1, c]);
      const probs = f64(t.map((v) => 0.5 + 0.4 * v), [n, 1, c]);
      await assertGrads((x) => softmaxCrossEntropy.vjp(x, i32(labels, [n])), [logits]);
      await assertGrads((x, t) => meanSquaredError.vjp(x, t), [logits, target]);
      await assertGrads((x, t) => binaryCrossEntropy.vjp(x, t), [logits, probs]);
    }),
    fcParams(25),
  );
});
