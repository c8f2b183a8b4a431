/**
 * What the MNIST net learned, as pictures: the 20 filters of its first layer, and the feature
 * maps of one held-out digit at every conv layer.
 *
 * ```sh
 * deno task mnist      # train and save out/mnist-base.safetensors (a few minutes)
 * deno task filters    # then draw it (without those weights, it trains a short while first)
 * ```
 *
 * Writes to `--out` (default `out/filters`):
 * - `conv1-filters.png`: the 20 filters `5 x 5` of conv1, grey is 0, white positive, black
 *   negative (each filter scaled by its own largest magnitude);
 * - `digit.png`: the input digit;
 * - `conv1-maps.png` (20 maps `24 x 24`), `conv2-maps.png` (50 maps `8 x 8`), `conv3-maps.png`
 *   (500 maps `1 x 1`, after its ReLU), `conv4-maps.png` (the 10 class scores `1 x 1`, digit 0
 *   first): the outputs of the four conv layers for that digit, one scale per layer.
 * @module
 */

import { parseArgs } from "node:util";
import { key, type Tensor, tensor } from "../mod.ts";
import { conv2d, type Layer, maxPool2d, type Params, relu } from "../layers/mod.ts";
import { mnistBase } from "../models/mod.ts";
import { loadMnistDefault } from "../data/mod.ts";
import { loadParams } from "../io/mod.ts";
import { enlarge, type Picture, scaleToUnit, tileGrid, writePng } from "./_png.ts";
import { intOption } from "./_cli.ts";
import { main as trainMnist } from "./mnist.ts";

const HELP = `deno task filters [options]

Draws the first-layer filters of the trained MNIST BASE net and the feature maps of one held-out
digit at every conv layer, as PNG grids. Without saved weights it first trains briefly with
\`deno task mnist\`'s code (a short setting; run \`deno task mnist\` for the real thing).

Options:
  --weights PATH     the saved { params, state } (default out/mnist-base.safetensors when
                     present, else DIR/mnist-base-brief.safetensors, trained if absent)
  --digit N          which held-out test digit to draw (default 0)
  --train-limit N    digits for the short training when the weights are absent (default 2000)
  --out DIR          where to write the pictures        (default out/filters)
  --help             this text
`;

/**
 * The layers of `mnistBase()`, one by one, so that each output can be seen: running them in
 * turn with the params `params[i]` is running the net (`main` checks that the scores agree).
 */
function baseLayers(): Layer[] {
  return [
    conv2d(20, 5),
    maxPool2d(2),
    conv2d(50, 5),
    maxPool2d(2),
    conv2d(500, 4),
    relu(),
    conv2d(10, 1),
  ];
}

/** Where `deno task mnist` saves the weights. */
const DEFAULT_WEIGHTS = "out/mnist-base.safetensors";

/** The rows whose output is drawn: after each conv (after its ReLU for conv3). */
const DRAWN = [
  { after: 0, name: "conv1" },
  { after: 2, name: "conv2" },
  { after: 5, name: "conv3" },
  { after: 6, name: "conv4" },
];

/** What {@linkcode main} did. */
export interface FiltersResult {
  /** The files written. */
  readonly files: string[];
  /** Whether it had to train first. */
  readonly trained: boolean;
  /** The digit drawn (its label) and the net's answer. */
  readonly label: number;
  /** The net's predicted class for the digit. */
  readonly predicted: number;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Runs the example with command-line `args`; undefined after `--help`. */
export async function main(args: readonly string[]): Promise<FiltersResult | undefined> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      weights: { type: "string" },
      digit: { type: "string" },
      "train-limit": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  const out = values.out ?? "out/filters";
  // The trained weights of `deno task mnist`, else weights trained briefly here (kept apart, so
  // that they are never mistaken for the real thing).
  const weights = values.weights ??
    (await exists(DEFAULT_WEIGHTS) ? DEFAULT_WEIGHTS : `${out}/mnist-base-brief.safetensors`);
  const digit = intOption("filters", "digit", values.digit, 0, 0);
  const trainLimit = intOption("filters", "train-limit", values["train-limit"], 2000, 1);

  let trained = false;
  if (!(await exists(weights))) {
    console.log(
      `filters: no weights at ${weights}; training briefly (1 epoch on ${trainLimit} digits)...`,
    );
    await trainMnist([
      "--epochs",
      "1",
      "--limit",
      String(trainLimit),
      "--test-limit",
      "500",
      "--out",
      weights,
      "--quiet",
    ]);
    trained = true;
  }
  const init = mnistBase().init(key(0), [-1, 28, 28, 1]);
  const { params } = await loadParams(weights, { params: init.params, state: init.state });
  const layerParams = params as readonly Params[];

  const { test } = await loadMnistDefault();
  if (digit >= test.count) {
    throw new RangeError(`filters: --digit must be below ${test.count}, but got ${digit}`);
  }
  const image = test.images.slice(digit * 784, (digit + 1) * 784);
  const label = test.labels[digit];

  // Run the layers one by one and keep every output.
  const layers = baseLayers();
  let h: Tensor = tensor(image, { shape: [1, 28, 28, 1] });
  const outputs: Tensor[] = [];
  layers.forEach((layer, i) => {
    h = layer.apply(layerParams[i], h)[0] as Tensor;
    outputs.push(h);
  });
  const [whole] = mnistBase().apply(params, tensor(image, { shape: [1, 28, 28, 1] }));
  const scores = await outputs[6].data();
  const expected = await (whole as Tensor).data();
  if (scores.some((v, i) => Math.abs(v - expected[i]) > 1e-4 * (1 + Math.abs(v)))) {
    throw new Error("filters: running the layers one by one does not reproduce mnistBase()");
  }
  const predicted = scores.indexOf(Math.max(...scores));

  const files: string[] = [];
  // conv1's filters [5, 5, 1, 20]: each scaled by its own largest magnitude.
  const w = await (layerParams[0] as { w: Tensor }).w.data();
  const perFilter = new Float32Array(w.length);
  for (let k = 0; k < 20; k++) {
    const own = scaleToUnit(Array.from({ length: 25 }, (_, p) => w[p * 20 + k]), {
      symmetric: true,
    });
    own.forEach((v, p) => (perFilter[p * 20 + k] = v));
  }
  files.push(
    await writePng(
      `${out}/conv1-filters.png`,
      tileGrid(perFilter, [5, 5, 20], { columns: 10, scale: 12, gap: 2, background: 1 }),
    ),
  );
  files.push(
    await writePng(
      `${out}/digit.png`,
      enlarge({ width: 28, height: 28, channels: 1, data: image }, 8),
    ),
  );
  for (const { after, name } of DRAWN) {
    const map = outputs[after];
    const [, mh, mw, c] = map.shape;
    const values = scaleToUnit(await map.data());
    const scale = Math.max(1, Math.round(48 / mh));
    const columns = c === 500 ? 25 : 10;
    const grid: Picture = tileGrid(values, [mh, mw, c], { columns, scale, gap: 1 });
    files.push(await writePng(`${out}/${name}-maps.png`, grid));
  }
  console.log(
    `filters: weights ${weights}${trained ? " (just trained, briefly)" : ""}; ` +
      `held-out digit ${digit} is a ${label}, the net says ${predicted}`,
  );
  for (const f of files) console.log(`  wrote ${f}`);
  return { files, trained, label, predicted };
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    Deno.exit(1);
  }
}
