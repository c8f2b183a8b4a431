import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import { type Tensor, tensor, type Tree, treeFlatten } from "../mod.ts";
import {
  adam,
  adamw,
  addDecayedWeights,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  globalNorm,
  momentum,
  type Optimizer,
  rmsprop,
  sgd,
} from "./mod.ts";

// A tiny param tree and two gradient trees, all float64 so the hand arithmetic below is exact
// to rounding. Leaves in order: w[0], w[1], b[0].
const f64 = (v: number[]): Tensor => tensor(v, { dtype: "float64" });
const params = (): Tree => ({ w: f64([1, 2]), b: f64([0.5]) });
const g1v = [0.1, -0.2, 0.3];
const g2v = [0.2, 0.4, -0.1];
const p0 = [1, 2, 0.5];
const tree = (v: number[]): Tree => ({ w: f64([v[0], v[1]]), b: f64([v[2]]) });

/** The leaves of a tree as one flat list of numbers, in leaf order. */
const flat = (t: Tree): number[] => treeFlatten(t).leaves.flatMap((l) => Array.from(l.dataSync()));

function assertClose(actual: number[], expected: number[], tol = 1e-12): void {
  assertEquals(actual.length, expected.length);
  actual.forEach((a, i) => assertAlmostEquals(a, expected[i], tol, `element ${i}`));
}

/** The first two updates of `opt` on g1 then g2, with the params moving in between. */
function twoUpdates(opt: Optimizer): [number[], number[]] {
  const p = params();
  const s0 = opt.init(p);
  const [u1, s1] = opt.update(tree(g1v), s0, p);
  const p1 = applyUpdates(p, u1);
  const [u2] = opt.update(tree(g2v), s1, p1);
  return [flat(u1), flat(u2)];
}

const map2 = (a: number[], b: number[], f: (x: number, y: number) => number) =>
  a.map((x, i) => f(x, b[i]));

Deno.test("sgd() updates by -learningRate * grads", () => {
  const [u1, u2] = twoUpdates(sgd({ learningRate: 0.1 }));
  assertClose(u1, [-0.01, 0.02, -0.03]);
  assertClose(u2, [-0.02, -0.04, 0.01]);
});

Deno.test("sgd() follows a learning-rate schedule of the step, starting at step 0", () => {
  const [u1, u2] = twoUpdates(sgd({ learningRate: (step) => 0.1 * (step + 1) }));
  assertClose(u1, g1v.map((g) => -0.1 * g));
  assertClose(u2, g2v.map((g) => -0.2 * g));
});

Deno.test("momentum() keeps a velocity v = momentum * v + g", async (t) => {
  await t.step("heavy ball", () => {
    const [u1, u2] = twoUpdates(momentum({ learningRate: 0.1, momentum: 0.9 }));
    assertClose(u1, g1v.map((g) => -0.1 * g));
    // v2 = 0.9 g1 + g2: w[0]: 0.09 + 0.2 = 0.29
    assertClose(u2, [-0.029, -0.1 * (0.9 * -0.2 + 0.4), -0.1 * (0.9 * 0.3 - 0.1)]);
  });
  await t.step("Nesterov", () => {
    const [u1, u2] = twoUpdates(momentum({ learningRate: 0.1, momentum: 0.9, nesterov: true }));
    assertClose(u1, g1v.map((g) => -0.1 * (g + 0.9 * g)));
    const v2 = map2(g1v, g2v, (a, b) => 0.9 * a + b);
    assertClose(u2, map2(g2v, v2, (g, v) => -0.1 * (g + 0.9 * v)));
    // w[0]: -0.1 * (0.2 + 0.9 * 0.29) = -0.0461
    assertAlmostEquals(u2[0], -0.0461, 1e-12);
  });
});

Deno.test("rmsprop() divides by the running root mean square", () => {
  const [u1, u2] = twoUpdates(rmsprop({ learningRate: 0.01, decay: 0.9, eps: 1e-8 }));
  const nu1 = g1v.map((g) => 0.1 * g * g);
  assertClose(u1, g1v.map((g, i) => -0.01 * g / (Math.sqrt(nu1[i]) + 1e-8)));
  // the first step is lr * g / (sqrt(0.1) |g|) = lr / sqrt(0.1) = 0.0316... in size
  assertAlmostEquals(Math.abs(u1[0]), 0.01 / Math.sqrt(0.1), 1e-8);
  const nu2 = map2(nu1, g2v, (n, g) => 0.9 * n + 0.1 * g * g);
  assertClose(u2, g2v.map((g, i) => -0.01 * g / (Math.sqrt(nu2[i]) + 1e-8)));
});

Deno.test("adam() matches the bias-corrected update by hand for two steps", () => {
  const lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const [u1, u2] = twoUpdates(adam({ learningRate: lr }));
  // step 1: mhat = g, vhat = g^2, so the update is -lr * g / (|g| + eps), about -lr * sign(g)
  assertClose(u1, g1v.map((g) => -lr * g / (Math.abs(g) + eps)));
  assertClose(u1, [-0.1, 0.1, -0.1], 1e-6);
  // step 2, w[0] (g1 = 0.1, g2 = 0.2): m = 0.9 * 0.01 + 0.02 = 0.029, mhat = 0.029 / 0.19;
  // v = 0.999 * 1e-5 + 0.001 * 0.04 = 4.999e-5, vhat = 4.999e-5 / (1 - 0.999^2)
  const mhat = 0.029 / 0.19;
  const vhat = 4.999e-5 / (1 - 0.999 ** 2);
  assertAlmostEquals(u2[0], -lr * mhat / (Math.sqrt(vhat) + eps), 1e-12);
  const m = map2(g1v, g2v, (a, b) => b1 * (1 - b1) * a + (1 - b1) * b);
  const v = map2(g1v, g2v, (a, b) => b2 * (1 - b2) * a * a + (1 - b2) * b * b);
  assertClose(
    u2,
    m.map((mi, i) => -lr * (mi / (1 - b1 ** 2)) / (Math.sqrt(v[i] / (1 - b2 ** 2)) + eps)),
  );
});

Deno.test("adamw() adds decoupled weight decay, only where the mask says", () => {
  const lr = 0.1, wd = 0.01;
  const [u1, u2] = twoUpdates(adamw({ learningRate: lr, weightDecay: wd }));
  const [a1, a2] = twoUpdates(adam({ learningRate: lr }));
  assertClose(u1, a1.map((a, i) => a - lr * wd * p0[i]));
  const p1 = map2(p0, u1, (p, u) => p + u);
  assertClose(u2, a2.map((a, i) => a - lr * wd * p1[i]));
  const [m1] = twoUpdates(
    adamw({ learningRate: lr, weightDecay: wd, mask: (path) => path === "w" }),
  );
  assertClose(m1, [a1[0] - lr * wd * 1, a1[1] - lr * wd * 2, a1[2]]);
  const opt = adamw({ learningRate: lr });
  assertThrows(() => opt.update(tree(g1v), opt.init(params())), TypeError, "needs params");
});

Deno.test("addDecayedWeights() adds weightDecay * params to the gradients", () => {
  const t = addDecayedWeights({ weightDecay: 0.5 });
  const p = params();
  const [g] = t.update(tree(g1v), t.init(p), p);
  assertClose(flat(g), [0.1 + 0.5, -0.2 + 1, 0.3 + 0.25]);
  // chained before sgd: classic L2 regularisation
  const [u1] = twoUpdates(
    chain(addDecayedWeights({ weightDecay: 0.5 }), sgd({ learningRate: 0.1 })),
  );
  assertClose(u1, [-0.06, -0.08, -0.055]);
});

Deno.test("clipByGlobalNorm() scales the whole tree to the bound, only when above it", () => {
  const g = { w: f64([3]), b: f64([4]) }; // global norm 5
  assertClose(flat(globalNorm(g) as unknown as Tree), [5]);
  const clip = clipByGlobalNorm(1);
  const [c] = clip.update(g, clip.init(g));
  assertClose(flat(c), [0.6, 0.8]);
  const [same] = clipByGlobalNorm(10).update(g, {});
  assertClose(flat(same), [3, 4]);
  assertThrows(() => clipByGlobalNorm(0), RangeError, "maxNorm");
});

Deno.test("chain() feeds each transformation's updates to the next and keeps their states", () => {
  const opt = chain(clipByGlobalNorm(0.1), momentum({ learningRate: 1, momentum: 0.5 }));
  const p = params();
  const s0 = opt.init(p);
  assertEquals(s0.length, 2);
  const big = [3, 0, 4]; // norm 5, clipped to 0.1: [0.06, 0, 0.08]
  const [u1, s1] = opt.update(tree(big), s0, p);
  assertClose(flat(u1), [-0.06, 0, -0.08]);
  const [u2] = opt.update(tree(big), s1, p);
  assertClose(flat(u2), [-0.09, 0, -0.12]); // v = 0.5 * v + g
  assertThrows(() => opt.update(tree(big), [] as unknown as Tree[], p), TypeError, "2 states");
});

Deno.test("no optimizer changes its inputs; the same inputs give the same updates", async (t) => {
  const optimizers: [string, Optimizer][] = [
    ["sgd", sgd({ learningRate: 0.1 })],
    ["momentum", momentum({ learningRate: 0.1, nesterov: true })],
    ["rmsprop", rmsprop({ learningRate: 0.1 })],
    ["adam", adam()],
    ["adamw", adamw()],
    ["chain", chain(clipByGlobalNorm(0.1), addDecayedWeights({ weightDecay: 0.1 }), adam())],
  ];
  const deepFreeze = <T>(x: T): T => {
    if (x !== null && typeof x === "object" && !ArrayBuffer.isView(x) && !("dtype" in x)) {
      Object.values(x).forEach(deepFreeze);
      Object.freeze(x);
    }
    return x;
  };
  for (const [name, opt] of optimizers) {
    await t.step(name, () => {
      const p = deepFreeze(params());
      const g = deepFreeze(tree(g1v));
      const s = deepFreeze(opt.init(p));
      const before = [flat(p), flat(g), flat(s)];
      const [u1, next1] = opt.update(g, s, p);
      const [u2, next2] = opt.update(g, s, p);
      assertEquals([flat(p), flat(g), flat(s)], before);
      assertEquals(flat(u1), flat(u2));
      assertEquals(flat(next1), flat(next2));
      const moved = applyUpdates(p, u1);
      assertEquals(flat(p), before[0]);
      assert(flat(moved).some((v, i) => v !== before[0][i]));
    });
  }
});

Deno.test("optimizer states are plain trees with an int32 count; a loaded count works", () => {
  const opt = adam({ learningRate: 0.1 });
  const p = params();
  const [, s1] = opt.update(tree(g1v), opt.init(p), p);
  const leaves = treeFlatten(s1);
  assertEquals(leaves.paths, ["count", "mu.w", "mu.b", "nu.w", "nu.b"]);
  assertEquals(s1.count.dtype, "int32");
  assertEquals(Array.from(s1.count.dataSync()), [1]);
  // A count read back from a checkpoint is a fresh tensor: step 2 from it equals step 2 in memory.
  const loaded = { ...s1, count: tensor(1, { dtype: "int32" }) };
  const [a] = opt.update(tree(g2v), s1, p);
  const [b] = opt.update(tree(g2v), loaded, p);
  assertEquals(flat(a), flat(b));
});

Deno.test("optimizers name the problem with a wrong state or gradient tree", () => {
  const opt = adam();
  const p = params();
  const s = opt.init(p);
  assertThrows(
    () => opt.update({ w: f64([1, 2]) }, s, p),
    TypeError,
    "adam: state.mu must have the tree structure of grads",
  );
  assertThrows(
    () => opt.update({ w: f64([1, 2, 3]), b: f64([1]) }, s, p),
    TypeError,
    "at w grads has shape [3]",
  );
  assertThrows(() => opt.update(tree(g1v), {} as never, p), TypeError, "state from adam");
  assertThrows(() => applyUpdates(p, { w: f64([1]) }), TypeError, "applyUpdates");
  assertThrows(() => sgd({ learningRate: -1 }), RangeError, "learningRate");
  assertThrows(() => momentum({ learningRate: 0.1, momentum: 1 }), RangeError, "momentum");
  const nan = sgd({ learningRate: () => NaN });
  assertThrows(() => nan.update(tree(g1v), nan.init(p)), RangeError, "finite number");
});
