// Hand-computed examples of matmul: transposes, batch broadcasting and the VJP.

import { assertEquals } from "../../tests/assert.ts";
import { matmul, ones, tensor } from "../../mod.ts";

// a = [[1, 2],    b = [[5, 6],
//      [3, 4]]         [7, 8]]
const a = tensor([[1, 2], [3, 4]]);
const b = tensor([[5, 6], [7, 8]]);

Deno.test("matmul() of two 2x2 matrices, with and without transposes", () => {
  // a b = [[1*5 + 2*7, 1*6 + 2*8], [3*5 + 4*7, 3*6 + 4*8]]
  assertEquals(matmul(a, b).arraySync(), [[19, 22], [43, 50]]);
  // a^T = [[1, 3], [2, 4]]:  a^T b = [[1*5 + 3*7, 1*6 + 3*8], [2*5 + 4*7, 2*6 + 4*8]]
  assertEquals(matmul(a, b, { transposeA: true }).arraySync(), [[26, 30], [38, 44]]);
  // b^T = [[5, 7], [6, 8]]:  a b^T = [[1*5 + 2*6, 1*7 + 2*8], [3*5 + 4*6, 3*7 + 4*8]]
  assertEquals(matmul(a, b, { transposeB: true }).arraySync(), [[17, 23], [39, 53]]);
  // a^T b^T = (b a)^T;  b a = [[5 + 18, 10 + 24], [7 + 24, 14 + 32]] = [[23, 34], [31, 46]]
  assertEquals(
    matmul(a, b, { transposeA: true, transposeB: true }).arraySync(),
    [[23, 31], [34, 46]],
  );
});

Deno.test("matmul() of non-square matrices: [2, 3] @ [3, 1] is [2, 1]", () => {
  // rows of [[1, 2, 3], [4, 5, 6]] dotted with [1, 0, -1]: [1 - 3, 4 - 6]
  const y = matmul(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[1], [0], [-1]]));
  assertEquals(y.shape, [2, 1]);
  assertEquals(y.arraySync(), [[-2], [-2]]);
});

Deno.test("matmul() broadcasts the leading (batch) axes", async (t) => {
  await t.step("a batch of two matrices times one matrix", () => {
    // a = [I, 2I] (shape [2, 2, 2]) times b (shape [2, 2]) gives [b, 2b]
    const batch = tensor([[[1, 0], [0, 1]], [[2, 0], [0, 2]]]);
    const y = matmul(batch, b);
    assertEquals(y.shape, [2, 2, 2]);
    assertEquals(y.arraySync(), [[[5, 6], [7, 8]], [[10, 12], [14, 16]]]);
  });

  await t.step("batch axes of size 1 repeat: [2, 1, 2, 3] @ [3, 3, 4] is [2, 3, 2, 4]", () => {
    // The batch shapes [2, 1] and [3] broadcast to [2, 3]; with all-ones inputs every entry
    // is the inner size 3.
    const y = matmul(ones([2, 1, 2, 3]), ones([3, 3, 4]));
    assertEquals(y.shape, [2, 3, 2, 4]);
    assertEquals(Array.from(y.dataSync()), new Array(48).fill(3));
  });
});

Deno.test("matmul() VJP: da = dy b^T and db = a^T dy", async (t) => {
  await t.step("plain product with dy = ones", () => {
    const [, vjp] = matmul.vjp(a, b);
    const [da, db] = vjp(ones([2, 2]));
    // da[i][p] = sum_j dy[i][j] b[p][j] = the row sums of b, [5+6, 7+8] = [11, 15], in each row
    assertEquals(da.arraySync(), [[11, 15], [11, 15]]);
    // db[p][j] = sum_i a[i][p] dy[i][j] = the column sums of a, [1+3, 2+4] = [4, 6], down each
    // column
    assertEquals(db.arraySync(), [[4, 4], [6, 6]]);
  });

  await t.step("with transposeA the gradient comes back in a's own layout", () => {
    // y = a^T b. da[p][i] = sum_j b[p][j] dy[i][j] = row sums of b: [[11, 11], [15, 15]]
    // db[p][j] = sum_i a^T[i][p] dy[i][j] = sum_i a[p][i] = row sums of a: [[3, 3], [7, 7]]
    const [, vjp] = matmul.vjp(a, b, { transposeA: true });
    const [da, db] = vjp(ones([2, 2]));
    assertEquals(da.arraySync(), [[11, 11], [15, 15]]);
    assertEquals(db.arraySync(), [[3, 3], [7, 7]]);
  });

  await t.step("a broadcast operand's gradient is summed over the batch", () => {
    // a = [I, 2I], b shared by both: db = I^T ones + (2I)^T ones = 3 * ones.
    // Each da_z = ones b^T = [[11, 15], [11, 15]].
    const batch = tensor([[[1, 0], [0, 1]], [[2, 0], [0, 2]]]);
    const [, vjp] = matmul.vjp(batch, b);
    const [da, db] = vjp(ones([2, 2, 2]));
    assertEquals(da.shape, [2, 2, 2]);
    assertEquals(da.arraySync(), [[[11, 15], [11, 15]], [[11, 15], [11, 15]]]);
    assertEquals(db.shape, [2, 2]);
    assertEquals(db.arraySync(), [[3, 3], [3, 3]]);
  });

  await t.step("size-1 batch axes on both sides: each gradient keeps its operand's shape", () => {
    // a: [2, 1, 2, 3], b: [3, 3, 4], y: [2, 3, 2, 4], all ones, dy = ones.
    // da[z, 0, i, p] = sum over the 3 b-batches of sum_j b[p][j] = 3 * 4 = 12
    // db[z, p, j] = sum over the 2 a-batches of sum_i a[i][p] = 2 * 2 = 4
    const [y, vjp] = matmul.vjp(ones([2, 1, 2, 3]), ones([3, 3, 4]));
    const [da, db] = vjp(ones(y.shape));
    assertEquals(da.shape, [2, 1, 2, 3]);
    assertEquals(Array.from(da.dataSync()), new Array(12).fill(12));
    assertEquals(db.shape, [3, 3, 4]);
    assertEquals(Array.from(db.dataSync()), new Array(36).fill(4));
  });
});
