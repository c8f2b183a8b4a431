// The Node/Bun smoke test: run by `node` and `bun` against the bundle that
// .ci/node_bun_smoke.sh builds (one ES module per public entry point in ./dist, sharing chunks).
// It builds the MNIST BASE net, takes two SGD steps on one fixed random batch on the best backend
// the runtime has (the scalar backend: Node and Bun have no WebGPU), and checks that both losses
// are finite and that the second is lower. It also round-trips the params through safetensors.
// Prints one line per check and exits non-zero on the first failure.
// The bundle exists only beside the copy of this file that the smoke script runs, so the imports
// are computed (a literal `import ... from "./dist/mod.js"` would fail `deno check .` here).
const dist = (path) => import(new URL(`./dist/${path}`, import.meta.url).href);
const { getDefaultBackend, key, randint, uniform } = await dist("mod.js");
const { summary } = await dist("layers/mod.js");
const { mnistBase } = await dist("models/mod.js");
const { createTrainState, sgd, softmaxCrossEntropy, trainStep } = await dist("train/mod.js");
const { decodeParams, encodeParams } = await dist("io/mod.js");

const runtime = typeof globalThis.Bun !== "undefined"
  ? `bun ${globalThis.Bun.version}`
  : `node ${globalThis.process?.versions?.node}`;

function check(what, ok, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: ${detail}`);
  if (!ok) globalThis.process.exit(1);
}

const backend = getDefaultBackend();
check("default backend", typeof backend.name === "string", `${backend.name} on ${runtime}`);

const net = mnistBase();
const params = summary(net, [-1, 28, 28, 1]).totalParams;
check("BASE net params", params === 431080, `${params} (expected 431080)`);

const [kInit, kx, ky] = [key(0), key(1), key(2)];
const batch = {
  x: uniform(kx, [8, 28, 28, 1]),
  y: randint(ky, [8], { min: 0, max: 10 }),
};
const optimizer = sgd({ learningRate: 0.05 });
const step = trainStep(net, softmaxCrossEntropy, optimizer);
let state = createTrainState(net.init(kInit, [-1, 28, 28, 1]), optimizer);
const losses = [];
for (let i = 0; i < 3; i++) {
  const start = performance.now();
  const [next, metrics] = step(state, batch, key(10 + i));
  const loss = (await metrics.loss.data())[0];
  const ms = (performance.now() - start).toFixed(0);
  check(`step ${i + 1} loss is finite`, Number.isFinite(loss), `${loss.toFixed(6)} (${ms} ms)`);
  losses.push(loss);
  state = next;
}
check(
  "loss falls",
  losses[1] < losses[0] && losses[2] < losses[1],
  losses.map((l) => l.toFixed(6)).join(" > "),
);

const bytes = await encodeParams(state.params);
const back = decodeParams(bytes, state.params);
const [a, b] = [await state.params[0].w.data(), await back[0].w.data()];
check(
  "safetensors round trip",
  a.length === b.length && a.every((v, i) => v === b[i]),
  `${bytes.length} bytes`,
);
console.log(`node/bun smoke passed on ${runtime}`);
