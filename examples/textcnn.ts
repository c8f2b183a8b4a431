/**
 * A 1D-convolution text classifier (Kim, 2014) trained on the small sentiment data set shipped
 * in `examples/data/sentiment.json`, reporting its accuracy on held-out sentences.
 *
 * ```sh
 * deno task textcnn
 * deno task textcnn --say "the plot was not boring" --say "what a dull ending !"
 * ```
 *
 * The data: 600 short movie-review sentences, 480 to train on and 120 held out, generated from
 * templates with a seeded random generator by `examples/data/make_sentiment.ts` (synthetic, not
 * collected from people; see that file). Words are split on spaces, lower-cased; the vocabulary
 * comes from the training sentences (id 0 pads, id 1 is an unknown word); each sentence is padded
 * or cut to 10 tokens.
 * @module
 */

import { parseArgs } from "node:util";
import { key, split, type Tensor, tensor } from "../mod.ts";
import { formatSummary, summary } from "../layers/mod.ts";
import { textCnn } from "../models/mod.ts";
import { adam, batches, createTrainState, evaluate, fit } from "../train/mod.ts";
import { backendOption, intOption, numberOption, withBackend } from "./_cli.ts";
import data from "./data/sentiment.json" with { type: "json" };

const HELP = `deno task textcnn [options]

Trains a text CNN (embedding, conv1d of widths 2, 3 and 4 in parallel, max over time, concat,
dropout, dense) on 480 synthetic review sentences and reports the accuracy on 120 held-out ones.

Options:
  --epochs N       passes over the training sentences     (default 15)
  --lr X           Adam's learning rate                   (default 0.01)
  --batch-size N   sentences per step                     (default 32)
  --filters N      filters per width                      (default 16)
  --dim N          embedding size                         (default 32)
  --seed N         seed of init, shuffling and dropout    (default 0)
  --say TEXT       classify TEXT after training (repeatable)
  --backend NAME   auto | scalar | worker | webgpu        (default scalar: the net is tiny)
  --quiet          print only the accuracy
  --help           this text
`;

/** The length every sentence is padded or cut to, in tokens. */
export const SENTENCE_LENGTH = 10;

/** Splits a sentence into lower-case tokens. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter((t) => t !== "");
}

/** A vocabulary: token to id (0 pads, 1 is unknown). */
export function buildVocabulary(sentences: readonly string[]): Map<string, number> {
  const vocab = new Map<string, number>([["<pad>", 0], ["<unk>", 1]]);
  for (const s of sentences) {
    for (const t of tokenize(s)) if (!vocab.has(t)) vocab.set(t, vocab.size);
  }
  return vocab;
}

/** Encodes sentences as int32 ids `[n, SENTENCE_LENGTH]`. */
export function encode(
  sentences: readonly string[],
  vocab: ReadonlyMap<string, number>,
): Int32Array {
  const ids = new Int32Array(sentences.length * SENTENCE_LENGTH);
  sentences.forEach((s, i) => {
    tokenize(s).slice(0, SENTENCE_LENGTH).forEach((t, j) => {
      ids[i * SENTENCE_LENGTH + j] = vocab.get(t) ?? 1;
    });
  });
  return ids;
}

/** What {@linkcode main} measured. */
export interface TextCnnResult {
  /** The accuracy on the held-out sentences. */
  readonly testAccuracy: number;
  /** The accuracy on the training sentences, after training. */
  readonly trainAccuracy: number;
  /** The mean training loss of each epoch. */
  readonly trainLosses: number[];
  /** The `--say` sentences with their probability of being positive. */
  readonly said: [string, number][];
  /** Seconds spent training. */
  readonly seconds: number;
}

/** Runs the example with command-line `args`; undefined after `--help`. */
export async function main(args: readonly string[]): Promise<TextCnnResult | undefined> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      epochs: { type: "string" },
      lr: { type: "string" },
      "batch-size": { type: "string" },
      filters: { type: "string" },
      dim: { type: "string" },
      seed: { type: "string" },
      say: { type: "string", multiple: true },
      backend: { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  const ex = "textcnn";
  const epochs = intOption(ex, "epochs", values.epochs, 15, 1);
  const learningRate = numberOption(ex, "lr", values.lr, 0.01, 0);
  const batchSize = intOption(ex, "batch-size", values["batch-size"], 32, 1);
  const filters = intOption(ex, "filters", values.filters, 16, 1);
  const dim = intOption(ex, "dim", values.dim, 32, 1);
  const seed = intOption(ex, "seed", values.seed, 0, 0);
  const backendName = backendOption(ex, values.backend, "scalar");
  const log = (s: string): void => {
    if (!values.quiet) console.log(s);
  };

  const train = data.train as [string, number][];
  const test = data.test as [string, number][];
  const vocab = buildVocabulary(train.map(([s]) => s));
  const asSet = (pairs: [string, number][]) => ({
    x: { data: encode(pairs.map(([s]) => s), vocab), shape: [pairs.length, SENTENCE_LENGTH] },
    y: Int32Array.from(pairs, ([, label]) => label),
  });
  const trainSet = asSet(train);
  const testSet = asSet(test);

  return await withBackend(backendName, async ({ backend }) => {
    const net = textCnn(vocab.size, 2, { embeddingDim: dim, widths: [2, 3, 4], filters });
    const inShape = [-1, SENTENCE_LENGTH];
    log(
      `text CNN on ${train.length} training and ${test.length} held-out sentences, ` +
        `vocabulary ${vocab.size} words, backend ${backend.name}:\n\n` +
        formatSummary(summary(net, inShape)) + "\n",
    );
    const [initKey, fitKey] = split(key(seed), 2);
    const optimizer = adam({ learningRate });
    const start = createTrainState(net.init(initKey, inShape), optimizer);
    const t = performance.now();
    const result = await fit(net, start, {
      train: trainSet,
      optimizer,
      epochs,
      batchSize,
      key: fitKey,
      onEpoch: (r) => {
        log(
          `epoch ${String(r.epoch + 1).padStart(2)}: loss ${r.trainLoss.toFixed(4)}, ` +
            `train accuracy ${(100 * (r.trainAccuracy ?? 0)).toFixed(1)}%`,
        );
      },
    });
    const seconds = (performance.now() - t) / 1000;
    const measure = async (set: typeof testSet): Promise<number> =>
      (await evaluate(net, result, batches(set.x, set.y, { batchSize: 256 }))).accuracy ?? 0;
    const trainAccuracy = await measure(trainSet);
    const testAccuracy = await measure(testSet);
    console.log(
      `held-out accuracy: ${(100 * testAccuracy).toFixed(1)}% ` +
        `(${Math.round(testAccuracy * test.length)} of ${test.length}); ` +
        `training accuracy ${(100 * trainAccuracy).toFixed(1)}%; trained ${seconds.toFixed(1)} s`,
    );
    const said: [string, number][] = [];
    const sentences = values.say ?? [];
    if (sentences.length > 0) {
      const x = tensor(encode(sentences, vocab), {
        shape: [sentences.length, SENTENCE_LENGTH],
        dtype: "int32",
      });
      const [logits] = net.apply(result.params, x);
      const z = await (logits as Tensor).data();
      sentences.forEach((s, i) => {
        const positive = 1 / (1 + Math.exp(z[2 * i] - z[2 * i + 1]));
        said.push([s, positive]);
        const unknown = tokenize(s).filter((w) => !vocab.has(w));
        console.log(
          `  "${s}": ${positive >= 0.5 ? "positive" : "negative"} (p = ${positive.toFixed(3)})` +
            (unknown.length > 0 ? ` [unknown words: ${unknown.join(", ")}]` : ""),
        );
      });
    }
    return {
      testAccuracy,
      trainAccuracy,
      trainLosses: result.history.map((h) => h.trainLoss),
      said,
      seconds,
    };
  });
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    Deno.exit(1);
  }
}
