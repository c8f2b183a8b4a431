/**
 * Data augmentation on host-side image batches (`[n, h, w, c]`, NHWC): random shifts (pad and
 * crop), random crops, Gaussian noise and horizontal flips. Every function is a pure function of
 * a key and a batch: it returns a new batch and never changes its input; the same key gives the
 * same result; and image `i` of the result depends only on the key, `i` and image `i` of the
 * input (not on the batch size). Use a fresh key per call (`split` or `foldIn` the step key).
 * @module
 */

import { rangeError, show, typeError } from "../core/errors.ts";
import { type Key, normalValues, uniformValues } from "../core/random.ts";

/** A batch of images on the host: `data` holds `n * h * w * c` floats laid out as NHWC. */
export interface ImageBatch {
  /** The pixels, row-major over `[n, h, w, c]` (the channel varies fastest). */
  readonly data: Float32Array;
  /** `[n, h, w, c]`: images, height, width, channels. */
  readonly shape: readonly [number, number, number, number];
}

function checkBatch(op: string, batch: ImageBatch): [number, number, number, number] {
  const shape = batch?.shape;
  if (
    !Array.isArray(shape) || shape.length !== 4 ||
    !shape.every((d) => Number.isInteger(d) && d >= 0)
  ) {
    throw typeError(
      op,
      "batch.shape",
      "must be [n, h, w, c] (4 integers >= 0)",
      `got ${show(shape)}`,
    );
  }
  if (!(batch.data instanceof Float32Array)) {
    throw typeError(op, "batch.data", "must be a Float32Array", `got ${show(batch.data)}`);
  }
  const size = shape[0] * shape[1] * shape[2] * shape[3];
  if (batch.data.length !== size) {
    throw typeError(
      op,
      "batch.data",
      `must hold ${size} floats (shape ${show(shape)})`,
      `has ${batch.data.length}`,
    );
  }
  return [shape[0], shape[1], shape[2], shape[3]];
}

/** Options of {@linkcode randomShift}. */
export interface RandomShiftOptions {
  /** The largest shift `k` in pixels along each axis (the padding). @default {2} */
  readonly maxShift?: number;
  /** The value of the pixels shifted in from outside. @default {0} */
  readonly fill?: number;
}

/**
 * Shifts each image of `batch` (`[n, h, w, c]`) by its own random offset of up to `k` pixels
 * along each axis ("pad and crop"): pads the image by `k` pixels of `fill` on every side and
 * crops an `h x w` window whose corner `(top, left)` is uniform in `[0, 2k]^2`, so output pixel
 * `(y, x)` is input pixel `(y + top - k, x + left - k)`. Same shape as `batch`. Image `i`'s
 * corner is `floor((2k + 1) u)` for uniform values `2i` and `2i + 1` of `key`.
 *
 * @example
 * ```ts
 * import { randomShift } from "@convkit/convkit/data";
 * import { key } from "@convkit/convkit";
 * const batch = { data: new Float32Array(2 * 28 * 28), shape: [2, 28, 28, 1] as const };
 * randomShift(key(0), batch, { maxShift: 2 }).shape; // [2, 28, 28, 1]
 * ```
 */
export function randomShift(
  key: Key,
  batch: ImageBatch,
  options: RandomShiftOptions = {},
): ImageBatch {
  const op = "randomShift";
  const [n, h, w, c] = checkBatch(op, batch);
  const k = options.maxShift ?? 2;
  if (!Number.isInteger(k) || k < 0) {
    throw rangeError(op, "options.maxShift", "must be an integer >= 0", `got ${show(k)}`);
  }
  const fill = options.fill ?? 0;
  const u = uniformValues(key, 2 * n);
  const out = new Float32Array(batch.data.length).fill(fill);
  for (let i = 0; i < n; i++) {
    const top = Math.floor((2 * k + 1) * u[2 * i]);
    const left = Math.floor((2 * k + 1) * u[2 * i + 1]);
    copyWindow(batch.data, out, i, [h, w, c], [h, w], top - k, left - k);
  }
  return { data: out, shape: [n, h, w, c] };
}

/**
 * Copies into image `i` of `out` (of size `oh x ow`) the window of image `i` of `src`
 * (`h x w x c`) whose top-left corner is `(y0, x0)`; pixels outside `src` are left as they are.
 */
function copyWindow(
  src: Float32Array,
  out: Float32Array,
  i: number,
  [h, w, c]: readonly [number, number, number],
  [oh, ow]: readonly [number, number],
  y0: number,
  x0: number,
): void {
  const inBase = i * h * w * c;
  const outBase = i * oh * ow * c;
  for (let y = 0; y < oh; y++) {
    const sy = y + y0;
    if (sy < 0 || sy >= h) continue;
    const xFrom = Math.max(0, -x0);
    const xTo = Math.min(ow, w - x0);
    if (xFrom >= xTo) continue;
    const s = inBase + (sy * w + xFrom + x0) * c;
    out.set(src.subarray(s, s + (xTo - xFrom) * c), outBase + (y * ow + xFrom) * c);
  }
}

/** Options of {@linkcode randomCrop}: the size of the crops. */
export interface RandomCropOptions {
  /** The height of each crop, in `[1, h]`. */
  readonly height: number;
  /** The width of each crop, in `[1, w]`. */
  readonly width: number;
}

/**
 * Crops each image of `batch` (`[n, h, w, c]`) to `height x width` at its own random position:
 * the top-left corner `(y, x)` is uniform over `[0, h - height] x [0, w - width]`. Returns a batch
 * of shape `[n, height, width, c]`.
 *
 * @example
 * ```ts
 * import { randomCrop } from "@convkit/convkit/data";
 * import { key } from "@convkit/convkit";
 * const batch = { data: new Float32Array(32 * 32), shape: [1, 32, 32, 1] as const };
 * randomCrop(key(0), batch, { height: 28, width: 28 }).shape; // [1, 28, 28, 1]
 * ```
 */
export function randomCrop(key: Key, batch: ImageBatch, options: RandomCropOptions): ImageBatch {
  const op = "randomCrop";
  const [n, h, w, c] = checkBatch(op, batch);
  const { height, width } = options ?? {};
  for (const [arg, v, most] of [["height", height, h], ["width", width, w]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > most) {
      throw rangeError(
        op,
        `options.${arg}`,
        `must be an integer in [1, ${most}]`,
        `got ${show(v)}`,
      );
    }
  }
  const u = uniformValues(key, 2 * n);
  const out = new Float32Array(n * height * width * c);
  for (let i = 0; i < n; i++) {
    const y0 = Math.floor((h - height + 1) * u[2 * i]);
    const x0 = Math.floor((w - width + 1) * u[2 * i + 1]);
    copyWindow(batch.data, out, i, [h, w, c], [height, width], y0, x0);
  }
  return { data: out, shape: [n, height, width, c] };
}

/** Options of {@linkcode gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** The standard deviation of the noise, `>= 0`. */
  readonly std: number;
  /** If given, results are clipped to `[min, max]` (e.g. `[0, 1]` for pixels). */
  readonly clip?: readonly [number, number];
}

/**
 * Adds independent Gaussian noise of standard deviation `std` to every value of `batch`: value
 * `j` gets `std * normalValues(key, size)[j]`, then is clipped to `clip` if given. Same shape.
 *
 * @example
 * ```ts
 * import { gaussianNoise } from "@convkit/convkit/data";
 * import { key } from "@convkit/convkit";
 * const batch = { data: new Float32Array(4), shape: [1, 2, 2, 1] as const };
 * gaussianNoise(key(0), batch, { std: 0.1, clip: [0, 1] }).data.every((v) => v >= 0); // true
 * ```
 */
export function gaussianNoise(
  key: Key,
  batch: ImageBatch,
  options: GaussianNoiseOptions,
): ImageBatch {
  const op = "gaussianNoise";
  const [n, h, w, c] = checkBatch(op, batch);
  const std = options?.std;
  if (typeof std !== "number" || !(std >= 0) || !Number.isFinite(std)) {
    throw rangeError(op, "options.std", "must be a finite number >= 0", `got ${show(std)}`);
  }
  const clip = options.clip;
  if (clip !== undefined && !(Array.isArray(clip) && clip.length === 2 && clip[0] <= clip[1])) {
    throw rangeError(op, "options.clip", "must be [min, max] with min <= max", `got ${show(clip)}`);
  }
  const z = normalValues(key, batch.data.length);
  const out = new Float32Array(batch.data.length);
  for (let j = 0; j < out.length; j++) {
    const v = batch.data[j] + std * z[j];
    out[j] = clip === undefined ? v : Math.min(clip[1], Math.max(clip[0], v));
  }
  return { data: out, shape: [n, h, w, c] };
}

/** Options of {@linkcode randomFlip}. */
export interface RandomFlipOptions {
  /** The chance that an image is flipped, in `[0, 1]`. @default {0.5} */
  readonly probability?: number;
}

/**
 * Mirrors each image of `batch` (`[n, h, w, c]`) left to right with probability `probability`
 * (image `i` flips when uniform value `i` of `key` is below it). Same shape. Meant for natural
 * images: it is not a meaningful augmentation for digits or text, whose mirror images are not
 * valid examples of their class (a mirrored 2, 3, 4, 5, 7 or 9 is not that digit), so do not use
 * it for MNIST.
 *
 * @example
 * ```ts
 * import { randomFlip } from "@convkit/convkit/data";
 * import { key } from "@convkit/convkit";
 * const batch = { data: new Float32Array([1, 2]), shape: [1, 1, 2, 1] as const };
 * randomFlip(key(0), batch, { probability: 1 }).data; // Float32Array [2, 1]
 * ```
 */
export function randomFlip(
  key: Key,
  batch: ImageBatch,
  options: RandomFlipOptions = {},
): ImageBatch {
  const op = "randomFlip";
  const [n, h, w, c] = checkBatch(op, batch);
  const p = options.probability ?? 0.5;
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw rangeError(op, "options.probability", "must be in [0, 1]", `got ${show(p)}`);
  }
  const u = uniformValues(key, n);
  const out = new Float32Array(batch.data);
  for (let i = 0; i < n; i++) {
    if (!(u[i] < p)) continue;
    for (let y = 0; y < h; y++) {
      const row = (i * h + y) * w;
      for (let x = 0; x < w; x++) {
        const s = (row + x) * c;
        out.set(batch.data.subarray(s, s + c), (row + w - 1 - x) * c);
      }
    }
  }
  return { data: out, shape: [n, h, w, c] };
}
