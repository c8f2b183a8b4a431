import { add, key, split, type Tensor } from "../core/mod.ts";
import { assertEquals, assertStrictEquals, assertThrows } from "../tests/assert.ts";
import { F64, randomTensor, values } from "./_harness_test.ts";
import {
  conv2d,
  dense,
  dropout,
  fanInConcat,
  fanInSum,
  fanOut,
  identity,
  parallel,
  relu,
  residual,
  serial,
  tanh,
} from "./mod.ts";

Deno.test("serial() with no layers is the identity", () => {
  const net = serial();
  const init = net.init(key(0), [-1, 3], F64);
  assertEquals(init.outShape, [-1, 3]);
  assertEquals(init.params, []);
  const x = randomTensor(1, [2, 3]);
  const [y, vjp, state] = net.apply([], x);
  assertStrictEquals(y, x);
  assertEquals(state, []);
  assertEquals(vjp(x), [[], x]);
});

Deno.test("serial() splits ctx.key per sublayer: sublayer i gets split(key, n)[i]", () => {
  const x = randomTensor(2, [8, 8], "nonzero");
  const d = dropout(0.5);
  const net = serial(d, d);
  const [y] = net.apply([{}, {}], x, { mode: "train", key: key(42) });
  const [k0, k1] = split(key(42), 2);
  const [h] = d.apply({}, x, { mode: "train", key: k0 });
  const [expected] = d.apply({}, h, { mode: "train", key: k1 });
  assertEquals(values(y as Tensor), values(expected as Tensor));
  // the two sublayers drew different masks
  const [other] = d.apply({}, h, { mode: "train", key: k0 });
  assertEquals(values(other as Tensor).every((v, i) => v === values(expected as Tensor)[i]), false);
});

Deno.test("parallel() applies layer i to input i and splits the key the same way", () => {
  const d = dropout(0.5);
  const net = parallel(d, identity());
  const a = randomTensor(3, [4, 4], "nonzero"), b = randomTensor(4, [2, 3]);
  const [ys] = net.apply([{}, {}], [a, b], { mode: "train", key: key(7) });
  const [k0] = split(key(7), 2);
  const [y0] = d.apply({}, a, { mode: "train", key: k0 });
  assertEquals(values((ys as Tensor[])[0]), values(y0 as Tensor));
  assertStrictEquals((ys as Tensor[])[1], b);
});

Deno.test("residual() computes x + layer(x) and its params sit at [1][0]", () => {
  const inner = serial(conv2d(2, 3, { padding: "same" }), tanh());
  const block = residual(inner);
  assertEquals(block.name, "residual");
  const { params } = block.init(key(5), [-1, 4, 4, 2], F64);
  const x = randomTensor(6, [1, 4, 4, 2]);
  const [y] = block.apply(params, x);
  const innerParams = (params[1] as unknown[])[0] as never;
  const [fx] = inner.apply(innerParams, x);
  assertEquals(values(y as Tensor), values(add(x, fx as Tensor)));
});

Deno.test("fanOut() copies, fanInSum() adds and fanInConcat() joins", () => {
  const x = randomTensor(1, [2, 3]);
  const [copies, vjp] = fanOut(3).apply({}, x);
  assertEquals((copies as Tensor[]).length, 3);
  (copies as Tensor[]).forEach((c) => assertStrictEquals(c, x));
  // the VJP of a copy is a sum
  assertEquals(values(vjp([x, x, x])[1] as Tensor), values(x).map((v) => 3 * v));
  const [sum] = fanInSum().apply({}, [x, x]);
  assertEquals(values(sum as Tensor), values(x).map((v) => 2 * v));
  const [joined] = fanInConcat().apply({}, [x, randomTensor(2, [2, 1])]);
  assertEquals((joined as Tensor).shape, [2, 4]);
  const init = serial(fanOut(2), parallel(dense(4), dense(2)), fanInConcat()).init(
    key(0),
    [-1, 3],
    F64,
  );
  assertEquals(init.outShape, [-1, 6]);
});

Deno.test("combinators name the sublayer where an error arises", () => {
  const net = serial(dense(4), residual(serial(relu(), dense(3))));
  // dense(3) inside the residual branch changes the shape, so fanInSum gets [n, 3] and [n, 4]
  assertThrows(
    () => net.init(key(0), [-1, 2], F64),
    TypeError,
    "fanInSum: all inputs must have the same shape, but input 0 is [-1, 3] and input 1 is " +
      "[-1, 4] (at layer 1/2)",
  );
  assertThrows(
    () => serial(dense(2), conv2d(2, 3)).init(key(0), [-1, 5], F64),
    TypeError,
    "conv2d: inputShape must have rank 4 ([n, h, w, c]), but got [-1, 2] (at layer 1)",
  );
});

Deno.test("combinators reject bad layers, params, states and inputs", () => {
  assertThrows(() => serial(relu as never), TypeError, "a layer factory? call it, e.g. relu()");
  const net = serial(dense(2), relu());
  const { params } = net.init(key(0), [-1, 3], F64);
  const x = randomTensor(0, [1, 3]);
  assertThrows(() => net.apply([params[0]], x), TypeError, "serial: params must be an array of 2");
  assertThrows(
    () => net.apply(params, x, { state: [{}] }),
    TypeError,
    "serial: ctx.state must be an array of 2",
  );
  assertThrows(
    () => parallel(relu(), relu()).apply([{}, {}], x),
    TypeError,
    "parallel: x must be an array of Tensors",
  );
  assertThrows(
    () => parallel(relu()).init(key(0), [-1, 3], F64),
    TypeError,
    "parallel: inputShape must be an array of shapes",
  );
  assertThrows(
    () => parallel(fanOut(2)).init(key(0), [[-1, 3]], F64),
    TypeError,
    "parallel: branch 0 must output one tensor, but outputs 2",
  );
  assertThrows(() => fanOut(0), RangeError, "fanOut: n must be an integer >= 1");
  assertThrows(
    () => fanInConcat({ axis: 2 }).init(key(0), [[-1, 3], [-1, 3]], F64),
    RangeError,
    "fanInConcat: options.axis 2 is out of range",
  );
});
