// Hand-computed examples of conv1d, conv2d, conv2dTranspose and im2col. Every expected array has
// its working above it, so the file doubles as a worked tutorial of the padding and stride rules.
// Convolutions here are cross-correlations (no filter flip), as in every deep-learning library:
//   y[i] = sum_p x[i * stride + p * dilation - padBefore] * w[p]

import { assertEquals } from "../../tests/assert.ts";
import {
  conv1d,
  conv2d,
  conv2dTranspose,
  im2col,
  matmul,
  ones,
  reshape,
  tensor,
} from "../../mod.ts";
import type { Tensor } from "../../mod.ts";

/** The tensor's data as a plain array, for readable comparisons. */
const values = (t: Tensor): number[] => Array.from(t.dataSync());

// x = [1, 2, 3, 4, 5] as one sample of 5 positions with 1 channel, and the difference filter
// [1, 0, -1] as [k, cIn, cOut] = [3, 1, 1]. So y[i] = x[i] - x[i + 2] inside the padded input.
const x5 = tensor([1, 2, 3, 4, 5], { shape: [1, 5, 1] });
const diff = tensor([1, 0, -1], { shape: [3, 1, 1] });

Deno.test("conv1d() of [1..5] with [1, 0, -1]: valid, same, strided and dilated", async (t) => {
  await t.step("valid: 5 - 3 + 1 = 3 outputs", () => {
    // [1-3, 2-4, 3-5]
    const y = conv1d(x5, diff);
    assertEquals(y.shape, [1, 3, 1]);
    assertEquals(values(y), [-2, -2, -2]);
  });

  await t.step("same, stride 1: one zero on each side", () => {
    // total padding = (5-1)*1 + 3 - 5 = 2, so [1, 1]; padded [0, 1, 2, 3, 4, 5, 0]
    // [0-2, 1-3, 2-4, 3-5, 4-0]
    assertEquals(values(conv1d(x5, diff, { padding: "same" })), [-2, -2, -2, -2, 4]);
  });

  await t.step("same with an even filter puts the extra zero after", () => {
    // filter [1, -1]: total = (5-1)*1 + 2 - 5 = 1, so [0, 1]; padded [1, 2, 3, 4, 5, 0]
    // [1-2, 2-3, 3-4, 4-5, 5-0]
    const w = tensor([1, -1], { shape: [2, 1, 1] });
    assertEquals(values(conv1d(x5, w, { padding: "same" })), [-1, -1, -1, -1, 5]);
  });

  await t.step("valid, stride 2: windows start at 0 and 2", () => {
    // floor((5-3)/2) + 1 = 2 outputs: [1-3, 3-5]
    assertEquals(values(conv1d(x5, diff, { stride: 2 })), [-2, -2]);
  });

  await t.step("same, stride 2 on 5 cells: ceil(5/2) = 3 outputs", () => {
    // total = max((3-1)*2 + 3 - 5, 0) = 2, so [1, 1]; padded [0, 1, 2, 3, 4, 5, 0]
    // windows at padded 0, 2, 4: [0-2, 2-4, 4-0]
    assertEquals(values(conv1d(x5, diff, { stride: 2, padding: "same" })), [-2, -2, 4]);
  });

  await t.step("same, stride 2 on 6 cells: the odd total puts the smaller half before", () => {
    // ceil(6/2) = 3 outputs; total = max((3-1)*2 + 3 - 6, 0) = 1, so [0, 1]
    // padded [1, 2, 3, 4, 5, 6, 0], windows at 0, 2, 4: [1-3, 3-5, 5-0]
    const x6 = tensor([1, 2, 3, 4, 5, 6], { shape: [1, 6, 1] });
    assertEquals(values(conv1d(x6, diff, { stride: 2, padding: "same" })), [-2, -2, 5]);
  });

  await t.step("dilation 2: taps 2 cells apart, span (3-1)*2 + 1 = 5", () => {
    // valid: one window, x[0]*1 + x[2]*0 + x[4]*(-1) = 1 - 5
    assertEquals(values(conv1d(x5, diff, { dilation: 2 })), [-4]);
    // same: total = (5-1) + 5 - 5 = 4, so [2, 2]; padded p = [0, 0, 1, 2, 3, 4, 5, 0, 0]
    // y[i] = p[i] - p[i+4]: [0-3, 0-4, 1-5, 2-0, 3-0]
    assertEquals(values(conv1d(x5, diff, { dilation: 2, padding: "same" })), [-3, -4, -4, 2, 3]);
  });
});

Deno.test("conv1d() VJP with stride 2 and same padding, by hand", () => {
  // As above, padded p = [0, 1, 2, 3, 4, 5, 0] and the windows start at padded 0, 2 and 4.
  const [y, vjp] = conv1d.vjp(x5, diff, { stride: 2, padding: "same" });
  const [dx, dw, dbias] = vjp(tensor([1, 2, 3], { shape: y.shape }));
  // dx: each dy[s] flows back through the taps [1, 0, -1] to padded cells 2s, 2s+1, 2s+2:
  //   p[1] (x0): 0*1 = 0;  p[2] (x1): -1*1 + 1*2 = 1;  p[3] (x2): 0*2 = 0;
  //   p[4] (x3): -1*2 + 1*3 = 1;  p[5] (x4): 0*3 = 0
  assertEquals(values(dx), [0, 1, 0, 1, 0]);
  // dw[tap] = sum_s dy[s] * p[2s + tap]:
  //   tap 0: 1*p[0] + 2*p[2] + 3*p[4] = 0 + 4 + 12 = 16
  //   tap 1: 1*p[1] + 2*p[3] + 3*p[5] = 1 + 6 + 15 = 22
  //   tap 2: 1*p[2] + 2*p[4] + 3*p[6] = 2 + 8 + 0 = 10
  assertEquals(dw.shape, [3, 1, 1]);
  assertEquals(values(dw), [16, 22, 10]);
  assertEquals(dbias, undefined); // no bias, no bias gradient
});

Deno.test("conv1d() with two input channels, two output channels and a bias", () => {
  // channel 0 is [1, 2, 3, 4, 5], channel 1 is [10, 20, 30, 40, 50] (interleaved, NWC)
  const x = tensor([1, 10, 2, 20, 3, 30, 4, 40, 5, 50], { shape: [1, 5, 2] });
  // w[p][c][o], shape [3, 2, 2]. The four 1D filters, as (input c -> output o):
  //   c0 -> o0: [1, 0, -1]   (difference)      c1 -> o0: [0, 1, 0]   (middle tap)
  //   c0 -> o1: [1, 1, 1]    (window sum)      c1 -> o1: [-1, 0, 0]  (minus first tap)
  const w = tensor([
    [[1, 1], [0, -1]], // p = 0: [c0: o0, o1], [c1: o0, o1]
    [[0, 1], [1, 0]], // p = 1
    [[-1, 1], [0, 0]], // p = 2
  ]);
  const bias = tensor([10, -1]);
  // 3 outputs (valid). For i = 0, 1, 2:
  //   o0 = (x0[i] - x0[i+2]) + x1[i+1] + 10 = -2 + [20, 30, 40] + 10 = [28, 38, 48]
  //   o1 = (x0[i] + x0[i+1] + x0[i+2]) - x1[i] - 1 = [6, 9, 12] - [10, 20, 30] - 1
  //      = [-5, -12, -19]
  const y = conv1d(x, w, { bias });
  assertEquals(y.shape, [1, 3, 2]);
  assertEquals(values(y), [28, -5, 38, -12, 48, -19]);
});

// The 2D example used below: x is 1x3x3x2 (NHWC), two channels
//   c0 = [[1, 2, 3],      c1 = [[1, 0, 1],
//         [4, 5, 6],            [0, 1, 0],
//         [7, 8, 9]]            [1, 0, 1]]   (a checkerboard)
// stored interleaved: pixel (0,0) = [1, 1], pixel (0,1) = [2, 0], ...
const x2 = tensor([1, 1, 2, 0, 3, 1, 4, 0, 5, 1, 6, 0, 7, 1, 8, 0, 9, 1], { shape: [1, 3, 3, 2] });
// w is 2x2x2x2 (HWIO). The four 2x2 filters, as (input c -> output o):
//   c0 -> o0: [[1, 0], [0, 0]] (top-left tap)    c1 -> o0: [[0, 0], [0, 1]] (bottom-right tap)
//   c0 -> o1: [[1, 1], [1, 1]] (window sum)      c1 -> o1: [[-1, 0], [0, 0]] (minus top-left)
const w2 = tensor([
  [[[1, 1], [0, -1]], [[0, 1], [0, 0]]], // row p = 0: q = 0, q = 1; each [c0: o0, o1], [c1: ...]
  [[[0, 1], [0, 0]], [[0, 1], [1, 0]]], // row p = 1
]);
const bias2 = tensor([1, -1]);

Deno.test("conv2d() of a two-channel 3x3 image with two 2x2 filters and a bias", () => {
  // 2x2 output positions. The c0 windows are [[1,2],[4,5]], [[2,3],[5,6]], [[4,5],[7,8]],
  // [[5,6],[8,9]]; the c1 windows are [[1,0],[0,1]], [[0,1],[1,0]], [[0,1],[1,0]], [[1,0],[0,1]].
  //   o0 = c0 top-left + c1 bottom-right + 1 = [1+1+1, 2+0+1, 4+0+1, 5+1+1] = [3, 3, 5, 7]
  //   o1 = c0 window sum - c1 top-left - 1 = [12-1-1, 16-0-1, 24-0-1, 28-1-1] = [10, 15, 23, 26]
  const y = conv2d(x2, w2, { bias: bias2 });
  assertEquals(y.shape, [1, 2, 2, 2]);
  assertEquals(values(y), [3, 10, 3, 15, 5, 23, 7, 26]);
});

Deno.test("conv2d() VJP with dy = ones: dx, dw and dbias by hand", () => {
  const [y, vjp] = conv2d.vjp(x2, w2, { bias: bias2 });
  const [dx, dw, dbias] = vjp(ones(y.shape));

  // dbias[o] = sum of dy over n, h, w = 4 positions
  assertEquals(values(dbias!), [4, 4]);

  // dw[p, q, c, o] = sum over outputs (i, j) of x[i+p, j+q, c] * dy = the sum of the 2x2 block
  // of channel c starting at (p, q). The same for both o, since dy is all ones.
  //   c0 blocks: (0,0) 1+2+4+5 = 12, (0,1) 16, (1,0) 24, (1,1) 28
  //   c1 blocks: every 2x2 block of the checkerboard holds two ones: 2
  assertEquals(dw.shape, [2, 2, 2, 2]);
  assertEquals(values(dw), [12, 12, 2, 2, 16, 16, 2, 2, 24, 24, 2, 2, 28, 28, 2, 2]);

  // dx[y, x, c] = sum over the taps (p, q) whose window covers (y, x) of S[p, q, c], where
  // S[p, q, c] = sum_o w[p, q, c, o] (dy is ones):  S_c0 = [[2, 1], [1, 1]],
  // S_c1 = [[-1, 0], [0, 1]]. A corner is covered by one tap, an edge by two, the centre by four:
  //   dx_c0 = [[2, 2+1, 1], [2+1, 2+1+1+1, 1+1], [1, 1+1, 1]] = [[2, 3, 1], [3, 5, 2], [1, 2, 1]]
  //   dx_c1 = [[-1, -1, 0], [-1, -1+0+0+1, 1], [0, 1, 1]]
  assertEquals(dx.shape, [1, 3, 3, 2]);
  assertEquals(values(dx), [2, -1, 3, -1, 1, 0, 3, -1, 5, 0, 2, 1, 1, 0, 2, 1, 1, 1]);
});

Deno.test("conv2dTranspose() of dy equals the input gradient of conv2d", () => {
  // The transposed convolution is exactly the dx of the VJP above (without bias).
  const dx = conv2dTranspose(ones([1, 2, 2, 2]), w2, [1, 3, 3, 2]);
  assertEquals(values(dx), [2, -1, 3, -1, 1, 0, 3, -1, 5, 0, 2, 1, 1, 0, 2, 1, 1, 1]);
});

Deno.test('conv2d() with stride 2 and "same" padding pads only after on a 4x4 input', () => {
  // x = [[ 0,  1,  2,  3],
  //      [ 4,  5,  6,  7],
  //      [ 8,  9, 10, 11],
  //      [12, 13, 14, 15]],  w = a 3x3 box of ones.
  // ceil(4/2) = 2 outputs per axis; total padding = (2-1)*2 + 3 - 4 = 1: [0, 1] (none before).
  // Windows start at rows/cols 0 and 2; the second one reaches the padded row/col 4.
  //   (0,0): rows 0-2, cols 0-2: 0+1+2 + 4+5+6 + 8+9+10 = 45
  //   (0,1): rows 0-2, cols 2-3: 2+3 + 6+7 + 10+11 = 39
  //   (1,0): rows 2-3, cols 0-2: 8+9+10 + 12+13+14 = 66
  //   (1,1): rows 2-3, cols 2-3: 10+11 + 14+15 = 50
  // (PyTorch's symmetric padding=1 would instead start at -1 and give 0+1+4+5 = 10 first.)
  const x = tensor(Array.from({ length: 16 }, (_, i) => i), { shape: [1, 4, 4, 1] });
  const y = conv2d(x, ones([3, 3, 1, 1]), { stride: 2, padding: "same" });
  assertEquals(y.shape, [1, 2, 2, 1]);
  assertEquals(values(y), [45, 39, 66, 50]);
  // The explicit form of the same padding gives the same result.
  const explicit = conv2d(x, ones([3, 3, 1, 1]), { stride: 2, padding: [[0, 1], [0, 1]] });
  assertEquals(values(explicit), [45, 39, 66, 50]);
});

Deno.test("im2col() of a two-channel 3x3 image with a 2x2 filter", () => {
  // One row per output position (i, j), one column per (tap p, q, channel c), column index
  // (p * 2 + q) * 2 + c. Each row lists the four pixels of the window, each as [c0, c1]:
  //   (0,0): pixels (0,0) (0,1) (1,0) (1,1) = [1,1] [2,0] [4,0] [5,1]
  //   (0,1): pixels (0,1) (0,2) (1,1) (1,2) = [2,0] [3,1] [5,1] [6,0]
  //   (1,0): pixels (1,0) (1,1) (2,0) (2,1) = [4,0] [5,1] [7,1] [8,0]
  //   (1,1): pixels (1,1) (1,2) (2,1) (2,2) = [5,1] [6,0] [8,0] [9,1]
  const cols = im2col(x2, [2, 2]);
  assertEquals(cols.shape, [4, 8]);
  assertEquals(cols.arraySync(), [
    [1, 1, 2, 0, 4, 0, 5, 1],
    [2, 0, 3, 1, 5, 1, 6, 0],
    [4, 0, 5, 1, 7, 1, 8, 0],
    [5, 1, 6, 0, 8, 0, 9, 1],
  ]);
  // conv2d is this matrix times the filter read as [kh*kw*cIn, cOut] = [8, 2]:
  // o0 = [2, 2, 4, 6] and o1 = [11, 16, 24, 27] (the biased outputs above minus the bias).
  const product = matmul(cols, reshape(w2, [8, 2]));
  assertEquals(values(product), [2, 11, 2, 16, 4, 24, 6, 27]);
  assertEquals(values(reshape(conv2d(x2, w2), [4, 2])), values(product));
});

Deno.test("im2col() with padding 1 and stride 2 fills the padded cells with zeros", () => {
  // x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]] padded by 1 on every side to 5x5:
  //   0 0 0 0 0
  //   0 1 2 3 0
  //   0 4 5 6 0
  //   0 7 8 9 0
  //   0 0 0 0 0
  // A 2x2 window with stride 2: floor((5-2)/2) + 1 = 2 positions per axis, at 0 and 2.
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [1, 3, 3, 1] });
  const cols = im2col(x, 2, { padding: 1, stride: 2 });
  assertEquals(cols.arraySync(), [
    [0, 0, 0, 1], // rows 0-1, cols 0-1
    [0, 0, 2, 3], // rows 0-1, cols 2-3
    [0, 4, 0, 7], // rows 2-3, cols 0-1
    [5, 6, 8, 9], // rows 2-3, cols 2-3
  ]);
  // With the filter [[1, 2], [3, 4]] each output is its row dotted with [1, 2, 3, 4]:
  //   [1*4, 2*3 + 3*4, 4*2 + 7*4, 5*1 + 6*2 + 8*3 + 9*4] = [4, 18, 36, 77]
  const w = tensor([1, 2, 3, 4], { shape: [2, 2, 1, 1] });
  const y = conv2d(x, w, { padding: 1, stride: 2 });
  assertEquals(values(y), [4, 18, 36, 77]);
  assertEquals(values(matmul(cols, reshape(w, [4, 1]))), [4, 18, 36, 77]);
});

Deno.test("im2col() VJP adds each entry back to its cell: cells in more windows get more", () => {
  // dy = ones: every cell receives the number of 2x2 windows that contain it,
  //   [[1, 2, 1], [2, 4, 2], [1, 2, 1]] for each of the two channels.
  const [cols, vjp] = im2col.vjp(x2, [2, 2]);
  const [dx] = vjp(ones(cols.shape));
  assertEquals(values(dx), [1, 1, 2, 2, 1, 1, 2, 2, 4, 4, 2, 2, 1, 1, 2, 2, 1, 1]);
});
