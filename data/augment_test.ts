import { assert, assertEquals, assertNotEquals, assertThrows } from "../tests/assert.ts";
import { fc, fcParams } from "../tests/fc.ts";
import { key, uniformValues } from "../core/random.ts";
import { gaussianNoise, type ImageBatch, randomCrop, randomFlip, randomShift } from "./augment.ts";

type Shape4 = [number, number, number, number];

function batchOf(shape: Shape4, fill: (i: number) => number = (i) => i + 1): ImageBatch {
  const size = shape[0] * shape[1] * shape[2] * shape[3];
  return { data: Float32Array.from({ length: size }, (_, i) => fill(i)), shape };
}

/** Pixel `(y, x, ch)` of image `i`, or `outside` beyond the borders. */
function at(b: ImageBatch, i: number, y: number, x: number, ch: number, outside = 0): number {
  const [, h, w, c] = b.shape;
  if (y < 0 || y >= h || x < 0 || x >= w) return outside;
  return b.data[((i * h + y) * w + x) * c + ch];
}

/** The obvious pad-and-crop: pad by k with `fill`, crop h x w at (k + dy, k + dx)... per image. */
function padAndCropReference(seed: number, b: ImageBatch, k: number, fill: number): Float32Array {
  const [n, h, w, c] = b.shape;
  const u = uniformValues(key(seed), 2 * n);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const top = Math.floor((2 * k + 1) * u[2 * i]); // crop corner in the padded image
    const leftCorner = Math.floor((2 * k + 1) * u[2 * i + 1]);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          out.push(at(b, i, y + top - k, x + leftCorner - k, ch, fill));
        }
      }
    }
  }
  return Float32Array.from(out);
}

const shapes = fc.tuple(
  fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: 1, max: 7 }),
  fc.integer({ min: 1, max: 7 }),
  fc.integer({ min: 1, max: 3 }),
);

Deno.test("randomShift() equals padding by k and cropping at a random position", () => {
  fc.assert(
    fc.property(shapes, fc.nat(4), fc.nat(1000), (shape, k, seed) => {
      const b = batchOf(shape as Shape4);
      const before = b.data.slice();
      const got = randomShift(key(seed), b, { maxShift: k, fill: -1 });
      assertEquals(got.shape, shape);
      assertEquals(got.data, padAndCropReference(seed, b, k, -1));
      assertEquals(b.data, before, "the input is unchanged");
    }),
    fcParams(100),
  );
});

Deno.test("randomShift() moves a single pixel by every offset in [-k, k] and no further", () => {
  const n = 500;
  const b = batchOf([n, 9, 9, 1], (i) => (i % 81 === 40 ? 1 : 0)); // one pixel at (4, 4)
  const got = randomShift(key(7), b, { maxShift: 2 });
  const offsets = new Set<string>();
  for (let i = 0; i < n; i++) {
    const img = got.data.subarray(i * 81, (i + 1) * 81);
    const p = img.indexOf(1);
    assertEquals(img.reduce((s, v) => s + v, 0), 1);
    const [dy, dx] = [Math.floor(p / 9) - 4, (p % 9) - 4];
    assert(Math.abs(dy) <= 2 && Math.abs(dx) <= 2);
    offsets.add(`${dy},${dx}`);
  }
  assertEquals(offsets.size, 25);
});

Deno.test("random augmentations are deterministic per key and per image", async (t) => {
  const b = batchOf([6, 5, 5, 2]);
  const ops = {
    randomShift: (k: number, x: ImageBatch) => randomShift(key(k), x, { maxShift: 2 }),
    randomCrop: (k: number, x: ImageBatch) => randomCrop(key(k), x, { height: 3, width: 4 }),
    gaussianNoise: (k: number, x: ImageBatch) => gaussianNoise(key(k), x, { std: 0.5 }),
    randomFlip: (k: number, x: ImageBatch) => randomFlip(key(k), x),
  };
  for (const [name, op] of Object.entries(ops)) {
    await t.step(name, () => {
      assertEquals(op(1, b), op(1, b));
      assertNotEquals(op(1, b).data, op(2, b).data);
      // Image i depends only on the key and i: the first two images alone give the same result.
      const firstTwo = { data: b.data.slice(0, 2 * 50), shape: [2, 5, 5, 2] as const };
      const whole = op(1, b);
      const part = op(1, firstTwo);
      assertEquals(part.data, whole.data.subarray(0, part.data.length));
    });
  }
});

Deno.test("randomShift() by 0 pixels and randomCrop() to the full size are the identity", () => {
  const b = batchOf([3, 4, 5, 2]);
  assertEquals(randomShift(key(0), b, { maxShift: 0 }).data, b.data);
  assertEquals(randomCrop(key(0), b, { height: 4, width: 5 }).data, b.data);
});

Deno.test("randomCrop() takes an h x w window at a uniform position", () => {
  fc.assert(
    fc.property(shapes, fc.nat(1000), fc.nat(), fc.nat(), (shape, seed, a, c) => {
      const b = batchOf(shape as Shape4);
      const [n, h, w, ch] = shape;
      const height = 1 + (a % h);
      const width = 1 + (c % w);
      const got = randomCrop(key(seed), b, { height, width });
      assertEquals(got.shape, [n, height, width, ch]);
      const u = uniformValues(key(seed), 2 * n);
      for (let i = 0; i < n; i++) {
        const y0 = Math.floor((h - height + 1) * u[2 * i]);
        const x0 = Math.floor((w - width + 1) * u[2 * i + 1]);
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            for (let k = 0; k < ch; k++) {
              assertEquals(
                got.data[((i * height + y) * width + x) * ch + k],
                at(b, i, y0 + y, x0 + x, k),
              );
            }
          }
        }
      }
    }),
    fcParams(100),
  );
});

Deno.test("gaussianNoise() adds noise of the given std, clipped when asked", () => {
  const b = batchOf([10, 20, 20, 1], () => 0.5);
  assertEquals(gaussianNoise(key(3), b, { std: 0 }).data, b.data);
  const noisy = gaussianNoise(key(3), b, { std: 0.1 });
  let sum = 0;
  let sq = 0;
  for (const v of noisy.data) {
    sum += v - 0.5;
    sq += (v - 0.5) ** 2;
  }
  const n = noisy.data.length;
  assert(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
  assert(Math.abs(Math.sqrt(sq / n) - 0.1) < 0.01, `std ${Math.sqrt(sq / n)}`);
  const clipped = gaussianNoise(key(3), b, { std: 2, clip: [0, 1] });
  assert(clipped.data.every((v) => v >= 0 && v <= 1));
  assert(clipped.data.some((v) => v === 0) && clipped.data.some((v) => v === 1));
});

Deno.test("randomFlip() mirrors whole pixels left to right with the given probability", () => {
  const b: ImageBatch = { data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), shape: [1, 2, 2, 2] };
  assertEquals(
    randomFlip(key(0), b, { probability: 1 }).data,
    new Float32Array([3, 4, 1, 2, 7, 8, 5, 6]),
  );
  assertEquals(randomFlip(key(0), b, { probability: 0 }).data, b.data);
  const many = batchOf([1000, 1, 2, 1], (i) => i % 2); // each image is [0, 1]
  const flipped = randomFlip(key(5), many).data;
  let count = 0;
  for (let i = 0; i < 1000; i++) count += flipped[2 * i];
  assert(count > 430 && count < 570, `${count} of 1000 flipped`);
  const twice = randomFlip(key(9), randomFlip(key(9), many));
  assertEquals(twice.data, many.data);
});

Deno.test("augmentations reject malformed batches and options", () => {
  const b = batchOf([1, 2, 2, 1]);
  const bad = { data: new Float32Array(3), shape: [1, 2, 2, 1] } as ImageBatch;
  assertThrows(() => randomShift(key(0), bad), TypeError, "batch.data must hold 4 floats");
  assertThrows(
    () => randomShift(key(0), { data: b.data, shape: [4] } as unknown as ImageBatch),
    TypeError,
    "batch.shape must be [n, h, w, c]",
  );
  assertThrows(
    () => randomFlip(key(0), { data: [1, 2, 3, 4], shape: [1, 2, 2, 1] } as unknown as ImageBatch),
    TypeError,
    "Float32Array",
  );
  assertThrows(() => randomShift(key(0), b, { maxShift: -1 }), RangeError, "maxShift");
  assertThrows(() => randomCrop(key(0), b, { height: 3, width: 1 }), RangeError, "[1, 2]");
  assertThrows(() => gaussianNoise(key(0), b, { std: -1 }), RangeError, "options.std");
  assertThrows(() => gaussianNoise(key(0), b, { std: 1, clip: [1, 0] }), RangeError, "clip");
  assertThrows(() => randomFlip(key(0), b, { probability: 2 }), RangeError, "[0, 1]");
  assertThrows(() => randomFlip({} as never, b), TypeError, "Key");
});
