import { key, type Tensor } from "../core/mod.ts";
import { assertEquals, assertThrows } from "../tests/assert.ts";
import { F64, t, values } from "./_harness_test.ts";
import { avgPool2d, globalAvgPool2d, globalMaxPool1d, globalMaxPool2d, maxPool2d } from "./mod.ts";

// 0..15 as [1, 4, 4, 1]
const x = t(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
const run = (layer: ReturnType<typeof maxPool2d>, input = x) => {
  const { outShape, info } = layer.init(key(0), input.shape, F64);
  const [y] = layer.apply({}, input);
  return { outShape, info: info[0], y: values(y as Tensor) };
};

Deno.test("maxPool2d() and avgPool2d() pool windows, by default without overlap", () => {
  const max = run(maxPool2d(2));
  assertEquals(max.outShape, [1, 2, 2, 1]);
  assertEquals(max.y, [5, 7, 13, 15]);
  assertEquals(max.info.receptive, { kernel: [2, 2], stride: [2, 2], padding: [0, 0] });
  assertEquals(max.info.flops, 4 * 4);
  assertEquals(run(avgPool2d(2)).y, [2.5, 4.5, 10.5, 12.5]);
});

Deno.test("pooling layers take stride, padding and countPadded", () => {
  assertEquals(run(maxPool2d(3, { stride: 1 })).y, [10, 11, 14, 15]);
  // "same" with stride 2 on 4: no padding needed; with a 3x3 window: [0, 1]
  const same = run(maxPool2d(3, { stride: 2, padding: "same" }));
  assertEquals(same.outShape, [1, 2, 2, 1]);
  assertEquals(same.info.receptive?.padding, [0, 0]);
  // one cell of padding before, windows at padded 0 and 3: the real cells are
  // {0}, {2, 3}, {8, 12} and {10, 11, 14, 15}; divided by their count, or by 4 with countPadded
  const padded = { padding: [[1, 0], [1, 0]], stride: 3 } as const;
  assertEquals(run(avgPool2d(2, padded)).y, [0, 2.5, 10, 12.5]);
  assertEquals(run(avgPool2d(2, { ...padded, countPadded: true })).y, [0, 1.25, 5, 12.5]);
});

Deno.test("global pools reduce every position per channel", () => {
  const two = t([1, 8, 2, 7, 3, 6, 4, 5], [1, 2, 2, 2]);
  const gmax = globalMaxPool2d();
  assertEquals(gmax.init(key(0), [-1, 2, 2, 2], F64).outShape, [-1, 2]);
  assertEquals(values(gmax.apply({}, two)[0] as Tensor), [4, 8]);
  assertEquals(values(globalAvgPool2d().apply({}, two)[0] as Tensor), [2.5, 6.5]);
  const seq = t([1, 9, 4, 2], [1, 2, 2]);
  assertEquals(globalMaxPool1d().init(key(0), [-1, 2, 2], F64).outShape, [-1, 2]);
  assertEquals(values(globalMaxPool1d().apply({}, seq)[0] as Tensor), [4, 9]);
  const { info } = globalAvgPool2d().init(key(0), [-1, 3, 5, 2], F64);
  assertEquals(info[0].receptive, { kernel: [3, 5], stride: [3, 5], padding: [0, 0] });
});

Deno.test("pooling layers reject bad shapes and options", () => {
  assertThrows(
    () => maxPool2d(2).init(key(0), [-1, 4, 4], F64),
    TypeError,
    "maxPool2d: inputShape must have rank 4 ([n, h, w, c]), but got [-1, 4, 4]",
  );
  assertThrows(() => maxPool2d(5).init(key(0), [-1, 4, 4, 1], F64), RangeError, "window (5)");
  assertThrows(() => avgPool2d(0), RangeError, "avgPool2d: kernelSize");
  assertThrows(() => avgPool2d(2, { countPadded: 1 as never }), TypeError, "countPadded");
  assertThrows(
    () => globalMaxPool1d().init(key(0), [-1, 4, 4, 1], F64),
    TypeError,
    "globalMaxPool1d: inputShape must have rank 3 ([n, w, c])",
  );
});
