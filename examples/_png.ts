/**
 * Pictures for the examples: PNG files through the npm package `fast-png` (pure JavaScript,
 * no native code), values scaled to bytes, and grids of tiles (filters, feature maps).
 * @module
 */

// Examples are not published, so they name their npm dependency in full.
// deno-lint-ignore no-import-prefix
import { decode, encode } from "npm:fast-png@8.0.0";

/** An image in memory: `height * width * channels` values in `[0, 1]`, row-major, HWC. */
export interface Picture {
  /** Columns. */
  readonly width: number;
  /** Rows. */
  readonly height: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: 1 | 3;
  /** The values, `[0, 1]` (clamped when written). */
  readonly data: ArrayLike<number>;
}

/** Encodes a picture as an 8-bit PNG. */
export function encodePng(picture: Picture): Uint8Array {
  const { width, height, channels, data } = picture;
  if (data.length !== width * height * channels) {
    throw new TypeError(
      `encodePng: data must hold ${width} x ${height} x ${channels} values, ` +
        `but holds ${data.length}`,
    );
  }
  const bytes = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    bytes[i] = Number.isNaN(v) ? 0 : Math.round(255 * Math.min(1, Math.max(0, v)));
  }
  return encode({ width, height, data: bytes, channels, depth: 8 });
}

/** Writes a picture as a PNG file, creating the folder it goes in. Returns the path. */
export async function writePng(path: string, picture: Picture): Promise<string> {
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  await Deno.writeFile(path, encodePng(picture));
  return path;
}

/** Reads a PNG (any bit depth, grey or colour, with or without alpha) as RGB in `[0, 1]`. */
export async function readPng(path: string): Promise<Picture> {
  const png = decode(await Deno.readFile(path));
  const { width, height, channels } = png;
  if (png.palette !== undefined) {
    throw new TypeError(`readPng: ${path} is a palette PNG; save it as RGB first`);
  }
  const max = png.depth === 16 ? 65535 : png.depth === 8 ? 255 : (1 << png.depth) - 1;
  const src = png.data;
  const data = new Float32Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      // grey (+ alpha): copy the grey value; RGB(A): take the colour, drop alpha.
      const from = channels < 3 ? p * channels : p * channels + c;
      data[p * 3 + c] = src[from] / max;
    }
  }
  return { width, height, channels: 3, data };
}

/** Options of {@linkcode scaleToUnit}. */
export interface ScaleOptions {
  /**
   * Map 0 to mid-grey and the largest magnitude to 0 or 1 (for filters, whose sign matters);
   * otherwise map the minimum to 0 and the maximum to 1.
   * @default {false}
   */
  readonly symmetric?: boolean;
}

/** Scales values linearly into `[0, 1]` (a constant array becomes mid-grey or 0). */
export function scaleToUnit(values: ArrayLike<number>, options: ScaleOptions = {}): Float32Array {
  const out = new Float32Array(values.length);
  if (options.symmetric) {
    let m = 0;
    for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
    for (let i = 0; i < values.length; i++) out[i] = m === 0 ? 0.5 : 0.5 + values[i] / (2 * m);
    return out;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  for (let i = 0; i < values.length; i++) out[i] = hi > lo ? (values[i] - lo) / (hi - lo) : 0;
  return out;
}

/** Options of {@linkcode tileGrid}. */
export interface GridOptions {
  /** Tiles per row. @default {ceil(sqrt(count))} */
  readonly columns?: number;
  /** Each tile pixel becomes a `scale x scale` block. @default {1} */
  readonly scale?: number;
  /** Pixels of border between tiles (and around them). @default {1} */
  readonly gap?: number;
  /** The grey level of the border. @default {1} */
  readonly background?: number;
}

/**
 * Lays out `count` grey tiles of `height x width` in a grid. `values` holds them interleaved
 * as the channels of an HWC map, `values[(y * width + x) * count + k]` for tile `k` (so one
 * example of a `[n, h, w, c]` activation, or a `[kh, kw, 1, c]` filter, goes in as it is).
 */
export function tileGrid(
  values: ArrayLike<number>,
  shape: readonly [height: number, width: number, count: number],
  options: GridOptions = {},
): Picture {
  const [h, w, count] = shape;
  const columns = options.columns ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const s = options.scale ?? 1;
  const gap = options.gap ?? 1;
  const width = columns * (w * s + gap) + gap;
  const height = rows * (h * s + gap) + gap;
  const data = new Float32Array(width * height).fill(options.background ?? 1);
  for (let k = 0; k < count; k++) {
    const x0 = gap + (k % columns) * (w * s + gap);
    const y0 = gap + Math.floor(k / columns) * (h * s + gap);
    for (let y = 0; y < h * s; y++) {
      for (let x = 0; x < w * s; x++) {
        const v = values[(Math.floor(y / s) * w + Math.floor(x / s)) * count + k];
        data[(y0 + y) * width + x0 + x] = v;
      }
    }
  }
  return { width, height, channels: 1, data };
}

/** Enlarges a picture by `scale` in each direction (nearest neighbour). */
export function enlarge(picture: Picture, scale: number): Picture {
  const { width, height, channels, data } = picture;
  const out = new Float32Array(width * scale * height * scale * channels);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const from = (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
      const to = (y * width * scale + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = data[from + c];
    }
  }
  return { width: width * scale, height: height * scale, channels, data: out };
}
