import { scalarBackend } from "../backends/scalar/mod.ts";
import { key, randint, type Tensor, tensor } from "../core/mod.ts";
import { summary } from "../layers/mod.ts";
import {
  createTrainState,
  sgd,
  softmaxCrossEntropy,
  type TrainState,
  trainStep,
} from "../train/mod.ts";
import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import { textCnn } from "./text_cnn.ts";

const backend = scalarBackend;

Deno.test("textCnn() counts embedding, one conv per width and the dense layer", () => {
  const net = textCnn(50, 3, { embeddingDim: 8, widths: [2, 3, 4], filters: 5 });
  const s = summary(net, [-1, 12], { backend });
  assertEquals(s.outShape, [-1, 3]);
  const convs = (2 + 3 + 4) * 8 * 5 + 3 * 5;
  assertEquals(s.totalParams, 50 * 8 + convs + 15 * 3 + 3);
  assertEquals(
    s.rows.filter((r) => r.kind === "conv1d").map((r) => r.outShape),
    [[-1, 11, 5], [-1, 10, 5], [-1, 9, 5]],
  );
});

Deno.test("textCnn() learns to tell two token sets apart in a few steps", async () => {
  // Class 0 sentences use tokens 1..9, class 1 tokens 10..19.
  const n = 16;
  const ids = randint(key(1), [n, 6], { min: 1, max: 10, backend });
  const labels = randint(key(2), [n], { min: 0, max: 2, backend });
  const l = await labels.data();
  const v = await ids.data();
  const x = tensor(Int32Array.from(v, (t, i) => t + 10 * l[Math.floor(i / 6)]), {
    shape: [n, 6],
    dtype: "int32",
    backend,
  });
  const net = textCnn(20, 2, { embeddingDim: 4, widths: [2, 3], filters: 4 });
  const optimizer = sgd({ learningRate: 0.5 });
  const step = trainStep(net, softmaxCrossEntropy, optimizer);
  let state: TrainState = createTrainState(net.init(key(0), [-1, 6], { backend }), optimizer);
  const losses: number[] = [];
  for (let i = 0; i < 8; i++) {
    const [next, m] = step(state, { x, y: labels }, key(100 + i));
    losses.push((await m.loss.data())[0]);
    state = next;
  }
  assert(losses[7] < losses[0] * 0.8, `losses ${losses.join(", ")}`);
  const [logits] = net.apply(state.params, x);
  assertEquals((logits as Tensor).shape, [n, 2]);
});

Deno.test("textCnn() rejects bad arguments and sentences shorter than a window", () => {
  assertThrows(() => textCnn(0, 2), RangeError, "textCnn: vocabSize");
  assertThrows(() => textCnn(10, 2, { widths: [] }), TypeError, "textCnn: options.widths");
  assertThrows(() => textCnn(10, 2, { widths: [0] }), RangeError, "textCnn: options.widths[0]");
  assertThrows(() => textCnn(10, 2, { dropout: -0.1 }), RangeError, "textCnn: options.dropout");
  assertThrows(
    () => textCnn(10, 2).init(key(0), [-1, 3], { backend }),
    RangeError,
    "conv1d: the filter (4 with dilation 1 spans 4) is larger",
  );
});
