import { scalarBackend } from "../backends/scalar/mod.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "../tests/assert.ts";
import { tensor } from "./create.ts";
import { assertGrads, checkGrads } from "./grad_check.ts";
import { defineOp } from "./op.ts";
import { conv2d, matmul, mul, reshape, sum, tanh, transpose } from "./ops/mod.ts";
import type { Conv2dOptions } from "./ops/conv.ts";
import type { Tensor } from "./tensor.ts";

const backend = scalarBackend;
const f64 = (values: number[], shape: number[]): Tensor =>
  tensor(values, { shape, dtype: "float64", backend });
const seq = (n: number, f: (i: number) => number): number[] =>
  Array.from({ length: n }, (_, i) => f(i));

const x = f64(seq(18, (i) => Math.sin(i + 1)), [1, 3, 3, 2]);
const w = f64(seq(24, (i) => Math.cos(2 * i + 1)), [2, 2, 2, 3]);

/** y = x * w elementwise, with a VJP for x that is `factor` times the right one. */
const scaledMul = (factor: number) =>
  defineOp("scaledMul", (a: Tensor, b: Tensor) => {
    const [y, back] = mul.vjp(a, b);
    return [y, (dy: Tensor): [Tensor, Tensor] => {
      const [da, db] = back(dy);
      return [mul(da, factor), db];
    }];
  });

/** y = m @ v, whose VJP for v wrongly uses m instead of its transpose (a transposed index). */
const badMatvec = defineOp("badMatvec", (m: Tensor, v: Tensor) => {
  const [y, back] = matmul.vjp(m, v);
  return [y, (dy: Tensor): [Tensor, Tensor] => [back(dy)[0], matmul(m, dy)]];
});

Deno.test("checkGrads() passes correct VJPs of mul, tanh, a transpose and conv2d", async (t) => {
  await t.step("mul, linear in both arguments", async () => {
    const a = f64([0.5, -1.5, 2, 3], [2, 2]);
    const b = f64([1.25, 0.75], [2]);
    const r = await checkGrads((a, b) => mul.vjp(a, b), [a, b], { linear: [true, true] });
    assert(r.ok, r.message);
    assert(r.dotProduct.ok);
    assert(r.worst !== undefined && r.worst.error <= 1e-12, r.message);
    assertMatch(r.message, /^checkGrads: ok, 6 elements checked/);
  });
  await t.step("tanh with the default step", async () => {
    const r = await assertGrads((v) => tanh.vjp(v), [x]);
    assert(r.ok);
  });
  await t.step("transpose followed by sum over an axis", async () => {
    const r = await assertGrads((v) => {
      const [y1, b1] = transpose.vjp(v, [2, 0, 3, 1]);
      const [y2, b2] = sum.vjp(y1, { axis: 1 });
      return [y2, (dy: Tensor) => b1(b2(dy)[0])];
    }, [x]);
    assert(r.ok);
  });
  await t.step("conv2d with stride, dilation and asymmetric padding", async () => {
    const opts: Conv2dOptions = { stride: 2, dilation: [1, 2], padding: [[1, 0], [2, 1]] };
    const r = await checkGrads(
      (a, b) => conv2d.vjp(a, b, opts),
      [x, w],
      { linear: [true, true] },
    );
    assert(r.ok, r.message);
  });
});

Deno.test("checkGrads() catches a VJP that is off by a factor of 1.01", async () => {
  const a = f64(seq(6, (i) => i - 2.5), [2, 3]);
  const b = f64(seq(6, (i) => 1 + i / 4), [2, 3]);
  const r = await checkGrads((a, b) => scaledMul(1.01).vjp(a, b), [a, b]);
  assert(!r.ok);
  assert(!r.dotProduct.ok, `dot product should fail: ${r.message}`);
  assert(r.worst !== undefined);
  assertEquals(r.worst.input, 0);
  assert(r.worst.error > 1e-5 + 1e-3 * Math.abs(r.worst.numeric), r.message);
  assertStringIncludes(r.message, "gradient mismatch");
  assertStringIncludes(r.message, "MISMATCH");
  // The same op with factor 1 passes: the failure is the factor alone.
  assert((await checkGrads((a, b) => scaledMul(1).vjp(a, b), [a, b])).ok);
});

Deno.test("checkGrads() catches a VJP that uses a transposed index", async () => {
  const m = f64([1, 2, 0.5, -1, 3, 0.25, 2, -0.5, 1.5], [3, 3]);
  const v = f64([0.3, -0.7, 1.1, 0.4, 0.9, -0.2], [3, 2]);
  const r = await checkGrads((m, v) => badMatvec.vjp(m, v), [m, v], { linear: [true, true] });
  assert(!r.ok);
  assert(!r.dotProduct.ok, r.message);
  assertEquals(r.worst?.input, 1);
  assert(r.worst!.error > 1e-5 + 1e-3 * Math.abs(r.worst!.numeric), r.message);
});

Deno.test("the dot-product identity catches an error in elements the sample skipped", async () => {
  // The VJP of reshape is wrong in one element only; with maxElements 1 the element check
  // almost surely misses it, the dot product over all elements does not.
  const bad = defineOp("badReshape", (v: Tensor) => {
    const [y, back] = reshape.vjp(v, [-1]);
    return [y, (dy: Tensor): [Tensor] => {
      const g = back(dy)[0].dataSync().slice();
      g[g.length - 1] += 0.5;
      return [tensor(g, { shape: v.shape, backend })];
    }];
  });
  const r = await checkGrads((v) => bad.vjp(v), [x], { maxElements: 1, linear: [true] });
  assertStringIncludes(r.message, "1 elements");
  assert(r.worst !== undefined && r.worst.error < 1e-12, r.message);
  assert(!r.dotProduct.ok && !r.ok, r.message);
});

Deno.test("assertGrads() throws an Error naming the worst element", async () => {
  const a = f64([1, 2, 3], [3]);
  const b = f64([4, 5, 6], [3]);
  const err = await assertRejects(
    () => assertGrads((a, b) => scaledMul(1.01).vjp(a, b), [a, b]),
    Error,
  );
  assertMatch(err.message, /worst element: input 0 at \[\d\]: numeric .*, analytic .*, error/);
});

Deno.test("checkGrads() reports a gradient of the wrong shape and treats undefined as 0", async () => {
  const wrong = defineOp("wrongShape", (v: Tensor) => {
    const [y, back] = tanh.vjp(v);
    return [y, (dy: Tensor): [Tensor] => [reshape(back(dy)[0], [-1])]];
  });
  const r = await checkGrads((v) => wrong.vjp(v), [x]);
  assert(!r.ok);
  assertStringIncludes(r.message, "has shape [18] but the input has shape [1, 3, 3, 2]");
  const none = defineOp("noGrad", (v: Tensor) => {
    const [y] = tanh.vjp(v);
    return [y, (): [undefined] => [undefined]];
  });
  assert(!(await checkGrads((v) => none.vjp(v), [x])).ok);
  const constant = defineOp("constant", (v: Tensor) => {
    return [mul(v, 0), (): [undefined] => [undefined]];
  });
  assert((await checkGrads((v) => constant.vjp(v), [x])).ok);
});

Deno.test("checkGrads() is deterministic for a seed", async () => {
  const f = (v: Tensor) => tanh.vjp(v);
  const r1 = await checkGrads(f, [x], { seed: 7 });
  const r2 = await checkGrads(f, [x], { seed: 7 });
  const r3 = await checkGrads(f, [x], { seed: 8 });
  assertEquals(r1, r2);
  assert(r1.dotProduct.lhs !== r3.dotProduct.lhs);
});

Deno.test("checkGrads() rejects float32 inputs and bad options with clear errors", async () => {
  const x32 = tensor([1, 2], { backend });
  const e = await assertRejects(() => checkGrads((v) => tanh.vjp(v), [x32]), TypeError);
  assertStringIncludes(e.message, "checkGrads: inputs[0] must have dtype float64");
  await assertRejects(() => checkGrads((v) => tanh.vjp(v), []), TypeError);
  const x64 = f64([1, 2], [2]);
  await assertRejects(() => checkGrads((v) => tanh.vjp(v), [x64], { eps: 0 }), RangeError);
  await assertRejects(
    () => checkGrads((v) => tanh.vjp(v), [x64], { maxElements: 0 }),
    RangeError,
  );
});
