/**
 * Edge detection with fixed filters: one convolution of a colour image with two 3x3x3 Sobel
 * filters, as in the course notes. Filter 0 has the Sobel kernel `K` on every colour channel,
 * filter 1 its transpose `K^T`:
 *
 * ```text
 *       -1  0  1            -1 -2 -1
 *   K = -2  0  2      K^T =  0  0  0
 *       -1  0  1             1  2  1
 * ```
 *
 * `K` measures how fast the image brightens from left to right (summed over R, G and B), so
 * vertical edges light up in its map; `K^T` measures top to bottom, so horizontal edges light
 * up. The convolution has "valid" padding (zero padding would draw edges at the border).
 *
 * ```sh
 * deno task sobel                       # a generated 128 x 128 test picture
 * deno task sobel --input photo.png     # your own PNG
 * ```
 * Writes `input.png`, `sobel-horizontal.png` (|K * x|), `sobel-vertical.png` (|K^T * x|) and
 * `sobel-magnitude.png` (`sqrt` of the sum of squares) to `--out` (default `out/sobel`).
 * @module
 */

import { parseArgs } from "node:util";
import { conv2d, tensor } from "../mod.ts";
import { type Picture, readPng, writePng } from "./_png.ts";
import { intOption } from "./_cli.ts";

const HELP = `deno task sobel [options]

Convolves a colour image with two fixed 3x3x3 Sobel filters (K and K^T on every channel) and
writes the input and the edge maps as PNG files.

Options:
  --input PATH   a PNG to use (default: a generated test picture)
  --size N       the size of the generated picture            (default 128)
  --out DIR      where to write the pictures                  (default out/sobel)
  --help         this text
`;

/** The Sobel kernel `K` (rows top to bottom): the horizontal derivative. */
export const SOBEL_K: readonly (readonly number[])[] = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];

/** The two filters `[3, 3, 3, 2]` (HWIO): `K` on every channel, then `K^T` on every channel. */
export function sobelFilters(channels = 3): Float32Array {
  const w = new Float32Array(3 * 3 * channels * 2);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      for (let c = 0; c < channels; c++) {
        const at = ((i * 3 + j) * channels + c) * 2;
        w[at] = SOBEL_K[i][j];
        w[at + 1] = SOBEL_K[j][i];
      }
    }
  }
  return w;
}

/**
 * A colour test picture, `size x size`: a dark gradient with a red disc, a yellow square, a
 * green triangle and blue stripes, so that there are edges in every direction.
 */
export function testPicture(size: number): Picture {
  const data = new Float32Array(size * size * 3);
  const put = (x: number, y: number, rgb: readonly number[]): void =>
    rgb.forEach((v, c) => (data[(y * size + x) * 3 + c] = v));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / size;
      const v = y / size;
      put(x, y, [0.1, 0.15 + 0.25 * u, 0.3 + 0.2 * v]);
      if ((u - 0.3) ** 2 + (v - 0.3) ** 2 < 0.04) put(x, y, [0.9, 0.15, 0.1]);
      if (u > 0.55 && u < 0.9 && v > 0.12 && v < 0.47) put(x, y, [0.95, 0.85, 0.2]);
      if (v > 0.55 && v < 0.92 && Math.abs(u - 0.3) < (v - 0.55) * 0.7) put(x, y, [0.2, 0.8, 0.3]);
      if (u > 0.6 && u < 0.92 && v > 0.58 && v < 0.9 && Math.floor(v * 24) % 2 === 0) {
        put(x, y, [0.3, 0.5, 1]);
      }
    }
  }
  return { width: size, height: size, channels: 3, data };
}

function maxOf(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, v), 0);
}

/** What {@linkcode main} computed. */
export interface SobelResult {
  /** The files written: the input, the horizontal, vertical and magnitude maps. */
  readonly files: string[];
  /** The edge maps' size: the input's minus 2 in each direction ("valid"). */
  readonly height: number;
  /** See `height`. */
  readonly width: number;
  /** The response of `K` (signed), `height * width`. */
  readonly horizontal: Float32Array;
  /** The response of `K^T` (signed), `height * width`. */
  readonly vertical: Float32Array;
}

/** Runs the example with command-line `args`; undefined after `--help`. */
export async function main(args: readonly string[]): Promise<SobelResult | undefined> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      input: { type: "string" },
      size: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  const size = intOption("sobel", "size", values.size, 128, 3);
  const out = values.out ?? "out/sobel";
  const picture = values.input === undefined ? testPicture(size) : await readPng(values.input);
  const { width, height } = picture;
  if (width < 3 || height < 3) {
    throw new RangeError(`sobel: the image must be at least 3 x 3, but is ${width} x ${height}`);
  }
  const x = tensor(Float32Array.from(picture.data), { shape: [1, height, width, 3] });
  const w = tensor(sobelFilters(3), { shape: [3, 3, 3, 2] });
  const start = performance.now();
  const y = conv2d(x, w); // [1, height - 2, width - 2, 2]
  const maps = await y.data();
  const ms = performance.now() - start;
  const [oh, ow] = [height - 2, width - 2];
  const horizontal = new Float32Array(oh * ow);
  const vertical = new Float32Array(oh * ow);
  for (let p = 0; p < oh * ow; p++) {
    horizontal[p] = maps[2 * p];
    vertical[p] = maps[2 * p + 1];
  }
  // One scale for both maps, so that they compare; 0 stays black.
  const abs = (a: Float32Array): Float32Array => a.map(Math.abs);
  const magnitude = horizontal.map((h, p) => Math.hypot(h, vertical[p]));
  const peak = Math.max(maxOf(abs(horizontal)), maxOf(abs(vertical))) || 1;
  const grey = (data: Float32Array, max: number): Picture => ({
    width: ow,
    height: oh,
    channels: 1,
    data: data.map((v) => v / max),
  });
  const files = [
    await writePng(`${out}/input.png`, picture),
    await writePng(`${out}/sobel-horizontal.png`, grey(abs(horizontal), peak)),
    await writePng(`${out}/sobel-vertical.png`, grey(abs(vertical), peak)),
    await writePng(`${out}/sobel-magnitude.png`, grey(magnitude, maxOf(magnitude) || 1)),
  ];
  console.log(
    `sobel: ${width} x ${height} x 3 image, filters [3, 3, 3, 2] (K and K^T on every channel), ` +
      `edge maps ${ow} x ${oh} in ${ms.toFixed(1)} ms`,
  );
  for (const f of files) console.log(`  wrote ${f}`);
  return { files, height: oh, width: ow, horizontal, vertical };
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    Deno.exit(1);
  }
}
