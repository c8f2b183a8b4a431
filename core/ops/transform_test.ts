// Hand-computed examples of the data-movement ops (transpose, slice, pad, concat, reshape,
// flatten, oneHot) and their VJPs, which move dy back to where each element came from.

import { assertEquals } from "../../tests/assert.ts";
import {
  arange,
  concat,
  flatten,
  oneHot,
  pad,
  reshape,
  slice,
  tensor,
  transpose,
  zeros,
} from "../../mod.ts";

// m = [[0, 1, 2],
//      [3, 4, 5],
//      [6, 7, 8]]
const m = reshape(arange(9), [3, 3]);

Deno.test("transpose() reverses the axes by default and follows perm otherwise", async (t) => {
  await t.step("a 2x3 matrix becomes 3x2", () => {
    assertEquals(transpose(tensor([[1, 2, 3], [4, 5, 6]])).arraySync(), [[1, 4], [2, 5], [3, 6]]);
  });

  await t.step("perm [2, 0, 1]: output axis i is input axis perm[i]", () => {
    // x has shape [2, 1, 3]; the output has shape [3, 2, 1] and out[i][j][k] = x[j][k][i]
    const x = tensor([[[1, 2, 3]], [[4, 5, 6]]]);
    const y = transpose(x, [2, 0, 1]);
    assertEquals(y.shape, [3, 2, 1]);
    assertEquals(y.arraySync(), [[[1], [4]], [[2], [5]], [[3], [6]]]);
  });

  await t.step("the VJP transposes dy back by the inverse permutation", () => {
    const [, vjp] = transpose.vjp(tensor([[1, 2, 3], [4, 5, 6]]));
    const [dx] = vjp(tensor([[1, 2], [3, 4], [5, 6]]));
    assertEquals(dx.arraySync(), [[1, 3, 5], [2, 4, 6]]);
    // with a 3-axis perm: [2, 0, 1] is undone by [1, 2, 0]
    const x = tensor([[[1, 2, 3]], [[4, 5, 6]]]);
    const [y, vjp3] = transpose.vjp(x, [2, 0, 1]);
    assertEquals(vjp3(y)[0].arraySync(), x.arraySync());
  });
});

Deno.test("slice() takes a block; its VJP puts dy back in place with zeros around", async (t) => {
  await t.step("begin [1, 1], size [2, 2]: the bottom-right block", () => {
    assertEquals(slice(m, [1, 1], [2, 2]).arraySync(), [[4, 5], [7, 8]]);
  });

  await t.step("a negative begin counts from the end; size -1 or omitted runs to the end", () => {
    assertEquals(slice(m, [-1, 0], [1, -1]).arraySync(), [[6, 7, 8]]);
    assertEquals(slice(m, [0, 2]).arraySync(), [[2], [5], [8]]);
  });

  await t.step("VJP: dy lands where the block came from", () => {
    const [, vjp] = slice.vjp(m, [1, 1], [2, 2]);
    const [dx] = vjp(tensor([[1, 2], [3, 4]]));
    assertEquals(dx.arraySync(), [[0, 0, 0], [0, 1, 2], [0, 3, 4]]);
  });
});

Deno.test("pad() surrounds x with a value; its VJP slices the middle of dy", () => {
  // [[1, 2], [3, 4]] with one row of 9 before and one column of 9 after:
  //   [[9, 9, 9],
  //    [1, 2, 9],
  //    [3, 4, 9]]
  const x = tensor([[1, 2], [3, 4]]);
  const [y, vjp] = pad.vjp(x, [[1, 0], [0, 1]], { value: 9 });
  assertEquals(y.arraySync(), [[9, 9, 9], [1, 2, 9], [3, 4, 9]]);
  // dy = m: the cells that held x are rows 1-2, cols 0-1: [[3, 4], [6, 7]]
  assertEquals(vjp(m)[0].arraySync(), [[3, 4], [6, 7]]);
  // 1D, zeros by default
  assertEquals(pad(tensor([1, 2]), [[1, 2]]).arraySync(), [0, 1, 2, 0, 0]);
});

Deno.test("concat() joins along an axis; its VJP splits dy into the pieces", async (t) => {
  const a = tensor([[1], [4]]); // [2, 1]
  const b = tensor([[2, 3], [5, 6]]); // [2, 2]

  await t.step("along axis 1 (or -1)", () => {
    assertEquals(concat([a, b], { axis: 1 }).arraySync(), [[1, 2, 3], [4, 5, 6]]);
    assertEquals(concat([a, b], { axis: -1 }).arraySync(), [[1, 2, 3], [4, 5, 6]]);
  });

  await t.step("along axis 0 (the default)", () => {
    assertEquals(concat([b, b]).arraySync(), [[2, 3], [5, 6], [2, 3], [5, 6]]);
  });

  await t.step("VJP: one gradient per input, each the matching part of dy", () => {
    const [, vjp] = concat.vjp([a, b], { axis: 1 });
    const [da, db] = vjp(tensor([[10, 20, 30], [40, 50, 60]]));
    assertEquals(da.arraySync(), [[10], [40]]);
    assertEquals(db.arraySync(), [[20, 30], [50, 60]]);
  });
});

Deno.test("reshape() keeps the row-major order; -1 is inferred", () => {
  const x = arange(6); // [0, 1, 2, 3, 4, 5]
  const y = reshape(x, [2, -1]); // 6 / 2 = 3
  assertEquals(y.shape, [2, 3]);
  assertEquals(y.arraySync(), [[0, 1, 2], [3, 4, 5]]);
  assertEquals(reshape(y, [-1]).arraySync(), [0, 1, 2, 3, 4, 5]);
  assertEquals(reshape(y, [3, 1, -1]).shape, [3, 1, 2]);
  // a scalar and back
  assertEquals(reshape(tensor([7]), []).shape, []);
  // VJP: dy is reshaped back to x's shape
  const [, vjp] = reshape.vjp(x, [2, 3]);
  assertEquals(vjp(tensor([[1, 2, 3], [4, 5, 6]]))[0].arraySync(), [1, 2, 3, 4, 5, 6]);
});

Deno.test("flatten() merges a range of axes", () => {
  const x = zeros([2, 3, 4, 5]);
  assertEquals(flatten(x).shape, [120]);
  assertEquals(flatten(x, { startAxis: 1 }).shape, [2, 60]); // keep the batch axis
  assertEquals(flatten(x, { startAxis: 1, endAxis: 2 }).shape, [2, 12, 5]);
  assertEquals(flatten(x, { startAxis: -2 }).shape, [2, 3, 20]);
  assertEquals(flatten(tensor(3)).shape, [1]); // a scalar becomes one element
  const [y, vjp] = flatten.vjp(tensor([[1, 2], [3, 4]]));
  assertEquals(y.arraySync(), [1, 2, 3, 4]);
  assertEquals(vjp(tensor([5, 6, 7, 8]))[0].arraySync(), [[5, 6], [7, 8]]);
});

Deno.test("oneHot() encodes int32 class indices; out-of-range indices give zeros", () => {
  const idx = tensor([2, 0, 5, -1], { dtype: "int32" });
  assertEquals(oneHot(idx, 3).arraySync(), [[0, 0, 1], [1, 0, 0], [0, 0, 0], [0, 0, 0]]);
  assertEquals(oneHot(idx, 3, { dtype: "int32" }).dtype, "int32");
});
