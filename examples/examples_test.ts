// Smoke tests of the examples: each `main` at tiny sizes, on the scalar backend, in seconds.
// (The MNIST job has its own test, examples/mnist_test.ts.)

// deno-lint-ignore no-import-prefix
import { decode } from "npm:fast-png@8.0.0";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../tests/assert.ts";
import { encodePng } from "./_png.ts";
import { main as sobel } from "./sobel.ts";
import { main as filters } from "./filters.ts";
import { main as vgg16 } from "./vgg16.ts";
import { main as alphago, pointName } from "./alphago.ts";
import { main as textcnn } from "./textcnn.ts";
import { main as customLayer } from "./custom_layer.ts";
import { formatSentiment, makeSentiment } from "./data/make_sentiment.ts";

/** Runs `fn` with console.log silenced (the examples talk a lot). */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
  }
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "convkit-examples-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function readPngFile(path: string): Promise<ReturnType<typeof decode>> {
  return decode(await Deno.readFile(path));
}

Deno.test("sobel finds a vertical edge with K, none with K^T, and writes four PNGs", async () => {
  await withTempDir(async (dir) => {
    // 8 x 6 picture: black left half, white right half (all three channels).
    const data = new Float32Array(6 * 8 * 3).map((_, i) => (Math.floor(i / 3) % 8 >= 4 ? 1 : 0));
    await Deno.writeFile(
      `${dir}/step.png`,
      encodePng({ width: 8, height: 6, channels: 3, data }),
    );
    const r = await quietly(() => sobel(["--input", `${dir}/step.png`, "--out", `${dir}/out`]));
    assert(r !== undefined);
    assertEquals([r.height, r.width], [4, 6]);
    for (let y = 0; y < 4; y++) {
      // Output column j covers input columns j..j+2; the step is between input columns 3 and 4.
      const row = Array.from(r.horizontal.subarray(y * 6, y * 6 + 6));
      assertEquals(row, [0, 0, 12, 12, 0, 0]); // (1 + 2 + 1) x 3 channels
    }
    assert(r.vertical.every((v) => v === 0));
    assertEquals(r.files.length, 4);
    const edges = await readPngFile(`${dir}/out/sobel-horizontal.png`);
    assertEquals([edges.width, edges.height, edges.channels], [6, 4, 1]);
    assertEquals(Array.from(edges.data.subarray(0, 6)), [0, 0, 255, 255, 0, 0]);
    const input = await readPngFile(`${dir}/out/input.png`);
    assertEquals([input.width, input.height, input.channels], [8, 6, 3]);
  });
});

Deno.test("sobel draws its generated test picture and rejects bad options", async () => {
  await withTempDir(async (dir) => {
    const r = await quietly(() => sobel(["--size", "24", "--out", dir]));
    assert(r !== undefined && r.horizontal.some((v) => v !== 0) && r.vertical.some((v) => v !== 0));
  });
  await assertRejects(() => sobel(["--size", "2"]), RangeError, "sobel: --size must be");
  await assertRejects(() => sobel(["--bogus"]), TypeError);
});

Deno.test("filters trains briefly when the weights are absent, then draws from them", async () => {
  await withTempDir(async (dir) => {
    const args = ["--weights", `${dir}/w.safetensors`, "--out", `${dir}/pics`, "--digit", "3"];
    const first = await quietly(() => filters([...args, "--train-limit", "64"]));
    assert(first !== undefined && first.trained);
    const names = first.files.map((f) => f.slice(f.lastIndexOf("/") + 1));
    assertEquals(names, [
      "conv1-filters.png",
      "digit.png",
      "conv1-maps.png",
      "conv2-maps.png",
      "conv3-maps.png",
      "conv4-maps.png",
    ]);
    const grid = await readPngFile(`${dir}/pics/conv1-filters.png`);
    // 10 x 2 tiles of 5 x 5 pixels enlarged 12 times, 2 pixels apart
    assertEquals([grid.width, grid.height], [10 * 62 + 2, 2 * 62 + 2]);
    const again = await quietly(() => filters(args));
    assert(again !== undefined && !again.trained);
    assertEquals([again.label, again.predicted], [first.label, first.predicted]);
  });
});

Deno.test("vgg16 prints the summary and times a forward pass of a narrow VGG-16", async () => {
  const r = await quietly(() =>
    vgg16(["--size", "32", "--width-divisor", "16", "--backend", "scalar"])
  );
  assert(r !== undefined);
  assertEquals(r.backend, "scalar");
  assertEquals(r.outShape, [1, 1, 1, 1000]);
  assert(r.forwardMs !== undefined && r.forwardMs > 0);
  const rows = r.summary.rows;
  assertEquals(rows.length, 38);
  assertEquals(rows[0].name, "conv1_1");
  assertEquals(rows.find((row) => row.name === "pool5")!.field.size, [212, 212]);
  assertEquals(rows.at(-1)!.name, "fc8");
  await assertRejects(() => vgg16(["--size", "16"]), RangeError, "vgg16: --size must be");
  await assertRejects(() => vgg16(["--backend", "cuda"]), RangeError, "vgg16: --backend");
});

Deno.test("alphago ranks the empty points of a random position with a narrow net", async () => {
  const r = await quietly(() => alphago(["--filters", "4", "--backend", "scalar", "--top", "3"]));
  assert(r !== undefined);
  assertEquals(r.params, 5 * 5 * 48 * 4 + 4 + 11 * (9 * 4 * 4 + 4) + 4 + 361);
  assertEquals(r.probabilities.length, 361);
  assertAlmostEquals(r.probabilities.reduce((a, b) => a + b, 0), 1, 1e-5);
  assertEquals(r.top.length, 3);
  assert(r.probabilities[r.top[0]] >= r.probabilities[r.top[2]]);
  assertEquals([pointName(0), pointName(360), pointName(3 * 19 + 8)], ["A19", "T1", "J16"]);
  await assertRejects(() => alphago(["--stones", "400"]), RangeError, "alphago: --stones");
});

Deno.test("textcnn trains on the shipped sentences and classifies new ones", async () => {
  const r = await quietly(() =>
    textcnn([
      "--epochs",
      "2",
      "--filters",
      "4",
      "--dim",
      "8",
      "--backend",
      "scalar",
      "--say",
      "the plot was not boring",
      "--say",
      "zzz unknown words",
    ])
  );
  assert(r !== undefined);
  assertEquals(r.trainLosses.length, 2);
  assert(r.trainLosses[1] < r.trainLosses[0], `losses ${r.trainLosses}`);
  assert(r.testAccuracy >= 0 && r.testAccuracy <= 1);
  assertEquals(r.said.map(([s]) => s), ["the plot was not boring", "zzz unknown words"]);
  assert(r.said.every(([, p]) => p >= 0 && p <= 1));
});

Deno.test("the shipped sentiment data is what make_sentiment.ts generates", async () => {
  const shipped = await Deno.readTextFile(new URL("./data/sentiment.json", import.meta.url));
  const made = makeSentiment();
  assertEquals(shipped, formatSentiment(made));
  assertEquals([made.train.length, made.test.length], [480, 120]);
  const texts = [...made.train, ...made.test].map(([s]) => s);
  assertEquals(new Set(texts).size, 600); // no sentence is both trained on and held out
});

Deno.test("custom-layer's VJP passes checkGrads and its buggy twin fails it", async () => {
  const r = await quietly(() => customLayer([]));
  assert(r.report.ok, r.report.message);
  assert(!r.buggy.ok);
  assert(!r.buggy.dotProduct.ok);
  assert(r.buggy.message.includes("gradient mismatch"), r.buggy.message);
  assert(r.losses[r.losses.length - 1] < r.losses[0] / 2, `losses ${r.losses}`);
});
