import { key, type Tensor } from "../core/mod.ts";
import { assertEquals, assertThrows } from "../tests/assert.ts";
import { F64, t, values } from "./_harness_test.ts";
import { constantInit, conv1d, conv2d, conv2dUntiedBias } from "./mod.ts";

const ones = constantInit(1);

Deno.test("conv2d() sums windows with every padding form", async (t2) => {
  // x = 1..9 as [1, 3, 3, 1]; an all-ones 2x2 filter sums each window
  const x = t([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const run = (options: Parameters<typeof conv2d>[2]) => {
    const layer = conv2d(1, 2, { kernelInit: ones, ...options });
    const { params, outShape } = layer.init(key(0), [-1, 3, 3, 1], F64);
    const [y] = layer.apply(params, x);
    return { outShape, y: values(y as Tensor) };
  };
  await t2.step("valid", () => {
    assertEquals(run({}), { outShape: [-1, 2, 2, 1], y: [12, 16, 24, 28] });
  });
  await t2.step("same: TensorFlow pads [0, 1] for an even filter", () => {
    assertEquals(run({ padding: "same" }).y, [12, 16, 9, 24, 28, 15, 15, 17, 9]);
  });
  await t2.step("explicit [[1, 0], [0, 0]] and a bias", () => {
    const r = run({ padding: [[1, 0], [0, 0]], biasInit: constantInit(100) });
    assertEquals(r.outShape, [-1, 3, 2, 1]);
    assertEquals(r.y, [103, 105, 112, 116, 124, 128]);
  });
  await t2.step("stride 2 and dilation 2", () => {
    // padded to 5x5, 2x2 windows at rows and columns 0 and 2: 1, 2 + 3, 4 + 7, 5 + 6 + 8 + 9
    assertEquals(run({ padding: 1, stride: 2 }).y, [1, 5, 11, 28]);
    // taps 2 apart span 3 cells; padded to 5x5 that gives 3x3 outputs, e.g. the centre
    // 1 + 3 + 7 + 9 = 20 and the corner 0 + 0 + 0 + 5 = 5
    assertEquals(run({ dilation: 2, padding: 1 }).y, [5, 10, 5, 10, 20, 10, 5, 10, 5]);
  });
});

Deno.test("conv2d() reports wrong channels, ranks and geometry clearly", () => {
  const layer = conv2d(4, 3, { inChannels: 1 });
  assertThrows(
    () => layer.init(key(0), [-1, 8, 8, 3], F64),
    TypeError,
    "conv2d: input has 3 channels but the layer expects 1 (options.inChannels)",
  );
  const plain = conv2d(4, 3);
  const { params } = plain.init(key(0), [-1, 8, 8, 1], F64);
  assertThrows(
    () => plain.apply(params, t(new Array(3 * 64).fill(0), [1, 8, 8, 3])),
    TypeError,
    "conv2d: input has 3 channels but the filter expects 1",
  );
  assertThrows(
    () => plain.init(key(0), [-1, 28, 28], F64),
    TypeError,
    "conv2d: inputShape must have rank 4 ([n, h, w, c]), but got [-1, 28, 28]",
  );
  assertThrows(() => plain.init(key(0), [-1, 2, 2, 1], F64), RangeError, "larger than the padded");
  assertThrows(() => conv2d(4, 0), RangeError, "conv2d: kernelSize");
  assertThrows(() => conv2d(4, 3, { stride: 0 }), RangeError, "conv2d: stride");
  assertThrows(() => conv2d(4, 3, { padding: "full" as never }), TypeError, "conv2d: padding");
});

Deno.test("conv2d() reports its local window for the summary", () => {
  const { info } = conv2d(4, [3, 5], { stride: [1, 2], dilation: 2, padding: "same" })
    .init(key(0), [-1, 9, 9, 2], F64);
  assertEquals(info[0].receptive, { kernel: [5, 9], stride: [1, 2], padding: [2, 4] });
  assertEquals(info[0].params, 3 * 5 * 2 * 4 + 4);
});

Deno.test("conv1d() convolves along the length axis", () => {
  const layer = conv1d(1, 3, { kernelInit: ones, padding: "same" });
  const { params, outShape, info } = layer.init(key(0), [-1, 4, 1], F64);
  assertEquals(outShape, [-1, 4, 1]);
  assertEquals(params.w.shape, [3, 1, 1]);
  assertEquals(info[0].receptive, { kernel: [1, 3], stride: [1, 1], padding: [0, 1] });
  const [y] = layer.apply(params, t([1, 2, 3, 4], [1, 4, 1]));
  assertEquals(values(y as Tensor), [3, 6, 9, 7]);
  assertThrows(
    () => conv1d(2, 3, { inChannels: 2 }).init(key(0), [-1, 5, 1], F64),
    TypeError,
    "conv1d: input has 1 channels but the layer expects 2",
  );
});

Deno.test("conv2dUntiedBias() adds one bias per output position and channel", () => {
  const layer = conv2dUntiedBias(1, 1, { kernelInit: ones });
  const { params, outShape, info } = layer.init(key(0), [-1, 2, 2, 1], F64);
  assertEquals(outShape, [-1, 2, 2, 1]);
  assertEquals(params.b.shape, [2, 2, 1]);
  assertEquals(info[0].params, 1 + 4);
  const b = t([10, 20, 30, 40], [2, 2, 1]);
  const x = t([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
  const [y, vjp] = layer.apply({ ...params, b }, x);
  assertEquals(values(y as Tensor), [11, 22, 33, 44, 15, 26, 37, 48]);
  // the bias gradient sums over the batch only
  const [grads] = vjp(t(new Array(8).fill(1), [2, 2, 2, 1]));
  assertEquals(values(grads.b), [2, 2, 2, 2]);
  assertThrows(
    () => layer.apply(params, t(new Array(9).fill(1), [1, 3, 3, 1])),
    TypeError,
    "conv2dUntiedBias: params.b must have the output's per-example shape [3, 3, 1]",
  );
});
