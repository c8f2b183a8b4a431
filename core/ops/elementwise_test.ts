// Hand-computed examples of the elementwise ops (unary functions, arithmetic with broadcasting,
// where, broadcastTo, cast) and of softmax / logSoftmax, including their behaviour at extreme
// inputs and the conventions at kinks (relu'(0) = 0, abs'(0) = 0).

import { assert, assertAlmostEquals, assertEquals } from "../../tests/assert.ts";
import {
  abs,
  add,
  broadcastTo,
  cast,
  div,
  equal,
  exp,
  greater,
  greaterEqual,
  log,
  logSoftmax,
  maximum,
  minimum,
  mul,
  neg,
  ones,
  pow,
  reciprocal,
  relu,
  sigmoid,
  sign,
  softmax,
  sqrt,
  square,
  sub,
  sum,
  tanh,
  tensor,
  where,
} from "../../mod.ts";
import type { Tensor } from "../../mod.ts";

/** The tensor's data as a plain array, for readable comparisons. */
const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** Asserts element-wise closeness (float32 results of exp, log and friends). */
function assertClose(actual: Tensor, expected: number[], tol = 1e-6): void {
  const got = values(actual);
  assertEquals(got.length, expected.length, "length");
  got.forEach((v, i) => assertAlmostEquals(v, expected[i], tol, `element ${i}`));
}

Deno.test("binary ops broadcast like NumPy: ranks align on the right, size 1 repeats", () => {
  // [[1], [2]] is a column, [10, 20] a row: the sum is the 2x2 table of pairwise sums
  const col = tensor([[1], [2]]);
  const row = tensor([10, 20]);
  assertEquals(add(col, row).arraySync(), [[11, 21], [12, 22]]);
  assertEquals(sub(row, col).arraySync(), [[9, 19], [8, 18]]);
  assertEquals(mul(col, row).arraySync(), [[10, 20], [20, 40]]);
  assertEquals(div(row, col).arraySync(), [[10, 20], [5, 10]]);
  // a plain number becomes a scalar of the other operand's dtype, on either side
  assertEquals(add(row, 1).arraySync(), [11, 21]);
  assertEquals(sub(1, row).arraySync(), [-9, -19]);
  assertEquals(pow(tensor([2, 3]), 2).arraySync(), [4, 9]);
  assertEquals(maximum(tensor([1, 5]), 3).arraySync(), [3, 5]);
  assertEquals(minimum(tensor([1, 5]), 3).arraySync(), [1, 3]);
  // int32 arithmetic stays int32
  const i = add(tensor([1, 2], { dtype: "int32" }), 3);
  assertEquals(i.dtype, "int32");
  assertEquals(i.arraySync(), [4, 5]);
});

Deno.test("comparisons give 1 or 0 in the operands' dtype", () => {
  const x = tensor([1, 3, 5]);
  assertEquals(greater(x, 3).arraySync(), [0, 0, 1]);
  assertEquals(greaterEqual(x, 3).arraySync(), [0, 1, 1]);
  assertEquals(equal(x, 3).arraySync(), [0, 1, 0]);
});

Deno.test("binary VJPs sum the gradient over the axes that were broadcast", async (t) => {
  await t.step("add: a column and a row", () => {
    // y[i][j] = col[i] + row[j]; with dy = ones each col[i] is used twice and each row[j] twice
    const [, vjp] = add.vjp(tensor([[1], [2]]), tensor([10, 20]));
    const [da, db] = vjp(ones([2, 2]));
    assertEquals(da.shape, [2, 1]);
    assertEquals(da.arraySync(), [[2], [2]]);
    assertEquals(db.shape, [2]);
    assertEquals(db.arraySync(), [2, 2]);
  });

  await t.step("a number operand gets a scalar gradient", () => {
    const [, vjp] = mul.vjp(tensor([1, 2, 3]), 2);
    const [da, db] = vjp(ones([3]));
    assertEquals(da.arraySync(), [2, 2, 2]); // dy * b
    assertEquals(db.shape, []);
    assertEquals(db.arraySync(), 6); // sum(dy * a) = 1 + 2 + 3
  });

  await t.step("mul and div", () => {
    // a = [1, 3], b = [2, 4], dy = [1, 1]
    const a = tensor([1, 3]);
    const b = tensor([2, 4]);
    const [, vjpMul] = mul.vjp(a, b);
    const [ma, mb] = vjpMul(ones([2]));
    assertEquals(values(ma), [2, 4]); // d(ab)/da = b
    assertEquals(values(mb), [1, 3]); // d(ab)/db = a
    // d(a/b)/da = 1/b = [0.5, 0.25]; d(a/b)/db = -a/b^2 = [-1/4, -3/16]
    const [, vjpDiv] = div.vjp(a, b);
    const [da, db] = vjpDiv(ones([2]));
    assertEquals(values(da), [0.5, 0.25]);
    assertEquals(values(db), [-0.25, -0.1875]);
  });

  await t.step("pow: d(a^b)/da = b a^(b-1), d(a^b)/db = a^b log a (0 where a = 0)", () => {
    const [, vjp] = pow.vjp(tensor([0, 2, 3]), tensor([2, 2, 2]));
    const [da, db] = vjp(ones([3]));
    assertEquals(values(da), [0, 4, 6]); // 2 * [0, 2, 3]
    assertClose(db, [0, 4 * Math.log(2), 9 * Math.log(3)], 1e-5);
  });

  await t.step("maximum and minimum: on a tie the gradient goes to a", () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([3, 2, 1]);
    const [, vjpMax] = maximum.vjp(a, b);
    const [xa, xb] = vjpMax(ones([3]));
    assertEquals(values(xa), [0, 1, 1]);
    assertEquals(values(xb), [1, 0, 0]);
    const [, vjpMin] = minimum.vjp(a, b);
    const [na, nb] = vjpMin(ones([3]));
    assertEquals(values(na), [1, 1, 0]);
    assertEquals(values(nb), [0, 0, 1]);
  });
});

Deno.test("where() picks from a or b; broadcastTo() repeats; cast() converts", () => {
  const cond = tensor([1, 0, 1]);
  const [y, vjp] = where.vjp(cond, tensor([1, 2, 3]), 0);
  assertEquals(y.arraySync(), [1, 0, 3]);
  const [da, db] = vjp(tensor([10, 20, 30]));
  assertEquals(da.arraySync(), [10, 0, 30]); // where cond holds
  assertEquals(db.arraySync(), 20); // the number b was broadcast: its gradient is summed

  const [r, vjpB] = broadcastTo.vjp(tensor([1, 2]), [3, 2]);
  assertEquals(r.arraySync(), [[1, 2], [1, 2], [1, 2]]);
  assertEquals(vjpB(ones([3, 2]))[0].arraySync(), [3, 3]); // each element was used 3 times

  const c = cast(tensor([1.7, -1.7, 2]), "int32"); // truncates toward zero
  assertEquals(c.dtype, "int32");
  assertEquals(c.arraySync(), [1, -1, 2]);
  assertEquals(cast(c, "float64").dtype, "float64");
});

Deno.test("unary functions on a few values", () => {
  const x = tensor([-2, 0, 3]);
  assertEquals(values(neg(x)), [2, -0, -3]);
  assertEquals(values(abs(x)), [2, 0, 3]);
  assertEquals(values(sign(x)), [-1, 0, 1]);
  assertEquals(values(square(x)), [4, 0, 9]);
  assertEquals(values(relu(x)), [0, 0, 3]);
  assertEquals(values(sqrt(tensor([4, 9, 0]))), [2, 3, 0]);
  assertEquals(values(reciprocal(tensor([2, 4, -0.5]))), [0.5, 0.25, -2]);
  assertClose(exp(tensor([0, 1, -1])), [1, Math.E, 1 / Math.E]);
  assertClose(log(tensor([1, Math.E])), [0, 1]);
  assertEquals(values(log(tensor([0]))), [-Infinity]);
  assertClose(tanh(tensor([0, 1])), [0, Math.tanh(1)]);
  assertEquals(values(sigmoid(tensor([0]))), [0.5]);
});

Deno.test("relu and abs have gradient 0 at 0 (the kink convention)", () => {
  const x = tensor([-1, 0, 2]);
  const [, vjpRelu] = relu.vjp(x);
  assertEquals(values(vjpRelu(ones([3]))[0]), [0, 0, 1]);
  const [, vjpAbs] = abs.vjp(x);
  assertEquals(values(vjpAbs(ones([3]))[0]), [-1, 0, 1]);
});

Deno.test("unary VJPs: the derivative times dy", () => {
  // exp' = exp; log' = 1/x; sqrt' = 1/(2 sqrt x); square' = 2x; reciprocal' = -1/x^2;
  // tanh' = 1 - tanh^2; sigmoid' = s (1 - s)
  const grad = (op: typeof exp, xs: number[]): Tensor =>
    op.vjp(tensor(xs))[1](ones([xs.length]))[0];
  assertClose(grad(exp, [0, 1]), [1, Math.E]);
  assertEquals(values(grad(log, [2, 4])), [0.5, 0.25]);
  assertEquals(values(grad(sqrt, [4, 16])), [0.25, 0.125]);
  assertEquals(values(grad(square, [-3, 2])), [-6, 4]);
  assertEquals(values(grad(reciprocal, [2, -4])), [-0.25, -0.0625]);
  assertClose(grad(tanh, [0, 1]), [1, 1 - Math.tanh(1) ** 2]);
  assertEquals(values(grad(sigmoid, [0])), [0.25]);
  assertEquals(values(grad(neg, [5])), [-1]);
  assertEquals(values(grad(sign, [5])), [0]);
});

Deno.test("sigmoid() stays finite at +/-1000, and so does its gradient", () => {
  const [y, vjp] = sigmoid.vjp(tensor([-1000, 1000]));
  assertEquals(values(y), [0, 1]); // e^1000 would overflow in a naive 1 / (1 + e^-x)
  const [dx] = vjp(ones([2]));
  assertEquals(values(dx), [0, 0]);
});

Deno.test("softmax() rows are probabilities that sum to 1", () => {
  // Row [1, 2, 3]: e^(x - 3) = [e^-2, e^-1, 1] divided by their sum 1.5032147:
  //   [0.0900306, 0.2447285, 0.6652410]. Row [0, 0, 0]: [1/3, 1/3, 1/3].
  const y = softmax(tensor([[1, 2, 3], [0, 0, 0]]));
  assertClose(y, [0.0900306, 0.2447285, 0.665241, 1 / 3, 1 / 3, 1 / 3]);
  assertClose(sum(y, { axis: 1 }), [1, 1]);
  // along axis 0 the columns sum to 1 instead: each column [a, a] is [0.5, 0.5]
  assertClose(softmax(tensor([[5, 1], [5, 1]]), { axis: 0 }), [0.5, 0.5, 0.5, 0.5]);
});

Deno.test("softmax() and logSoftmax() are stable at logits of 1000", () => {
  // A naive exp(1000) is Infinity; subtracting the row max first avoids it.
  assertClose(softmax(tensor([1000, 1000, 1000])), [1 / 3, 1 / 3, 1 / 3]);
  assertClose(softmax(tensor([1000, 0])), [1, 0]);
  // logSoftmax([1000, 1000]) = 1000 - (1000 + log 2) = -log 2 for both
  assertClose(logSoftmax(tensor([1000, 1000])), [-Math.LN2, -Math.LN2]);
  // logSoftmax([1000, 0]) = [0, -1000]: finite, not -Infinity
  assertClose(logSoftmax(tensor([1000, 0])), [0, -1000], 1e-4);
});

Deno.test("softmax and logSoftmax VJPs by hand", () => {
  // x = [0, 0] so y = softmax(x) = [0.5, 0.5]; dy = [1, 0].
  // softmax: dx = y * (dy - sum(dy * y)) = [0.5 * (1 - 0.5), 0.5 * (0 - 0.5)] = [0.25, -0.25]
  const [, vjpS] = softmax.vjp(tensor([0, 0]));
  assertEquals(values(vjpS(tensor([1, 0]))[0]), [0.25, -0.25]);
  // logSoftmax: dx = dy - softmax(x) * sum(dy) = [1 - 0.5, 0 - 0.5] = [0.5, -0.5]
  const [, vjpL] = logSoftmax.vjp(tensor([0, 0]));
  assertEquals(values(vjpL(tensor([1, 0]))[0]), [0.5, -0.5]);
  // a constant dy gives dx = 0: the outputs always sum to 1, so no change of x raises them all
  assertClose(vjpS(tensor([3, 3]))[0], [0, 0]);
  // at logits 1000 the gradient is finite too
  const [, vjpBig] = logSoftmax.vjp(tensor([1000, 0]));
  assertClose(vjpBig(tensor([1, 1]))[0], [-1, 1]); // [1 - 1 * 2, 1 - 0 * 2]
  assert(values(vjpBig(tensor([1, 1]))[0]).every(Number.isFinite));
});
