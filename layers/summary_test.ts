import { scalarBackend } from "../backends/scalar/mod.ts";
import { key, ones, treeSize } from "../core/mod.ts";
import { assertEquals, assertStringIncludes, assertThrows } from "../tests/assert.ts";
import { assertShape } from "./_harness_test.ts";
import {
  conv2d,
  dense,
  fanInConcat,
  fanOut,
  flatten,
  formatSummary,
  globalAvgPool2d,
  maxPool2d,
  parallel,
  relu,
  residual,
  serial,
  summary,
} from "./mod.ts";

/** MatConvNet's MNIST "BASE" net (cnn_mnist_init.m without batch norm). */
const mnistBase = () =>
  serial(
    conv2d(20, 5),
    maxPool2d(2),
    conv2d(50, 5),
    maxPool2d(2),
    conv2d(500, 4),
    relu(),
    conv2d(10, 1),
  );

const onScalar = { backend: scalarBackend };

Deno.test("summary() of the MNIST BASE net gives 431,080 params and MatConvNet's fields", () => {
  const s = summary(mnistBase(), [-1, 28, 28, 1], onScalar);
  assertEquals(s.totalParams, 431_080);
  // 5*5*1*20 + 20, 0, 5*5*20*50 + 50, 0, 4*4*50*500 + 500, 0, 500*10 + 10
  assertEquals(s.rows.map((r) => r.params), [520, 0, 25_050, 0, 400_500, 0, 5_010]);
  assertEquals(s.outShape, [-1, 1, 1, 10]);
  assertEquals(s.rows.map((r) => r.outShape), [
    [-1, 24, 24, 20],
    [-1, 12, 12, 20],
    [-1, 8, 8, 50],
    [-1, 4, 4, 50],
    [-1, 1, 1, 500],
    [-1, 1, 1, 500],
    [-1, 1, 1, 10],
  ]);
  assertEquals(s.rows.map((r) => r.name), [
    "0/conv2d",
    "1/maxPool2d",
    "2/conv2d",
    "3/maxPool2d",
    "4/conv2d",
    "5/relu",
    "6/conv2d",
  ]);
  // size = previous + (k - 1) * previous stride; stride = previous * s;
  // offset = previous + ((k - 1) / 2 - pad) * previous stride, starting at 1
  assertEquals(s.rows.map((r) => r.field.size[0]), [5, 6, 14, 16, 28, 28, 28]);
  assertEquals(s.rows.map((r) => r.field.stride[0]), [1, 2, 2, 4, 4, 4, 4]);
  assertEquals(s.rows.map((r) => r.field.offset[0]), [3, 3.5, 7.5, 8.5, 14.5, 14.5, 14.5]);
  assertEquals(s.rows.map((r) => r.field.size[1]), [5, 6, 14, 16, 28, 28, 28]);
});

Deno.test("summary() counts FLOPs per example with a multiply-add as 2", () => {
  const s = summary(mnistBase(), [-1, 28, 28, 1], onScalar);
  // conv: outputs * (2 * kh * kw * cIn + 1); pool: outputs * window area; relu: 1 per element
  const expected = [
    24 * 24 * 20 * (2 * 25 + 1),
    12 * 12 * 20 * 4,
    8 * 8 * 50 * (2 * 25 * 20 + 1),
    4 * 4 * 50 * 4,
    500 * (2 * 16 * 50 + 1),
    500,
    10 * (2 * 500 + 1),
  ];
  assertEquals(s.rows.map((r) => r.flops), expected);
  assertEquals(s.totalFlops, expected.reduce((a, b) => a + b));
});

Deno.test("the MNIST BASE net maps [n, 28, 28, 1] to [n, 1, 1, 10] when applied", () => {
  const net = mnistBase();
  const { params, state, outShape } = net.init(key(3), [2, 28, 28, 1], onScalar);
  assertEquals(treeSize(params), 431_080);
  const [y] = net.apply(params, ones([2, 28, 28, 1], onScalar), { state });
  assertShape(y, outShape);
  assertEquals((y as { shape: readonly number[] }).shape, [2, 1, 1, 10]);
});

Deno.test("formatSummary() prints one line per layer and the totals", () => {
  const text = formatSummary(summary(mnistBase(), [-1, 28, 28, 1], onScalar));
  const lines = text.split("\n");
  assertEquals(lines.length, 1 + 1 + 7 + 1 + 1);
  assertStringIncludes(lines[0], "rf offset");
  assertStringIncludes(lines[2], "[n, 24, 24, 20]");
  assertStringIncludes(lines[3], "3.5");
  assertStringIncludes(lines[10], "431,080");
  assertEquals(lines[10].split(/\s+/).slice(0, 1), ["total"]);
});

Deno.test("summary() composes strided, padded, dilated and global windows", () => {
  const s = summary(
    serial(
      conv2d(4, 3, { stride: 2, padding: "same" }), // on 8: pad [0, 1]
      conv2d(4, 3, { dilation: 2, padding: 2 }), // extent 5
      globalAvgPool2d(),
      dense(3),
    ),
    [-1, 8, 8, 1],
    onScalar,
  );
  assertEquals(s.rows.map((r) => r.field.size[0]), [3, 3 + 4 * 2, 11 + 3 * 2, 17]);
  assertEquals(s.rows.map((r) => r.field.offset[0]), [2, 2 + (2 - 2) * 2, 2 + 1.5 * 2, 5]);
  assertEquals(s.rows.map((r) => r.field.stride[0]), [2, 2, 8, 8]);
});

Deno.test("summary() names rows by their place in nested combinators", () => {
  const net = serial(
    conv2d(4, 3, { padding: "same" }),
    residual(serial(conv2d(4, 3, { padding: "same" }), relu())),
    serial(fanOut(2), parallel(conv2d(2, 1), maxPool2d(1)), fanInConcat()),
    flatten(),
  );
  const s = summary(net, [-1, 6, 6, 1], onScalar);
  assertEquals(s.rows.map((r) => r.name), [
    "0/conv2d",
    "1/1/0/0/conv2d",
    "1/1/0/1/relu",
    "1/2/fanInSum",
    "2/1/0/conv2d",
    "2/1/1/maxPool2d",
    "2/2/fanInConcat",
    "3/flatten",
  ]);
  assertEquals(s.outShape, [-1, 6 * 6 * 6]);
  assertEquals(s.totalParams, 3 * 3 * 4 + 4 + 3 * 3 * 4 * 4 + 4 + 4 * 2 + 2);
});

Deno.test("summary() rejects a non-layer and reports shape errors with the layer's place", () => {
  assertThrows(() => summary(relu as never, [1, 2]), TypeError, "summary: layer must be a Layer");
  assertThrows(
    () => summary(serial(conv2d(2, 3), conv2d(2, 3)), [-1, 4, 4, 1], onScalar),
    RangeError,
    "(at layer 1)",
  );
});
