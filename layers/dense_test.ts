import { key, type Tensor } from "../core/mod.ts";
import { assertEquals, assertThrows } from "../tests/assert.ts";
import { F64, t, values } from "./_harness_test.ts";
import { constantInit, dense } from "./mod.ts";

Deno.test("dense() computes x w + b on [n, features]", () => {
  const layer = dense(2, { kernelInit: constantInit(1), biasInit: constantInit(0.5) });
  const { params, outShape, info } = layer.init(key(0), [-1, 3], F64);
  assertEquals(outShape, [-1, 2]);
  assertEquals(params.w.shape, [3, 2]);
  assertEquals(info[0].params, 8);
  assertEquals(info[0].flops, 2 * 3 * 2 + 2);
  const [y] = layer.apply(params, t([1, 2, 3, 4, 5, 6], [2, 3]));
  assertEquals(values(y as Tensor), [6.5, 6.5, 15.5, 15.5]);
});

Deno.test("dense() without a bias has only the kernel", () => {
  const layer = dense(4, { useBias: false });
  const { params } = layer.init(key(0), [2, 3], F64);
  assertEquals(Object.keys(params), ["w"]);
  const [, vjp] = layer.apply(params, t([1, 2, 3, 4, 5, 6], [2, 3]));
  assertEquals(Object.keys(vjp(t(new Array(8).fill(1), [2, 4]))[0]), ["w"]);
});

Deno.test("dense() rejects input of another rank or feature count, and bad units", () => {
  const layer = dense(2);
  assertThrows(
    () => layer.init(key(0), [-1, 4, 3], F64),
    TypeError,
    "dense: inputShape must have rank 2 ([n, features]), but got [-1, 4, 3]",
  );
  const { params } = layer.init(key(0), [-1, 3], F64);
  assertThrows(
    () => layer.apply(params, t(new Array(24).fill(1), [2, 4, 3])),
    TypeError,
    "dense: x must have rank 2 ([n, features]), but has shape [2, 4, 3]",
  );
  assertThrows(
    () => layer.apply(params, t([1, 2], [1, 2])),
    TypeError,
    "dense: x has 2 features but params.w expects 3",
  );
  assertThrows(() => layer.apply({} as never, t([1, 2, 3], [1, 3])), TypeError, "params.w");
  assertThrows(() => dense(0), RangeError, "dense: units must be an integer >= 1");
  assertThrows(() => layer.init(key(0), [[-1, 3], [-1, 3]], F64), TypeError, "one shape");
  assertThrows(() => layer.init(key(0), [-2, 3], F64), RangeError, "inputShape[0]");
  assertThrows(() => layer.init(key(0), [-1, 3], { dtype: "int32" as never }), TypeError, "dtype");
});
