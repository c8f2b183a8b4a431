/**
 * Normalisation of host-side image arrays: per-channel mean and standard deviation, and
 * `(x - mean) / std`. Pure: new arrays, inputs unchanged.
 * @module
 */

import { rangeError, show, typeError } from "../core/errors.ts";

/** Per-channel statistics (arrays of one number per channel). */
export interface MeanStd {
  /** The mean of each channel. */
  readonly mean: readonly number[];
  /** The standard deviation of each channel. */
  readonly std: readonly number[];
}

function perChannel(
  op: string,
  arg: string,
  value: number | readonly number[],
  c: number,
): number[] {
  const values = typeof value === "number" ? [value] : value;
  if (!Array.isArray(values) || !values.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw typeError(op, arg, "must be a finite number or an array of them", `got ${show(value)}`);
  }
  if (values.length === 1) return new Array(c).fill(values[0]);
  if (values.length !== c) {
    throw typeError(
      op,
      arg,
      `must have 1 or ${c} entries (one per channel)`,
      `has ${values.length}`,
    );
  }
  return [...values];
}

function checkChannels(op: string, channels: unknown): number {
  if (!Number.isInteger(channels) || (channels as number) < 1) {
    throw rangeError(op, "options.channels", "must be an integer >= 1", `got ${show(channels)}`);
  }
  return channels as number;
}

/** Options of {@linkcode meanStd}. */
export interface MeanStdOptions {
  /** The number of channels `c`: element `i` belongs to channel `i mod c`. @default {1} */
  readonly channels?: number;
}

/**
 * The mean and (population) standard deviation of each channel of `images`, a flat NHWC array
 * whose length is a multiple of `channels`. Accumulates in float64.
 *
 * @example
 * ```ts
 * import { meanStd } from "@convkit/convkit/data";
 * meanStd(new Float32Array([0, 1, 0, 1])); // { mean: [0.5], std: [0.5] }
 * ```
 */
export function meanStd(images: Float32Array, options: MeanStdOptions = {}): MeanStd {
  const op = "meanStd";
  if (!(images instanceof Float32Array)) {
    throw typeError(op, "images", "must be a Float32Array", `got ${show(images)}`);
  }
  const c = checkChannels(op, options.channels ?? 1);
  if (images.length === 0 || images.length % c !== 0) {
    throw typeError(
      op,
      "images",
      `must hold a positive multiple of ${c} (options.channels) values`,
      `has ${images.length}`,
    );
  }
  const sum = new Float64Array(c);
  for (let i = 0; i < images.length; i++) sum[i % c] += images[i];
  const n = images.length / c;
  const mean = Array.from(sum, (s) => s / n);
  const sq = new Float64Array(c);
  for (let i = 0; i < images.length; i++) sq[i % c] += (images[i] - mean[i % c]) ** 2;
  return { mean, std: Array.from(sq, (s) => Math.sqrt(s / n)) };
}

/** The statistics {@linkcode normalize} applies: one number for all channels, or one each. */
export interface NormalizeOptions {
  /** Subtracted from every value of its channel. */
  readonly mean: number | readonly number[];
  /** Divides every value of its channel after the subtraction; each must be > 0. */
  readonly std: number | readonly number[];
}

/**
 * `(x - mean) / std` for every value of `images` (a flat NHWC array), with per-channel
 * statistics when `mean` or `std` are arrays (their length gives the channel count). Returns a
 * new array.
 *
 * @example
 * ```ts
 * import { normalize } from "@convkit/convkit/data";
 * normalize(new Float32Array([0, 0.5, 1]), { mean: 0.5, std: 0.5 }); // Float32Array [-1, 0, 1]
 * ```
 */
export function normalize(images: Float32Array, options: NormalizeOptions): Float32Array {
  const op = "normalize";
  if (!(images instanceof Float32Array)) {
    throw typeError(op, "images", "must be a Float32Array", `got ${show(images)}`);
  }
  const lengths = [options?.mean, options?.std].map((v) => (Array.isArray(v) ? v.length : 1));
  const c = Math.max(...lengths);
  const mean = perChannel(op, "options.mean", options?.mean, c);
  const std = perChannel(op, "options.std", options?.std, c);
  if (std.some((s) => !(s > 0))) {
    throw rangeError(op, "options.std", "must be > 0", `got ${show(options.std)}`);
  }
  if (images.length % c !== 0) {
    throw typeError(
      op,
      "images",
      `must hold a multiple of ${c} (channels) values`,
      `has ${images.length}`,
    );
  }
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = (images[i] - mean[i % c]) / std[i % c];
  return out;
}
