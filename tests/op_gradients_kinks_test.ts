/**
 * Example tests pinning the op-level gradient conventions at kinks and ties, which the generated
 * properties steer away from: relu'(0) = 0, abs'(0) = 0, maximum/minimum ties give the gradient
 * to `a`, reduce max/min ties and max-pool ties go to the first element (in row-major or window
 * order), and padded cells never win a max-pool window.
 * @module
 */

import {
  abs,
  globalMaxPool1d,
  globalMaxPool2d,
  max,
  maximum,
  maxPool2d,
  min,
  minimum,
  relu,
  sign,
} from "../core/ops/mod.ts";
import { tensor } from "../core/create.ts";
import type { Tensor } from "../core/tensor.ts";
import { scalarBackend } from "../backends/scalar/mod.ts";
import { assertEquals } from "./assert.ts";

const backend = scalarBackend;
const f64 = (values: number[], shape: number[]): Tensor =>
  tensor(values, { shape, dtype: "float64", backend });
const ones = (y: Tensor): Tensor =>
  tensor(new Array(y.size).fill(1), { shape: y.shape, dtype: y.dtype, backend });
const read = async (g: Tensor | undefined): Promise<number[]> => Array.from(await g!.data());

Deno.test("relu'(0) = 0 and abs'(0) = 0 and sign' = 0", async () => {
  const x = f64([-1, 0, 2], [3]);
  for (const [op, expected] of [[relu, [0, 0, 1]], [abs, [-1, 0, 1]], [sign, [0, 0, 0]]] as const) {
    const [y, vjp] = op.vjp(x);
    assertEquals(await read(vjp(ones(y))[0]), [...expected], op.opName);
  }
});

Deno.test("maximum() and minimum() give the gradient of a tie to a", async () => {
  const a = f64([1, 2, 5], [3]);
  const b = f64([1, 3, 4], [3]);
  const [y, vjp] = maximum.vjp(a, b);
  const [da, db] = vjp(ones(y));
  assertEquals(await read(da), [1, 0, 1]);
  assertEquals(await read(db), [0, 1, 0]);
  const [y2, vjp2] = minimum.vjp(a, b);
  const [da2, db2] = vjp2(ones(y2));
  assertEquals(await read(da2), [1, 1, 0]);
  assertEquals(await read(db2), [0, 0, 1]);
});

Deno.test("max() and min() reductions give a tie's gradient to the first element", async () => {
  const x = f64([3, 1, 3, 0, 2, 0], [2, 3]);
  const dy = f64([10, 20], [2]);
  assertEquals(await read(max.vjp(x, { axis: 1 })[1](dy)[0]), [10, 0, 0, 0, 20, 0]);
  assertEquals(await read(min.vjp(x, { axis: 1 })[1](dy)[0]), [0, 10, 0, 20, 0, 0]);
  // over every axis, the first in row-major order
  const all = f64([1, 4, 4, 4], [2, 2]);
  assertEquals(await read(max.vjp(all)[1](f64([1], []))[0]), [0, 1, 0, 0]);
  // over the leading axis, ties in each column
  const cols = f64([5, 2, 5, 2], [2, 2]);
  assertEquals(await read(max.vjp(cols, { axis: 0 })[1](dy)[0]), [10, 20, 0, 0]);
});

Deno.test("global max pools give a tie's gradient to the first position", async () => {
  // [1, 2, 2, 1]: all four positions tie
  const x = f64([7, 7, 7, 7], [1, 2, 2, 1]);
  assertEquals(await read(globalMaxPool2d.vjp(x)[1](f64([3], [1, 1]))[0]), [3, 0, 0, 0]);
  // [1, 3, 2]: channel 0 ties at positions 1 and 2, channel 1 at 0 and 2
  const x1 = f64([0, 9, 4, 1, 4, 9], [1, 3, 2]);
  const expected = [0, 2, 1, 0, 0, 0];
  assertEquals(await read(globalMaxPool1d.vjp(x1)[1](f64([1, 2], [1, 2]))[0]), expected);
});

Deno.test("maxPool2d() gives a tie to the first cell in window order", async () => {
  // one 2x2 window, all tied: the top-left cell wins
  const flat = f64([5, 5, 5, 5], [1, 2, 2, 1]);
  assertEquals(await read(maxPool2d.vjp(flat, 2)[1](f64([3], [1, 1, 1, 1]))[0]), [3, 0, 0, 0]);
  // a tie between the second row's cells: (1, 0) comes before (1, 1) in row-major window order
  const row = f64([0, 1, 6, 6], [1, 2, 2, 1]);
  assertEquals(await read(maxPool2d.vjp(row, 2)[1](f64([1], [1, 1, 1, 1]))[0]), [0, 0, 1, 0]);
  // overlapping windows (stride 1) add up at the shared winner
  const x = f64([1, 2, 2, 2, 0, 2], [1, 2, 3, 1]);
  const [y, vjp] = maxPool2d.vjp(x, 2, { stride: 1 });
  assertEquals(await read(y), [2, 2]);
  assertEquals(await read(vjp(f64([1, 10], y.shape as number[]))[0]), [0, 11, 0, 0, 0, 0]);
});

Deno.test("maxPool2d() never gives a padded cell the win, even over negative values", async () => {
  const x = f64([-3, -1, -2, -4], [1, 2, 2, 1]);
  const [y, vjp] = maxPool2d.vjp(x, 2, { stride: 1, padding: [[1, 0], [1, 0]] });
  assertEquals(await read(y), [-3, -1, -2, -1]);
  assertEquals(await read(vjp(f64([1, 2, 3, 4], [1, 2, 2, 1]))[0]), [1, 6, 3, 0]);
});
