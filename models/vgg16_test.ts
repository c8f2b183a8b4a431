import { scalarBackend } from "../backends/scalar/mod.ts";
import { conv2d, key, matmul, reshape, type Tensor, uniform } from "../core/mod.ts";
import { summary, zerosInit } from "../layers/mod.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import { vgg16 } from "./vgg16.ts";

const backend = scalarBackend;

Deno.test("vgg16() has 138,357,544 params and a receptive field of 212 at the last pool", () => {
  const s = summary(vgg16({ kernelInit: zerosInit }), [-1, 224, 224, 3], { backend });
  assertEquals(s.totalParams, 138_357_544);
  assertEquals(s.outShape, [-1, 1, 1, 1000]);
  assertEquals(s.rows.filter((r) => r.kind === "conv2d").length, 16);
  const pools = s.rows.filter((r) => r.kind === "maxPool2d");
  assertEquals(pools.map((r) => r.outShape), [
    [-1, 112, 112, 64],
    [-1, 56, 56, 128],
    [-1, 28, 28, 256],
    [-1, 14, 14, 512],
    [-1, 7, 7, 512],
  ]);
  assertEquals(pools.map((r) => r.field.size[0]), [6, 16, 44, 100, 212]);
  assertEquals(pools[4].field.stride, [32, 32]);
  const fc6 = s.rows.find((r) => r.outShape.length === 4 && r.outShape[3] === 4096)!;
  assertEquals(fc6.params, 7 * 7 * 512 * 4096 + 4096);
  assertEquals(fc6.field.size, [404, 404]);
  // 15.47 G multiply-adds: about 31 GFLOPs per image.
  assert(s.totalFlops > 30.9e9 && s.totalFlops < 31.0e9, `FLOPs ${s.totalFlops}`);
});

Deno.test("vgg16() with a width divisor runs forward and backward on small inputs", () => {
  const net = vgg16({ inputSize: 64, widthDivisor: 16, classes: 5 });
  const { params, state, outShape } = net.init(key(0), [-1, 64, 64, 3], { backend });
  assertEquals(outShape, [-1, 1, 1, 5]);
  const x = uniform(key(1), [2, 64, 64, 3], { backend });
  const [y, vjp] = net.apply(params, x, { state, mode: "train", key: key(2) });
  assertEquals((y as Tensor).shape, [2, 1, 1, 5]);
  const [grads, dx] = vjp(uniform(key(3), [2, 1, 1, 5], { backend }));
  assertEquals((dx as Tensor).shape, [2, 64, 64, 3]);
  // fc6 is a 2x2 conv on the 2x2 map left by five poolings of 64
  assertEquals((grads as Record<string, Tensor>[])[31].w.shape, [2, 2, 32, 256]);
});

Deno.test("vgg16()'s fc6 as a conv is a dense layer on the flattened map", async () => {
  // A valid conv whose window is the whole map computes flatten(x) @ reshape(w, [k*k*c, f]).
  const x = uniform(key(4), [3, 7, 7, 8], { backend, dtype: "float64" });
  const w = uniform(key(5), [7, 7, 8, 6], { backend, dtype: "float64" });
  const conv = await conv2d(x, w).data();
  const dense = await matmul(reshape(x, [3, 7 * 7 * 8]), reshape(w, [7 * 7 * 8, 6])).data();
  assertEquals(conv.length, dense.length);
  conv.forEach((v, i) => assertAlmostEquals(v, dense[i], 1e-12));
});

Deno.test("vgg16() rejects bad options with errors naming them", () => {
  assertThrows(() => vgg16({ inputSize: 16 }), RangeError, "vgg16: options.inputSize");
  assertThrows(() => vgg16({ widthDivisor: 0 }), RangeError, "vgg16: options.widthDivisor");
  assertThrows(() => vgg16({ classes: 1.5 }), RangeError, "vgg16: options.classes");
  assertThrows(() => vgg16({ dropout: 1 }), RangeError, "vgg16: options.dropout");
  assertThrows(
    () => vgg16({ dropout: "0.5" as unknown as number }),
    TypeError,
    "vgg16: options.dropout",
  );
  assertThrows(
    () => vgg16({ widthDivisor: 16 }).init(key(0), [-1, 32, 32, 3], { backend }),
    RangeError,
    "conv2d: the filter (7 with dilation 1 spans 7) is larger than the padded input (1)",
  );
});
