import { scalarBackend } from "../backends/scalar/mod.ts";
import { key, randint, type Tensor, uniform } from "../core/mod.ts";
import { type Params, summary } from "../layers/mod.ts";
import { softmaxCrossEntropy } from "../train/mod.ts";
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../tests/assert.ts";
import { alphagoPolicy } from "./alphago_policy.ts";

const backend = scalarBackend;

Deno.test("alphagoPolicy() has 13 conv layers, 3,882,793 params and outputs 361 points", () => {
  const s = summary(alphagoPolicy(), [-1, 19, 19, 48], { backend });
  assertEquals(s.totalParams, 3_882_793);
  assertEquals(s.outShape, [-1, 361]);
  const convs = s.rows.filter((r) => r.kind.startsWith("conv2d"));
  assertEquals(convs.length, 13);
  assertEquals(convs[0].params, 5 * 5 * 48 * 192 + 192);
  assert(
    convs.every((r) => String(r.outShape) === String([-1, 19, 19, r === convs[12] ? 1 : 192])),
  );
  assertEquals(convs[12].params, 192 + 361); // one weight per channel, one bias per point
  assertEquals(s.rows.at(-1)!.kind, "softmax");
});

Deno.test("alphagoPolicy() gives a probability per point and trains from its logits", async () => {
  const x = uniform(key(1), [2, 19, 19, 48], { backend });
  const net = alphagoPolicy({ filters: 4 });
  const { params } = net.init(key(0), [-1, 19, 19, 48], { backend });
  const [p] = net.apply(params, x);
  const probs = await (p as Tensor).data();
  assertEquals((p as Tensor).shape, [2, 361]);
  for (let n = 0; n < 2; n++) {
    const row = probs.subarray(n * 361, (n + 1) * 361);
    assertAlmostEquals(Array.from(row).reduce((a, b) => a + b, 0), 1, 1e-5);
    assert(row.every((v) => v > 0));
  }
  const logitsNet = alphagoPolicy({ filters: 4, softmax: false });
  const [logits, vjp] = logitsNet.apply((params as Params[]).slice(0, -1), x);
  const [, lossVjp] = softmaxCrossEntropy.vjp(
    logits as Tensor,
    randint(key(2), [2], {
      min: 0,
      max: 361,
      backend,
    }),
  );
  const [dLogits] = lossVjp(uniform(key(3), [], { backend }));
  const [grads] = vjp(dLogits!);
  assertEquals((grads as Record<string, Tensor>[])[24].b.shape, [19, 19, 1]);
});

Deno.test("alphagoPolicy() rejects bad options and other board sizes", () => {
  assertThrows(() => alphagoPolicy({ filters: 0 }), RangeError, "alphagoPolicy: options.filters");
  assertThrows(
    () => alphagoPolicy({ softmax: 1 as unknown as boolean }),
    TypeError,
    "alphagoPolicy: options.softmax",
  );
  assertThrows(
    () => alphagoPolicy().init(key(0), [-1, 19, 19, 3], { backend }),
    TypeError,
    "conv2d",
  );
});
