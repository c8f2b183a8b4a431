import { scalarBackend } from "../backends/scalar/mod.ts";
import { key, ones, type Tensor } from "../core/mod.ts";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertStrictEquals,
  assertThrows,
} from "../tests/assert.ts";
import { randomTensor, values } from "./_harness_test.ts";
import { dropout } from "./mod.ts";

const x = ones([100, 100], { dtype: "float64", backend: scalarBackend });

Deno.test("dropout() in train mode drops about `rate` of the elements and scales the rest", () => {
  for (const rate of [0.1, 0.5, 0.8]) {
    const [y] = dropout(rate).apply({}, x, { mode: "train", key: key(11) });
    const v = values(y as Tensor);
    const zeros = v.filter((e) => e === 0).length;
    const kept = v.filter((e) => Math.abs(e - 1 / (1 - rate)) < 1e-12).length;
    assertEquals(zeros + kept, v.length, "every element is 0 or 1 / (1 - rate)");
    // 10,000 Bernoulli draws: the standard deviation of the dropped fraction is <= 0.005
    assert(Math.abs(zeros / v.length - rate) < 0.025, `rate ${rate}: dropped ${zeros / v.length}`);
    // inverted scaling keeps the mean near 1
    const mean = v.reduce((a, b) => a + b) / v.length;
    assert(Math.abs(mean - 1) < 0.1, `rate ${rate}: mean ${mean}`);
  }
});

Deno.test("dropout() gives the same mask for the same key and another for another key", () => {
  const d = dropout(0.5);
  const a = values(d.apply({}, x, { mode: "train", key: key(1) })[0] as Tensor);
  const b = values(d.apply({}, x, { mode: "train", key: key(1) })[0] as Tensor);
  const c = values(d.apply({}, x, { mode: "train", key: key(2) })[0] as Tensor);
  assertEquals(a, b);
  assert(a.some((v, i) => v !== c[i]));
});

Deno.test("dropout() is the identity in eval mode and with rate 0", () => {
  const input = randomTensor(3, [4, 5]);
  const [y, vjp] = dropout(0.5).apply({}, input);
  assertStrictEquals(y, input);
  const dy = randomTensor(4, [4, 5]);
  assertStrictEquals(vjp(dy)[1], dy);
  assertStrictEquals(dropout(0.5).apply({}, input, { mode: "eval", key: key(0) })[0], input);
  assertStrictEquals(dropout(0).apply({}, input, { mode: "train" })[0], input);
});

Deno.test("dropout()'s VJP applies the same mask to the cotangent", () => {
  const input = randomTensor(5, [6, 7], "nonzero");
  const [y, vjp] = dropout(0.3).apply({}, input, { mode: "train", key: key(8) });
  const [, dx] = vjp(ones([6, 7], { dtype: "float64", backend: scalarBackend }));
  const yv = values(y as Tensor), xv = values(input), dv = values(dx as Tensor);
  yv.forEach((v, i) => assertAlmostEquals(dv[i], v / xv[i], 1e-12));
});

Deno.test("dropout() needs a key in train mode and a rate in [0, 1)", () => {
  assertThrows(
    () => dropout(0.5).apply({}, x, { mode: "train" }),
    TypeError,
    "dropout: ctx.key is required in train mode",
  );
  assertThrows(() => dropout(1), RangeError, "dropout: rate must be in [0, 1)");
  assertThrows(() => dropout(-0.1), RangeError, "dropout: rate");
  assertThrows(() => dropout("0.5" as never), TypeError, "dropout: rate must be a number");
});
