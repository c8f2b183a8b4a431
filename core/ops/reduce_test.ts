// Hand-computed examples of the reductions: axes, keepDims, argmax ties and the VJPs.

import { assertEquals } from "../../tests/assert.ts";
import { argmax, argmin, max, mean, min, sum, tensor, zeros } from "../../mod.ts";

// x = [[1, 2, 3],
//      [4, 5, 6]]
const x = tensor([[1, 2, 3], [4, 5, 6]]);

Deno.test("sum() over all axes, one axis, negative axes and several axes", () => {
  const all = sum(x); // 1 + 2 + ... + 6
  assertEquals(all.shape, []);
  assertEquals(all.arraySync(), 21);
  assertEquals(sum(x, { axis: 0 }).arraySync(), [5, 7, 9]); // column sums: 1+4, 2+5, 3+6
  assertEquals(sum(x, { axis: 1 }).arraySync(), [6, 15]); // row sums: 1+2+3, 4+5+6
  assertEquals(sum(x, { axis: -1 }).arraySync(), [6, 15]); // -1 is the last axis
  assertEquals(sum(x, { axis: [0, 1] }).arraySync(), 21);
  assertEquals(sum(x, { axis: [] }).arraySync(), x.arraySync()); // no axes: unchanged
});

Deno.test("keepDims keeps each reduced axis with size 1 (handy for broadcasting back)", () => {
  const rows = sum(x, { axis: 1, keepDims: true });
  assertEquals(rows.shape, [2, 1]);
  assertEquals(rows.arraySync(), [[6], [15]]);
  const all = sum(x, { keepDims: true });
  assertEquals(all.shape, [1, 1]);
  assertEquals(all.arraySync(), [[21]]);
});

Deno.test("mean(), max() and min() along an axis", () => {
  assertEquals(mean(x, { axis: 0 }).arraySync(), [2.5, 3.5, 4.5]); // (1+4)/2, (2+5)/2, (3+6)/2
  assertEquals(mean(x).arraySync(), 3.5); // 21 / 6
  assertEquals(max(x, { axis: 1 }).arraySync(), [3, 6]);
  assertEquals(min(x, { axis: 0 }).arraySync(), [1, 2, 3]);
  assertEquals(max(x).arraySync(), 6);
});

Deno.test("a sum over an empty axis is 0", () => {
  assertEquals(sum(zeros([2, 0]), { axis: 1 }).arraySync(), [0, 0]);
});

Deno.test("argmax() and argmin() return int32 indices; ties go to the first index", () => {
  // row 0: [1, 5, 5] has its max 5 at indices 1 and 2 -> 1; row 1: [7, 7, 0] -> 0
  const ties = tensor([[1, 5, 5], [7, 7, 0]]);
  const am = argmax(ties); // the last axis by default
  assertEquals(am.dtype, "int32");
  assertEquals(am.arraySync(), [1, 0]);
  // down the columns: [1, 7] -> 1, [5, 7] -> 1, [5, 0] -> 0
  assertEquals(argmax(ties, { axis: 0 }).arraySync(), [1, 1, 0]);
  // row 0 min 1 at 0; row 1 min 0 at 2
  assertEquals(argmin(ties).arraySync(), [0, 2]);
  // min ties: [[3, 3], [2, 2]] -> index 0 in each row
  assertEquals(argmin(tensor([[3, 3], [2, 2]])).arraySync(), [0, 0]);
});

Deno.test("reduction VJPs broadcast dy back over the reduced axes", async (t) => {
  await t.step("sum: every element of a row gets that row's dy", () => {
    const [, vjp] = sum.vjp(x, { axis: 1 });
    const [dx] = vjp(tensor([1, 2]));
    assertEquals(dx.arraySync(), [[1, 1, 1], [2, 2, 2]]);
  });

  await t.step("sum with keepDims takes dy in the kept shape", () => {
    const [y, vjp] = sum.vjp(x, { axis: 0, keepDims: true });
    assertEquals(y.shape, [1, 3]);
    const [dx] = vjp(tensor([[1, 2, 3]]));
    assertEquals(dx.arraySync(), [[1, 2, 3], [1, 2, 3]]);
  });

  await t.step("mean: dy divided by the number of elements averaged", () => {
    // axis 0 averages 2 elements: [3, 6, 9] / 2
    const [, vjp] = mean.vjp(x, { axis: 0 });
    const [dx] = vjp(tensor([3, 6, 9]));
    assertEquals(dx.arraySync(), [[1.5, 3, 4.5], [1.5, 3, 4.5]]);
  });

  await t.step("max and min: all of dy goes to the first extreme element", () => {
    // max of [1, 5, 5] is at 1 (first of the tie); max of [7, 0, 7] at 0
    const t2 = tensor([[1, 5, 5], [7, 0, 7]]);
    const [, vjpMax] = max.vjp(t2, { axis: 1 });
    assertEquals(vjpMax(tensor([10, 20]))[0].arraySync(), [[0, 10, 0], [20, 0, 0]]);
    // min of [1, 5, 5] is at 0; min of [7, 0, 7] at 1
    const [, vjpMin] = min.vjp(t2, { axis: 1 });
    assertEquals(vjpMin(tensor([10, 20]))[0].arraySync(), [[10, 0, 0], [0, 20, 0]]);
  });

  await t.step("max over all axes: one element gets dy", () => {
    const [, vjp] = max.vjp(x);
    assertEquals(vjp(tensor(1))[0].arraySync(), [[0, 0, 0], [0, 0, 1]]);
  });
});
