// Integration with layers/: a small fully convolutional net with batch norm (model state) and
// dropout (random keys) trained by fit() on a seeded toy image task, ending in [n, 1, 1, classes]
// logits as the MNIST BASE net does.

import { assert, assertEquals } from "../tests/assert.ts";
import { key, uniformValues } from "../mod.ts";
import { batchNorm, conv2d, dropout, maxPool2d, relu, serial } from "../layers/mod.ts";
import { adam, batches, confusionMatrix, createTrainState, evaluate, fit } from "./mod.ts";

/** 8x8 one-channel images: class 0 is brighter on the left half, class 1 on the right. */
function images(seed: number, n: number) {
  const noise = uniformValues(key(seed), n * 64);
  const data = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 64; p++) {
      const left = p % 8 < 4;
      const lit = (labels[i] === 0) === left;
      data[i * 64 + p] = (lit ? 0.6 : 0) + noise[i * 64 + p] - 0.5;
    }
  }
  return { x: { data, shape: [n, 8, 8, 1] }, y: labels };
}

Deno.test("fit() trains a conv net with batch norm and dropout, logits [n, 1, 1, c]", async () => {
  const model = serial(
    conv2d(4, 3),
    batchNorm(),
    relu(),
    dropout(0.1),
    maxPool2d(2),
    conv2d(2, 3),
  );
  const init = model.init(key(1), [-1, 8, 8, 1]);
  assertEquals(init.outShape, [-1, 1, 1, 2]);
  const optimizer = adam({ learningRate: 0.05 });
  const train = images(2, 64);
  const validation = images(3, 32);
  const result = await fit(model, createTrainState(init, optimizer), {
    train,
    validation,
    optimizer,
    epochs: 6,
    batchSize: 16,
    key: key(4),
    patience: 3,
  });
  const first = result.history[0];
  const best = result.history[result.bestEpoch];
  assert(best.valLoss! < 0.5 * Math.log(2), `validation loss ${best.valLoss}`);
  assert(best.valAccuracy! >= 0.9, `validation accuracy ${best.valAccuracy}`);
  assert(first.trainLoss > best.trainLoss);
  // the returned state holds batch-norm running averages that evaluate() uses in eval mode
  const data = batches(validation.x, validation.y, { batchSize: 32 });
  const again = await evaluate(model, result, data);
  assert(Math.abs(again.loss - best.valLoss!) < 1e-5);
  const [batch] = batches(validation.x, validation.y, { batchSize: 32 });
  const [logits] = model.apply(result.params, batch.x, { state: result.modelState });
  const m = await confusionMatrix(logits as never, batch.y);
  assertEquals(m[0][0] + m[0][1] + m[1][0] + m[1][1], 32);
});
