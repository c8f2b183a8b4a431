import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../tests/assert.ts";
import { fc, fcParams } from "../tests/fc.ts";
import {
  encodeIdx,
  IdxError,
  type IdxErrorKind,
  type IdxType,
  parseIdx,
  readIdx,
  readIdxFile,
} from "./idx.ts";
import type { Result } from "./result.ts";
import { gzip } from "./_gzip.ts";

function expectLeft<A>(
  result: Result<IdxError, A>,
  kind: IdxErrorKind,
  ...fragments: string[]
): IdxError {
  assert(result._tag === "Left", `expected a Left of kind ${kind}, got a Right`);
  const e = result.left;
  assertInstanceOf(e, IdxError);
  assertEquals(e.kind, kind, e.message);
  for (const f of fragments) assertStringIncludes(e.message, f);
  return e;
}

const labels = encodeIdx({ type: "ubyte", shape: [5], data: [0, 1, 2, 9, 4] });

Deno.test("encodeIdx() writes the documented header and big-endian elements", () => {
  assertEquals(
    Array.from(encodeIdx({ type: "ubyte", shape: [2], data: [1, 2] })),
    [0, 0, 8, 1, 0, 0, 0, 2, 1, 2],
  );
  assertEquals(
    Array.from(encodeIdx({ type: "short", shape: [1, 2], data: [-2, 258] })),
    [0, 0, 0x0b, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xfe, 1, 2],
  );
  assertEquals(
    Array.from(encodeIdx({ type: "float", shape: [1], data: [1] })),
    [0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0x80, 0, 0],
  );
});

Deno.test("parseIdx() reads back what encodeIdx() wrote, for every type and rank", () => {
  const types: IdxType[] = ["ubyte", "byte", "short", "int", "float", "double"];
  const value = (type: IdxType): fc.Arbitrary<number> => {
    switch (type) {
      case "ubyte":
        return fc.integer({ min: 0, max: 255 });
      case "byte":
        return fc.integer({ min: -128, max: 127 });
      case "short":
        return fc.integer({ min: -32768, max: 32767 });
      case "int":
        return fc.integer({ min: -2147483648, max: 2147483647 });
      case "float":
        return fc.float({ noNaN: true });
      case "double":
        return fc.double({ noNaN: true });
    }
  };
  const arb = fc.constantFrom(...types).chain((type) =>
    fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
      fc.array(value(type), {
        minLength: shape.reduce((a, b) => a * b, 1),
        maxLength: shape.reduce((a, b) => a * b, 1),
      }).map((data) => ({ type, shape, data }))
    )
  );
  fc.assert(
    fc.property(arb, ({ type, shape, data }) => {
      const parsed = parseIdx(encodeIdx({ type, shape, data }));
      assert(parsed._tag === "Right");
      assertEquals(parsed.right.type, type);
      assertEquals(parsed.right.shape, shape);
      assertEquals(Array.from(parsed.right.data), data);
    }),
    fcParams(200),
  );
});

Deno.test("parseIdx() copies the elements out of a view into a larger buffer", () => {
  const file = encodeIdx({ type: "int", shape: [2], data: [7, -7] });
  const big = new Uint8Array(file.length + 5);
  big.set(file, 3);
  const parsed = parseIdx(big.subarray(3, 3 + file.length));
  assert(parsed._tag === "Right");
  assertEquals(parsed.right.data, new Int32Array([7, -7]));
  big.fill(0);
  assertEquals(parsed.right.data, new Int32Array([7, -7]));
});

Deno.test("parseIdx() rejects corrupted headers with clear errors", async (t) => {
  const good = encodeIdx({ type: "ubyte", shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
  const patch = (at: number, ...values: number[]): Uint8Array => {
    const b = good.slice();
    b.set(values, at);
    return b;
  };
  await t.step("a bad magic number", () => {
    expectLeft(parseIdx(patch(0, 0x50, 0x4b)), "magic", "0x00 0x00", "0x50 0x4b");
    expectLeft(parseIdx(patch(1, 1)), "magic", "0x00 0x01");
  });
  await t.step("gzip data given to the raw parser", () => {
    expectLeft(parseIdx(patch(0, 0x1f, 0x8b)), "magic", "gzip", "readIdx");
  });
  await t.step("an unknown type byte", () => {
    for (const code of [0x00, 0x07, 0x0a, 0x0f, 0xff]) {
      expectLeft(parseIdx(patch(2, code)), "type", `0x${code.toString(16).padStart(2, "0")}`);
    }
  });
  await t.step("zero or too many dimensions", () => {
    expectLeft(parseIdx(patch(3, 0)), "rank", "1 to 4", "is 0");
    expectLeft(parseIdx(patch(3, 5)), "rank", "is 5");
  });
  await t.step("a zero dimension", () => {
    expectLeft(parseIdx(patch(4, 0, 0, 0, 0)), "dimension", "dimension 0 is 0");
    expectLeft(parseIdx(patch(8, 0, 0, 0, 0)), "dimension", "dimension 1 is 0");
  });
  await t.step("dimensions too large, without allocating", () => {
    const huge = patch(4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    expectLeft(parseIdx(huge), "dimension", "limit of 2147483648 elements");
    expectLeft(parseIdx(good, { maxElements: 5 }), "dimension", "[2, 3]", "limit of 5");
  });
  await t.step("a header cut short", () => {
    expectLeft(parseIdx(good.subarray(0, 3)), "length", "4-byte magic", "only 3 bytes");
    expectLeft(parseIdx(good.subarray(0, 10)), "length", "12-byte header", "has 10 bytes");
  });
});

Deno.test("parseIdx() rejects truncated files and trailing bytes, naming both lengths", () => {
  const good = encodeIdx({ type: "short", shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
  assertEquals(good.length, 24);
  for (let n = 0; n < good.length; n++) {
    const r = parseIdx(good.subarray(0, n));
    assert(r._tag === "Left", `a file cut to ${n} bytes must be rejected`);
  }
  expectLeft(
    parseIdx(good.subarray(0, 21)),
    "length",
    "exactly 24 bytes",
    "has 21",
    "3 bytes missing",
  );
  const longer = new Uint8Array(26);
  longer.set(good);
  expectLeft(parseIdx(longer), "length", "exactly 24 bytes", "has 26", "2 trailing bytes");
});

Deno.test("parseIdx() never throws on randomly mutated files", () => {
  const good = encodeIdx({ type: "int", shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] });
  const mutation = fc.record({
    edits: fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
      maxLength: 4,
    }),
    cut: fc.integer({ min: -8, max: good.length }),
  });
  fc.assert(
    fc.property(mutation, ({ edits, cut }) => {
      let bytes = good.slice();
      for (const [at, v] of edits) bytes[at] = v;
      if (cut < 0) bytes = new Uint8Array([...bytes, ...new Uint8Array(-cut)]);
      else bytes = bytes.subarray(0, cut);
      const r = parseIdx(bytes);
      if (r._tag === "Left") {
        assertInstanceOf(r.left, IdxError);
        assertStringIncludes(r.left.message, "parseIdx: ");
      } else {
        assertEquals(r.right.data.length, r.right.shape.reduce((a, b) => a * b, 1));
      }
    }),
    fcParams(300),
  );
});

Deno.test("readIdx() reads gzip files and guards against bad and oversized gzip", async (t) => {
  const raw = encodeIdx({
    type: "ubyte",
    shape: [3, 4],
    data: Array.from({ length: 12 }, (_, i) => i),
  });
  const gz = await gzip(raw);
  await t.step("gzip and raw files give the same array", async () => {
    const a = await readIdx(raw);
    const b = await readIdx(gz);
    assert(a._tag === "Right" && b._tag === "Right");
    assertEquals(b.right, a.right);
  });
  await t.step("a corrupted or truncated gzip stream", async () => {
    const bad = gz.slice();
    bad[12] ^= 0xff;
    bad[13] ^= 0xff;
    expectLeft(await readIdx(bad), "gzip", "readIdx", "not valid gzip");
    expectLeft(await readIdx(gz.subarray(0, gz.length - 6)), "gzip", "not valid gzip");
  });
  await t.step("a zip bomb stops at maxBytes", async () => {
    const bomb = await gzip(new Uint8Array(4_000_000));
    assert(bomb.length < 10_000);
    expectLeft(await readIdx(bomb, { maxBytes: 1_000_000 }), "gzip", "limit of 1000000 bytes");
  });
  await t.step("a valid gzip of a broken IDX file reports the IDX problem", async () => {
    expectLeft(await readIdx(await gzip(raw.subarray(0, 15))), "length", "exactly 24 bytes");
  });
  await t.step("non-bytes arguments are a TypeError", async () => {
    await assertRejects(
      () => readIdx([0, 0, 8, 1] as unknown as Uint8Array),
      TypeError,
      "Uint8Array",
    );
    assertThrows(() => parseIdx("abc" as unknown as Uint8Array), TypeError, "Uint8Array");
  });
});

Deno.test("readIdxFile() throws the file system's error for a missing file", async () => {
  await assertRejects(() => readIdxFile("./no-such-file-idx1-ubyte"), Deno.errors.NotFound);
});

/** True when this run may write and read Deno.makeTempDir()'s folder (TMPDIR or /tmp). */
function canUseTempDir(): boolean {
  let dir: string | undefined;
  try {
    dir = Deno.env.get("TMPDIR");
  } catch {
    // no --allow-env: assume the default
  }
  const path = dir || "/tmp";
  return Deno.permissions.querySync({ name: "write", path }).state === "granted" &&
    Deno.permissions.querySync({ name: "read", path }).state === "granted";
}
const canWriteTemp = canUseTempDir();

Deno.test({
  name: "readIdxFile() reads raw and gzip files and names the path in errors",
  ignore: !canWriteTemp,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeFile(`${dir}/labels.gz`, await gzip(labels));
      await Deno.writeFile(`${dir}/bad`, labels.subarray(0, 9));
      const ok = await readIdxFile(`${dir}/labels.gz`);
      assert(ok._tag === "Right");
      assertEquals(Array.from(ok.right.data), [0, 1, 2, 9, 4]);
      expectLeft(await readIdxFile(`${dir}/bad`), "length", `${dir}/bad: parseIdx:`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("parseIdx() and readIdx() reject bad limits", async () => {
  assertThrows(() => parseIdx(labels, { maxElements: 0 }), RangeError, "options.maxElements");
  await assertRejects(() => readIdx(labels, { maxBytes: 1.5 }), RangeError, "options.maxBytes");
});

Deno.test("encodeIdx() rejects bad arguments", () => {
  assertThrows(
    () => encodeIdx({ type: "long" as IdxType, shape: [1], data: [1] }),
    TypeError,
    'array.type must be one of "ubyte"',
  );
  assertThrows(() => encodeIdx({ type: "ubyte", shape: [], data: [] }), TypeError, "1 to 4");
  assertThrows(() => encodeIdx({ type: "ubyte", shape: [0], data: [] }), TypeError, "[1, 2^32)");
  assertThrows(() => encodeIdx({ type: "ubyte", shape: [2], data: [1] }), TypeError, "hold 2");
  assertThrows(() => encodeIdx({ type: "ubyte", shape: [1], data: [256] }), RangeError, "[0, 255]");
  assertThrows(() => encodeIdx({ type: "int", shape: [1], data: [0.5] }), RangeError, "integer");
});
