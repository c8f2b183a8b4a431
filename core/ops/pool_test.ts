// Hand-computed examples of max and average pooling and their VJPs: non-overlapping and
// overlapping windows, "same" padding, and the countPadded switch of average pooling.

import { assertAlmostEquals, assertEquals } from "../../tests/assert.ts";
import {
  avgPool2d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
  maxPool2d,
  ones,
  tensor,
} from "../../mod.ts";
import type { Tensor } from "../../mod.ts";

/** The tensor's data as a plain array, for readable comparisons. */
const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** Asserts element-wise closeness (for results like 1/9 that float32 cannot hold exactly). */
function assertClose(actual: Tensor, expected: number[], tol = 1e-6): void {
  const got = values(actual);
  assertEquals(got.length, expected.length, "length");
  got.forEach((v, i) => assertAlmostEquals(v, expected[i], tol, `element ${i}`));
}

// x = [[ 0,  1,  2,  3],
//      [ 4,  5,  6,  7],
//      [ 8,  9, 10, 11],
//      [12, 13, 14, 15]]   as [n, h, w, c] = [1, 4, 4, 1]
const x4 = tensor(Array.from({ length: 16 }, (_, i) => i), { shape: [1, 4, 4, 1] });

// x = [[1, 2, 3],
//      [4, 5, 6],
//      [7, 8, 9]]   as [1, 3, 3, 1]
const x3 = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [1, 3, 3, 1] });

Deno.test("maxPool2d() and avgPool2d() with 2x2 windows and stride 2 on a 4x4 image", () => {
  // The windows are the four 2x2 quadrants:
  //   [[0,1],[4,5]]  [[2,3],[6,7]]  [[8,9],[12,13]]  [[10,11],[14,15]]
  // max: [5, 7, 13, 15]; mean: [(0+1+4+5)/4, (2+3+6+7)/4, ...] = [2.5, 4.5, 10.5, 12.5]
  const mx = maxPool2d(x4, 2); // the stride defaults to the window: no overlap
  assertEquals(mx.shape, [1, 2, 2, 1]);
  assertEquals(values(mx), [5, 7, 13, 15]);
  assertEquals(values(avgPool2d(x4, 2)), [2.5, 4.5, 10.5, 12.5]);
});

Deno.test("3x3 windows with stride 1 overlap: 2x2 outputs on a 4x4 image", () => {
  // Windows start at rows/cols 0 and 1. Each 3x3 window's max is its bottom-right cell and its
  // mean is its centre cell (the values grow linearly):
  //   max:  [10, 11, 14, 15]    mean: [5, 6, 9, 10]
  assertEquals(values(maxPool2d(x4, 3, { stride: 1 })), [10, 11, 14, 15]);
  assertEquals(values(avgPool2d(x4, 3, { stride: 1 })), [5, 6, 9, 10]);
});

Deno.test('"same" padding: countPadded decides whether padded cells count in the mean', () => {
  // A 2x2 window, stride 1, on 3x3: ceil(3/1) = 3 outputs; total padding = 2 + 2 - 3 = 1, [0, 1]:
  // one zero row below and one zero column on the right. Window (i, j) covers rows i..i+1 and
  // cols j..j+1; the windows in the last row or column hold only 2 (or 1) real cells.
  //   sums: (0,0) 1+2+4+5 = 12   (0,1) 2+3+5+6 = 16   (0,2) 3+6 = 9
  //         (1,0) 4+5+7+8 = 24   (1,1) 5+6+8+9 = 28   (1,2) 6+9 = 15
  //         (2,0) 7+8 = 15       (2,1) 8+9 = 17       (2,2) 9
  // countPadded false (the default, as TensorFlow): divide by the real cells (4, 2 or 1):
  //   [3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9]
  const real = avgPool2d(x3, 2, { stride: 1, padding: "same" });
  assertEquals(real.shape, [1, 3, 3, 1]);
  assertEquals(values(real), [3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9]);
  // countPadded true (as PyTorch's default): always divide by the window area 4:
  //   [3, 4, 9/4, 6, 7, 15/4, 15/4, 17/4, 9/4]
  const area = avgPool2d(x3, 2, { stride: 1, padding: "same", countPadded: true });
  assertEquals(values(area), [3, 4, 2.25, 6, 7, 3.75, 3.75, 4.25, 2.25]);
});

Deno.test('maxPool2d() with "same" padding never lets a padded cell win', () => {
  // Negated values -1..-9: if the zero padding could win, the last row and column would be 0.
  // Each 2x2 window's max is its top-left cell, so the output equals the input.
  const neg = tensor([-1, -2, -3, -4, -5, -6, -7, -8, -9], { shape: [1, 3, 3, 1] });
  assertEquals(values(maxPool2d(neg, 2, { stride: 1, padding: "same" })), values(neg));
});

Deno.test("maxPool2d() VJP sends each dy to its window's winner", async (t) => {
  await t.step("non-overlapping windows: one winner each", () => {
    // Winners of the four quadrants: 5, 7, 13, 15 (flat indices 5, 7, 13, 15).
    const [, vjp] = maxPool2d.vjp(x4, 2);
    const [dx] = vjp(tensor([1, 2, 3, 4], { shape: [1, 2, 2, 1] }));
    const expected = new Array(16).fill(0);
    expected[5] = 1;
    expected[7] = 2;
    expected[13] = 3;
    expected[15] = 4;
    assertEquals(values(dx), expected);
  });

  await t.step("overlapping windows add up at a shared winner", () => {
    // Put 99 at (1, 1): it lies in all four overlapping 3x3 windows and wins each of them,
    // so it receives dy[0] + dy[1] + dy[2] + dy[3] = 1 + 2 + 3 + 4 = 10.
    const data = Array.from({ length: 16 }, (_, i) => i);
    data[5] = 99;
    const x = tensor(data, { shape: [1, 4, 4, 1] });
    const [y, vjp] = maxPool2d.vjp(x, 3, { stride: 1 });
    assertEquals(values(y), [99, 99, 99, 99]);
    const [dx] = vjp(tensor([1, 2, 3, 4], { shape: [1, 2, 2, 1] }));
    const expected = new Array(16).fill(0);
    expected[5] = 10;
    assertEquals(values(dx), expected);
  });

  await t.step("ties go to the first cell in row-major window order", () => {
    // All four cells equal: the top-left one wins.
    const [, vjp] = maxPool2d.vjp(ones([1, 2, 2, 1]), 2);
    assertEquals(values(vjp(ones([1, 1, 1, 1]))[0]), [1, 0, 0, 0]);
  });
});

Deno.test("avgPool2d() VJP spreads dy over each window; overlaps add up", async (t) => {
  await t.step("3x3 windows, stride 1 on 4x4: each cell gets (windows covering it) / 9", () => {
    // Along one axis the windows start at 0 and 1, so cells 0..3 are covered by 1, 2, 2, 1 of
    // them; a cell (r, c) by count[r] * count[c]:
    //   [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]] / 9
    const [y, vjp] = avgPool2d.vjp(x4, 3, { stride: 1 });
    const [dx] = vjp(ones(y.shape));
    const counts = [1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1];
    assertClose(dx, counts.map((n) => n / 9));
  });

  await t.step(
    '"same" padding with countPadded false: each window divides by its real cells',
    () => {
      // The nine windows of the "same" example above, with divisors
      //   [[4, 4, 2], [4, 4, 2], [2, 2, 1]]. Cell (r, c) gets the sum of 1/divisor over the
      // windows (i, j) with i in {r-1, r}, j in {c-1, c}:
      //   (0,0): 1/4                 (0,1): 1/4 + 1/4 = 0.5          (0,2): 1/4 + 1/2 = 0.75
      //   (1,0): 1/4 + 1/4 = 0.5     (1,1): 4 * 1/4 = 1              (1,2): 1/4+1/2+1/4+1/2 = 1.5
      //   (2,0): 1/4 + 1/2 = 0.75    (2,1): 1/4+1/4+1/2+1/2 = 1.5   (2,2): 1/4+1/2+1/2+1 = 2.25
      // (The total, 9, is the number of windows: each passes on exactly its dy of 1.)
      const [y, vjp] = avgPool2d.vjp(x3, 2, { stride: 1, padding: "same" });
      assertEquals(values(vjp(ones(y.shape))[0]), [0.25, 0.5, 0.75, 0.5, 1, 1.5, 0.75, 1.5, 2.25]);
    },
  );

  await t.step('"same" padding with countPadded true: every window divides by 4', () => {
    // Each real cell gets (windows covering it) / 4; the share that would go to padded
    // cells is dropped. Covering counts: [[1, 2, 2], [2, 4, 4], [2, 4, 4]].
    const [y, vjp] = avgPool2d.vjp(x3, 2, { stride: 1, padding: "same", countPadded: true });
    assertEquals(values(vjp(ones(y.shape))[0]), [0.25, 0.5, 0.5, 0.5, 1, 1, 0.5, 1, 1]);
  });
});

Deno.test("the global pools reduce over every position, one value per channel", () => {
  // Two channels on a 2x2 image: c0 = [0, 2, 4, 6], c1 = [1, 3, 5, 7] (interleaved 0..7).
  const x = tensor([0, 1, 2, 3, 4, 5, 6, 7], { shape: [1, 2, 2, 2] });
  assertEquals(values(globalMaxPool2d(x)), [6, 7]);
  assertEquals(values(globalAvgPool2d(x)), [3, 4]); // (0+2+4+6)/4, (1+3+5+7)/4
  // 1D: [n, w, c] = [1, 2, 2] -> the max over w per channel
  assertEquals(values(globalMaxPool1d(tensor([[[1, 9], [4, 2]]]))), [4, 9]);
});
