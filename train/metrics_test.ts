import { assertEquals, assertRejects } from "../tests/assert.ts";
import { tensor } from "../mod.ts";
import { accuracy, confusionMatrix } from "./mod.ts";

const i32 = (v: number[], shape?: number[]) =>
  tensor(v, { dtype: "int32", shape: shape ?? [v.length] });
// predictions: row 0 -> 0, row 1 -> 2, row 2 -> 1, row 3 -> 2
const logits = tensor([[5, 1, 0], [0, 1, 3], [0, 4, 1], [1, 0, 2]]);

Deno.test("accuracy() is the fraction of rows whose argmax is the label", async () => {
  assertEquals(await accuracy(logits, i32([0, 2, 1, 2])), 1);
  assertEquals(await accuracy(logits, i32([0, 2, 0, 0])), 0.5);
  // one-hot targets and [n, 1, 1, classes] logits work too
  const oneHot = tensor([[1, 0, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0]]);
  assertEquals(await accuracy(logits, oneHot), 0.5);
  const conv = tensor(Array.from(logits.dataSync()), { shape: [4, 1, 1, 3] });
  assertEquals(await accuracy(conv, i32([0, 2, 1, 1], [4, 1, 1])), 0.75);
  // ties go to the first class
  assertEquals(await accuracy(tensor([[2, 2]]), i32([0])), 1);
});

Deno.test("confusionMatrix() counts true class by predicted class", async () => {
  const m = await confusionMatrix(logits, i32([0, 2, 0, 1]));
  // row 0 predicted 0 (true 0), row 1 predicted 2 (true 2), row 2 predicted 1 (true 0),
  // row 3 predicted 2 (true 1)
  assertEquals(m, [[1, 1, 0], [0, 0, 1], [0, 0, 1]]);
});

Deno.test("the metrics reject labels that do not fit the logits", async () => {
  await assertRejects(() => accuracy(logits, i32([0, 1])), TypeError, "one class index per row");
  await assertRejects(() => confusionMatrix(logits, i32([0, 1, 2, 3])), RangeError, "[0, 3)");
});
