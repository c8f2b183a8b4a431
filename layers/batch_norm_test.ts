import { key, type Tensor } from "../core/mod.ts";
import { assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import { F64, randomTensor, t, values } from "./_harness_test.ts";
import { batchNorm, dense, serial } from "./mod.ts";

const close = (got: number[], want: number[], tol = 1e-9): void => {
  assertEquals(got.length, want.length);
  got.forEach((g, i) => assertAlmostEquals(g, want[i], tol, `element ${i}`));
};

// Two channels, four examples: channel 0 is [1, 2, 3, 6], channel 1 is [10, 10, 10, 30].
// Means 3 and 15; biased variances (4 + 1 + 0 + 9) / 4 = 3.5 and (25 * 3 + 225) / 4 = 75;
// unbiased 14 / 3 and 300 / 3 = 100.
const x = t([1, 10, 2, 10, 3, 10, 6, 30], [4, 2]);

Deno.test("batchNorm() in train mode normalises with the batch statistics", () => {
  const bn = batchNorm({ epsilon: 0 });
  const { params, state } = bn.init(key(0), [-1, 2], F64);
  const [y] = bn.apply(params, x, { mode: "train", state });
  const s0 = Math.sqrt(3.5), s1 = Math.sqrt(75);
  close(values(y as Tensor), [
    -2 / s0,
    -5 / s1,
    -1 / s0,
    -5 / s1,
    0,
    -5 / s1,
    3 / s0,
    15 / s1,
  ]);
});

Deno.test("batchNorm() in train mode updates the running averages (unbiased variance)", () => {
  const bn = batchNorm({ momentum: 0.9 });
  const { params, state } = bn.init(key(0), [-1, 2], F64);
  const [, , next] = bn.apply(params, x, { mode: "train", state });
  // running = 0.9 * running + 0.1 * batch; init mean 0, variance 1
  close(values(next.mean), [0.1 * 3, 0.1 * 15]);
  close(values(next.variance), [0.9 + 0.1 * 14 / 3, 0.9 + 0.1 * 100]);
  // the input state is not changed
  assertEquals(values(state.mean), [0, 0]);
  assertEquals(values(state.variance), [1, 1]);
});

Deno.test("batchNorm() in eval mode uses the running averages and keeps the state", () => {
  const bn = batchNorm({ epsilon: 0 });
  const { params } = bn.init(key(0), [-1, 2], F64);
  const state = { mean: t([1, 10], [2]), variance: t([4, 25], [2]) };
  const scaled = { gamma: t([2, 1], [2]), beta: t([0, 1], [2]) };
  const [y, , same] = bn.apply({ ...params, ...scaled }, x, { state });
  close(values(y as Tensor), [0, 1, 1, 1, 2, 1, 5, 5]);
  assertEquals(same, state);
});

Deno.test("batchNorm() state threads through serial: train updates it, eval reads it", () => {
  const net = serial(dense(3), batchNorm());
  const init = net.init(key(1), [-1, 2], F64);
  let state = init.state;
  for (let step = 0; step < 3; step++) {
    const xs = randomTensor(step, [5, 2]);
    [, , state] = net.apply(init.params, xs, { mode: "train", state });
  }
  const bnState = state[1] as { mean: Tensor; variance: Tensor };
  // three updates moved the running mean away from its initial zeros
  assertEquals(values(bnState.mean).some((m) => m !== 0), true);
  // eval with the threaded state equals a direct eval of the batch-norm layer on dense's output
  const probe = randomTensor(9, [4, 2]);
  const [yNet] = net.apply(init.params, probe, { state });
  const dl = dense(3);
  const [h] = dl.apply(init.params[0] as never, probe);
  const [yDirect] = batchNorm().apply(init.params[1] as never, h, { state: bnState });
  close(values(yNet as Tensor), values(yDirect as Tensor), 1e-12);
});

Deno.test("batchNorm() reports a missing state, wrong channels and bad options", () => {
  const bn = batchNorm();
  const { params } = bn.init(key(0), [-1, 2], F64);
  assertThrows(() => bn.apply(params, x), TypeError, "batchNorm: ctx.state is required");
  const { state } = bn.init(key(0), [-1, 2], F64);
  assertThrows(
    () => bn.apply(params, t([1, 2, 3], [1, 3]), { state }),
    TypeError,
    "batchNorm: x must have rank >= 2 with 2 channels",
  );
  assertThrows(() => bn.init(key(0), [4], F64), TypeError, "inputShape must have rank >= 2");
  assertThrows(() => batchNorm({ momentum: 1.5 }), RangeError, "options.momentum");
  assertThrows(() => bn.apply(params, x, { mode: "fit" as never, state }), TypeError, "ctx.mode");
});
