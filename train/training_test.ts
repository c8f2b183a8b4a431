import { assert, assertEquals, assertThrows } from "../tests/assert.ts";
import { assertGrads } from "../core/grad_check.ts";
import {
  add,
  type DiffOp,
  type Key,
  key,
  matmul,
  mul,
  relu,
  split,
  tanh,
  type Tensor,
  tensor,
  treeFlatten,
  uniform,
} from "../mod.ts";
import type { Ctx, Input, Output } from "../layers/layer.ts";
import { dense } from "../layers/dense.ts";
import {
  adam,
  batches,
  createTrainState,
  evaluate,
  fit,
  type Model,
  sgd,
  softmaxCrossEntropy,
  squaredError,
  trainStep,
  valueAndGrad,
} from "./mod.ts";

type MlpParams = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor };

/** A two-layer perceptron written by hand from ops: x w1 + b1, activation, w2 + b2. */
function mlp(activation: DiffOp<[x: Tensor], [Tensor]>): Model<MlpParams> {
  return {
    apply(p, input) {
      const [h1, v1] = matmul.vjp(input as Tensor, p.w1);
      const [h2, v2] = add.vjp(h1, p.b1);
      const [h3, v3] = activation.vjp(h2);
      const [h4, v4] = matmul.vjp(h3, p.w2);
      const [y, v5] = add.vjp(h4, p.b2);
      const vjp = (dy: Output): [MlpParams, Input] => {
        const [dh4, db2] = v5(dy as Tensor);
        const [dh3, dw2] = v4(dh4);
        const [dh2] = v3(dh3);
        const [dh1, db1] = v2(dh2);
        const [dx, dw1] = v1(dh1);
        return [{ w1: dw1, b1: db1, w2: dw2, b2: db2 }, dx];
      };
      return [y, vjp, {}];
    },
  };
}

function initMlp(k: Key, sizes: [number, number, number], dtype: "float32" | "float64") {
  const [k1, k2, k3, k4] = split(k, 4);
  const [i, h, o] = sizes;
  const u = (kk: Key, shape: number[], s: number) => uniform(kk, shape, { min: -s, max: s, dtype });
  return {
    w1: u(k1, [i, h], 1 / Math.sqrt(i)),
    b1: u(k2, [h], 0.1),
    w2: u(k3, [h, o], 1 / Math.sqrt(h)),
    b2: u(k4, [o], 0.1),
  };
}

/** Points in the square labelled by quadrant parity (XOR): class 1 when x0 * x1 > 0. */
function xorData(k: Key, n: number) {
  const pts = uniform(k, [n, 2], { min: -1, max: 1 }).dataSync() as Float32Array;
  const labels = Int32Array.from(
    { length: n },
    (_, i) => (pts[2 * i] * pts[2 * i + 1] > 0 ? 1 : 0),
  );
  return { x: { data: pts, shape: [n, 2] }, y: labels };
}

const scalar = (t: Tensor): number => t.dataSync()[0];
const flat = (tree: unknown): number[] =>
  treeFlatten(tree as never).leaves.flatMap((l) => Array.from(l.dataSync()));

Deno.test("valueAndGrad() of a model and a loss passes the gradient check", async () => {
  const model = mlp(tanh);
  const x = uniform(key(1), [5, 3], { min: -1, max: 1, dtype: "float64" });
  const labels = tensor([0, 1, 1, 0, 1], { dtype: "int32" });
  const f = valueAndGrad(model, softmaxCrossEntropy);
  const p0 = initMlp(key(2), [3, 4, 2], "float64");
  await assertGrads((w1, b1, w2, b2) => {
    const { loss, grads } = f({ w1, b1, w2, b2 }, x, labels);
    const g = grads as MlpParams;
    return [loss, (dy) => [g.w1, g.b1, g.w2, g.b2].map((t) => mul(t, dy))];
  }, [p0.w1, p0.b1, p0.w2, p0.b2]);
});

Deno.test("valueAndGrad() returns the output and new model state, and checks shapes", () => {
  const seen: Ctx[] = [];
  const stateful: Model = {
    apply(_params, x, ctx = {}) {
      seen.push(ctx);
      return [x, (dy) => [{}, dy], { calls: tensor([1]) }];
    },
  };
  const x = tensor([[0, 1]]);
  const r = valueAndGrad(stateful, softmaxCrossEntropy)({}, x, tensor([1], { dtype: "int32" }), {
    mode: "train",
    key: key(3),
  });
  assertEquals(r.output, x);
  assertEquals(Object.keys(r.state as object), ["calls"]);
  assertEquals(seen[0].mode, "train");
  assertThrows(
    () => valueAndGrad(stateful, squaredError)({}, x, tensor([[0, 0]])),
    TypeError,
    "the loss must be a scalar (shape []), but has shape [1]",
  );
  const pair: Model = { apply: (_p, x) => [[x as Tensor, x as Tensor], (dy) => [{}, dy], {}] };
  assertThrows(
    () => valueAndGrad(pair, softmaxCrossEntropy)({}, x, tensor([1], { dtype: "int32" })),
    TypeError,
    "one Tensor",
  );
  assertThrows(() => valueAndGrad({} as Model, softmaxCrossEntropy), TypeError, "layer");
});

Deno.test("a layer from layers/ is a model: trainStep() runs dense() and keeps its input", () => {
  const model = dense(2);
  const optimizer = sgd({ learningRate: 0.1 });
  const state = createTrainState(model.init(key(0), [-1, 3]), optimizer);
  const batch = { x: tensor([[1, 0, 0], [0, 1, 0]]), y: tensor([0, 1], { dtype: "int32" }) };
  const before = flat(state.params);
  const [next, metrics] = trainStep(model, softmaxCrossEntropy, optimizer)(state, batch, key(1));
  assertEquals(next.step, 1);
  assertEquals(state.step, 0);
  assertEquals(flat(state.params), before);
  assertEquals(metrics.output.shape, [2, 2]);
  assertEquals(metrics.loss.shape, []);
});

Deno.test("trainStep() passes mode, key and model state to the model", () => {
  const seen: Ctx[] = [];
  const model: Model = {
    apply(params, x, ctx = {}) {
      seen.push(ctx);
      const [y, vjp] = mul.vjp(x as Tensor, (params as { s: Tensor }).s);
      return [y, (dy) => {
        const [dx, ds] = vjp(dy as Tensor);
        return [{ s: ds }, dx];
      }, { seen: tensor([seen.length]) }];
    },
  };
  const optimizer = sgd({ learningRate: 1 });
  const s0 = createTrainState(
    { params: { s: tensor([1]) }, state: { seen: tensor([0]) } },
    optimizer,
  );
  const step = trainStep(model, softmaxCrossEntropy, optimizer);
  const batch = { x: tensor([[1, 2]]), y: tensor([1], { dtype: "int32" }) };
  const [s1] = step(s0, batch, key(9));
  assertEquals(seen[0].mode, "train");
  assertEquals(seen[0].key, key(9));
  assertEquals(flat(seen[0].state), [0]);
  assertEquals(flat(s1.modelState), [1]);
});

Deno.test("a tiny net's loss falls on a seeded XOR task with adam", () => {
  const model = mlp(relu);
  const optimizer = adam({ learningRate: 0.05 });
  const { x, y } = xorData(key(10), 64);
  const step = trainStep(model, softmaxCrossEntropy, optimizer);
  let state = createTrainState({ params: initMlp(key(11), [2, 16, 2], "float32") }, optimizer);
  const losses: number[] = [];
  for (let epoch = 0; epoch < 40; epoch++) {
    for (const batch of batches(x, y, { batchSize: 16, key: key(100 + epoch) })) {
      const [next, metrics] = step(state, batch);
      losses.push(scalar(metrics.loss));
      state = next;
    }
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const first = mean(losses.slice(0, 8));
  const last = mean(losses.slice(-8));
  assert(first > 0.6, `first losses ${first}`); // about log 2 at the start
  assert(last < 0.25 * first, `loss fell from ${first} to ${last} only`);
  assertEquals(state.step, 160);
});

Deno.test("evaluate() weights batch losses by batch size", async () => {
  const model = mlp(tanh);
  const params = initMlp(key(20), [2, 3, 2], "float32");
  const { x, y } = xorData(key(21), 7);
  const whole = await evaluate(model, { params }, batches(x, y, { batchSize: 7 }));
  const split3 = await evaluate(model, { params }, batches(x, y, { batchSize: 3 }));
  assertEquals(whole.count, 7);
  assert(Math.abs(whole.loss - split3.loss) < 1e-6);
  assertEquals(whole.accuracy, split3.accuracy);
  const noAcc = await evaluate(model, { params }, batches(x, y, { batchSize: 3 }), {
    accuracy: false,
  });
  assertEquals(noAcc.accuracy, undefined);
});

Deno.test("fit() stops early on a rising validation loss and returns the best params", async () => {
  const model = mlp(relu);
  const optimizer = adam({ learningRate: 0.05 });
  const train = xorData(key(30), 48);
  // The validation labels are the training labels flipped: the better the net learns the task,
  // the worse it does there, so the validation loss rises after the first epochs.
  const validation = { x: train.x, y: train.y.map((c) => 1 - c) };
  const start = createTrainState({ params: initMlp(key(31), [2, 16, 2], "float32") }, optimizer);
  const batchesSeen: number[] = [];
  const run = () =>
    fit(model, start, {
      train,
      validation,
      optimizer,
      epochs: 30,
      batchSize: 16,
      key: key(32),
      patience: 3,
      onBatch: (r) => {
        batchesSeen.push(r.batch);
      },
    });
  const result = await run();
  assert(result.stoppedEarly);
  const val = result.history.map((h) => h.valLoss!);
  const best = val.indexOf(Math.min(...val));
  assertEquals(result.bestEpoch, best);
  assertEquals(result.history.length, best + 1 + 3);
  assertEquals(batchesSeen.length, result.history.length * 3);
  assertEquals(batchesSeen.slice(0, 3), [0, 1, 2]);
  // the returned params are the best epoch's, not the last ones
  const evalBest = await evaluate(
    model,
    result,
    batches(validation.x, validation.y, { batchSize: 16 }),
  );
  assert(Math.abs(evalBest.loss - val[best]) < 1e-6);
  const evalLast = await evaluate(
    model,
    result.trainState,
    batches(validation.x, validation.y, { batchSize: 16 }),
  );
  assert(evalLast.loss > evalBest.loss);
  // deterministic for a key
  const again = await run();
  assertEquals(flat(again.params), flat(result.params));
});

Deno.test("fit() without validation runs every epoch and returns the last params", async () => {
  const model = mlp(relu);
  const optimizer = sgd({ learningRate: 0.1 });
  const train = xorData(key(40), 20);
  const start = createTrainState({ params: initMlp(key(41), [2, 4, 2], "float32") }, optimizer);
  const epochs: number[] = [];
  const result = await fit(model, start, {
    train,
    optimizer,
    epochs: 3,
    batchSize: 8,
    key: key(42),
    onEpoch: (r) => {
      epochs.push(r.epoch);
    },
  });
  assertEquals(epochs, [0, 1, 2]);
  assertEquals(result.bestEpoch, 2);
  assertEquals(result.trainState.step, 9);
  assertEquals(flat(result.params), flat(result.trainState.params));
  assert(result.history.every((h) => h.valLoss === undefined && h.trainAccuracy !== undefined));
});
