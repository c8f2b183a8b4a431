import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../tests/assert.ts";
import { fc, fcParams } from "../tests/fc.ts";
import { tensor } from "../mod.ts";
import type { Result } from "../data/result.ts";
import { decodeSafetensors } from "./decode_safetensors.ts";
import { encodeSafetensors } from "./encode_safetensors.ts";
import {
  type HostTensor,
  type Safetensors,
  SafetensorsError,
  type SafetensorsErrorKind,
} from "./safetensors.ts";

const text = new TextEncoder();

/** A file from a header (JSON text or a value to stringify) and a buffer; `n` overrides N. */
function build(header: unknown, buffer: Uint8Array | number = 0, n?: number): Uint8Array {
  const json = text.encode(typeof header === "string" ? header : JSON.stringify(header));
  const data = typeof buffer === "number" ? new Uint8Array(buffer) : buffer;
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  const size = n ?? json.length;
  view.setUint32(0, size % 2 ** 32, true);
  view.setUint32(4, Math.floor(size / 2 ** 32), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectLeft(
  result: Result<SafetensorsError, Safetensors>,
  kind: SafetensorsErrorKind,
  ...fragments: string[]
): void {
  assert(result._tag === "Left", `expected a Left of kind ${kind}, got a Right`);
  assertInstanceOf(result.left, SafetensorsError);
  assertEquals(result.left.kind, kind, result.left.message);
  assertStringIncludes(result.left.message, "decodeSafetensors: ");
  for (const f of fragments) assertStringIncludes(result.left.message, f);
}

function right(result: Result<SafetensorsError, Safetensors>): Safetensors {
  if (result._tag === "Left") throw result.left;
  return result.right;
}

/** True when every tensor of `file` is consistent: typed array, length, byte coverage. */
function consistent(file: Safetensors, bytes: Uint8Array): boolean {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  let covered = 0;
  for (const t of Object.values(file.tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    const Want = { float32: Float32Array, float64: Float64Array, int32: Int32Array }[t.dtype];
    if (!(t.data instanceof Want) || t.data.length !== size) return false;
    covered += t.data.byteLength;
  }
  return covered === bytes.length - 8 - n;
}

Deno.test("encodeSafetensors() writes the reference layout byte for byte", async () => {
  const bytes = await encodeSafetensors(
    {
      w: tensor([1, 2]),
      n: tensor(7, { dtype: "int32" }),
      d: tensor([0.5], { dtype: "float64" }),
    },
    { k: "v" },
  );
  // Grouped by dtype (F64, F32, I32), __metadata__ first, compact JSON, 187 bytes + 5 spaces.
  const json = '{"__metadata__":{"k":"v"},' +
    '"d":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
    '"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},' +
    '"n":{"dtype":"I32","shape":[],"data_offsets":[16,20]}}';
  assertEquals(json.length, 187);
  const expected = [
    ...[192, 0, 0, 0, 0, 0, 0, 0],
    ...text.encode(json),
    ...[32, 32, 32, 32, 32],
    ...[0, 0, 0, 0, 0, 0, 0xe0, 0x3f], // 0.5 as float64, little-endian
    ...[0, 0, 0x80, 0x3f, 0, 0, 0, 0x40], // 1 and 2 as float32
    ...[7, 0, 0, 0], // 7 as int32
  ];
  assertEquals(Array.from(bytes), expected);
  assertEquals(bytes.length, 220);
});

Deno.test("decodeSafetensors() reads back what encodeSafetensors() wrote", async () => {
  const values = fc.integer({ min: -1000, max: 1000 });
  const entry = fc.record({
    dtype: fc.constantFrom("float32" as const, "float64" as const, "int32" as const),
    shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
  }).chain(({ dtype, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return fc.array(values, { minLength: size, maxLength: size }).map((v): HostTensor => ({
      dtype,
      shape,
      data: { float32: Float32Array, float64: Float64Array, int32: Int32Array }[dtype].from(
        v.map((x) => (dtype === "int32" ? x : x / 7)),
      ),
    }));
  });
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(fc.string({ maxLength: 6 }), entry, { maxKeys: 5 }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
      async (tensors, metadata) => {
        delete tensors.__metadata__;
        const bytes = await encodeSafetensors(tensors, metadata);
        assertEquals((8 + new DataView(bytes.buffer).getUint32(0, true)) % 8, 0);
        const file = right(decodeSafetensors(bytes));
        assertEquals(file.metadata, { ...metadata });
        assertEquals(Object.keys(file.tensors).sort(), Object.keys(tensors).sort());
        for (const [name, t] of Object.entries(tensors)) {
          assertEquals(file.tensors[name].dtype, t.dtype);
          assertEquals(file.tensors[name].shape, t.shape);
          assertEquals(file.tensors[name].data, t.data);
        }
      },
    ),
    fcParams(100),
  );
});

Deno.test("decodeSafetensors() keeps floats exactly, with -0, NaN and infinities", async () => {
  const special = [-0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38];
  const f32 = new Float32Array(special);
  const f64 = new Float64Array([...special, Number.MIN_VALUE, Number.MAX_VALUE]);
  const i32 = new Int32Array([-2147483648, 2147483647, 0, -1]);
  const bytes = await encodeSafetensors({
    f32: { dtype: "float32", shape: [6], data: f32 },
    f64: { dtype: "float64", shape: [2, 4], data: f64 },
    i32: tensor(i32, { shape: [4] }),
  });
  const file = right(decodeSafetensors(bytes));
  assertEquals(file.tensors.f32.data, f32);
  assertEquals(file.tensors.f64.data, f64);
  assertEquals(file.tensors.i32.data, i32);
});

Deno.test("decodeSafetensors() rejects every truncation of a valid file", async () => {
  const bytes = await encodeSafetensors(
    { a: tensor([1, 2, 3]), b: tensor([[4]], { dtype: "float64" }) },
    { note: "x" },
  );
  for (let n = 0; n < bytes.length; n++) {
    const r = decodeSafetensors(bytes.subarray(0, n));
    assert(r._tag === "Left", `a file cut to ${n} of ${bytes.length} bytes must be rejected`);
  }
  expectLeft(decodeSafetensors(bytes.subarray(0, 5)), "header-size", "8-byte header size", "5");
  expectLeft(decodeSafetensors(bytes.subarray(0, 40)), "header-size", "only 32 bytes follow");
  expectLeft(
    decodeSafetensors(bytes.subarray(0, bytes.length - 3)),
    "offsets",
    "past the end of the data buffer",
  );
});

Deno.test("decodeSafetensors() rejects bad header sizes", () => {
  const header = { a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } };
  expectLeft(decodeSafetensors(build(header, 4, 2 ** 40)), "header-size", "1099511627776", "limit");
  expectLeft(decodeSafetensors(build(header, 4, 2 ** 53 + 2 ** 40)), "header-size", "limit");
  expectLeft(
    decodeSafetensors(build(header, 4), { maxHeaderBytes: 16 }),
    "header-size",
    "limit of 16 (options.maxHeaderBytes)",
  );
  expectLeft(decodeSafetensors(build(header, 4, 200)), "header-size", "header size is 200");
  expectLeft(decodeSafetensors(build(header, 4, 0)), "header", "is empty");
  // A header size that is too small cuts the JSON; one too large swallows data into it.
  expectLeft(decodeSafetensors(build(header, 4, 20)), "header", "not valid JSON");
  expectLeft(decodeSafetensors(build(header, 4, JSON.stringify(header).length + 4)), "header");
});

Deno.test("decodeSafetensors() rejects headers that are not a JSON object", () => {
  expectLeft(decodeSafetensors(build("[1, 2]")), "header", 'starting with "{"', "0x5b");
  expectLeft(decodeSafetensors(build(' {"a":1}')), "header", "0x20");
  expectLeft(decodeSafetensors(build("{not json}")), "header", "not valid JSON");
  expectLeft(decodeSafetensors(build('{"a": 1} trailing')), "header", "not valid JSON");
  const invalidUtf8 = build('{"\u00e9":{}}');
  invalidUtf8[11] = 0xff;
  expectLeft(decodeSafetensors(invalidUtf8), "header", "UTF-8");
  expectLeft(decodeSafetensors(build({ __metadata__: { a: 1 } })), "header", "__metadata__");
  expectLeft(decodeSafetensors(build({ __metadata__: ["a"] })), "header", "__metadata__");
  const ok = right(decodeSafetensors(build({ __metadata__: null })));
  assertEquals([ok.tensors, ok.metadata], [{}, {}]);
});

Deno.test("decodeSafetensors() rejects malformed entries, naming the tensor", async (t) => {
  const f32 = (shape: unknown, offsets: unknown, dtype: unknown = "F32") => ({
    w: { dtype, shape, data_offsets: offsets },
  });
  await t.step("not an object, or missing fields", () => {
    expectLeft(decodeSafetensors(build({ w: 3 })), "entry", '"w" must be an object');
    expectLeft(
      decodeSafetensors(build({ w: { shape: [1], data_offsets: [0, 4] } }, 4)),
      "entry",
      "dtype",
    );
    expectLeft(
      decodeSafetensors(build({ w: { dtype: "F32", data_offsets: [0, 4] } }, 4)),
      "entry",
      "shape",
    );
    expectLeft(
      decodeSafetensors(build({ w: { dtype: "F32", shape: [1] } }, 4)),
      "entry",
      "data_offsets",
    );
  });
  await t.step("an unknown or unsupported dtype", () => {
    expectLeft(
      decodeSafetensors(build(f32([1], [0, 4], "F33"), 4)),
      "dtype",
      'unknown dtype "F33"',
    );
    expectLeft(
      decodeSafetensors(build(f32([1], [0, 2], "F16"), 2)),
      "dtype",
      "F16",
      "F32, F64 and I32",
    );
  });
  await t.step("a bad shape", () => {
    for (const shape of [[-1], [1.5], ["2"], 4, [2 ** 53]]) {
      expectLeft(decodeSafetensors(build(f32(shape, [0, 4]), 4)), "entry", "shape");
    }
  });
  await t.step("bad offsets", () => {
    for (const offsets of [[0], [4, 0], [-4, 0], [0, 4.5], "0,4", [0, 4, 8]]) {
      expectLeft(decodeSafetensors(build(f32([1], offsets), 4)), "entry", "data_offsets");
    }
  });
  await t.step("a shape that does not match the bytes", () => {
    expectLeft(
      decodeSafetensors(build(f32([2, 3], [0, 20]), 20)),
      "length",
      "needs 24 bytes",
      "hold 20",
    );
    expectLeft(
      decodeSafetensors(build(f32([2 ** 40, 2 ** 40, 0], [0, 4]), 4)),
      "length",
      "needs 0",
    );
    expectLeft(
      decodeSafetensors(build(f32([2 ** 30, 2 ** 30, 2 ** 30], [0, 4]), 4)),
      "length",
      "more than 2^53",
    );
  });
});

Deno.test("decodeSafetensors() requires offsets that tile the data buffer exactly", () => {
  const entry = (begin: number, end: number) => ({
    dtype: "F32",
    shape: [(end - begin) / 4],
    data_offsets: [begin, end],
  });
  expectLeft(
    decodeSafetensors(build({ a: entry(0, 4), b: entry(8, 12) }, 12)),
    "offsets",
    '"b" starts at byte 8',
    "gap",
  );
  expectLeft(
    decodeSafetensors(build({ a: entry(0, 8), b: entry(4, 12) }, 12)),
    "offsets",
    "overlap",
  );
  expectLeft(decodeSafetensors(build({ a: entry(4, 8) }, 8)), "offsets", "starts at byte 0");
  expectLeft(
    decodeSafetensors(build({ a: entry(0, 4) }, 8)),
    "offsets",
    "4 bytes belong to no tensor",
  );
  expectLeft(decodeSafetensors(build({ a: entry(0, 8) }, 4)), "offsets", "past the end");
  expectLeft(decodeSafetensors(build({}, 4)), "offsets", "cover 0 bytes");
  // Tensors in any order in the header, and empty tensors anywhere, are fine.
  const file = right(
    decodeSafetensors(build({ b: entry(4, 8), e: entry(4, 4), a: entry(0, 4) }, 8)),
  );
  assertEquals(Object.keys(file.tensors), ["a", "e", "b"]);
  assertEquals(file.tensors.e.data, new Float32Array(0));
});

Deno.test("decodeSafetensors() treats odd tensor names as plain names", () => {
  const entry = { dtype: "I32", shape: [1], data_offsets: [0, 4] };
  const file = right(decodeSafetensors(build('{"__proto__":' + JSON.stringify(entry) + "}", 4)));
  assert(Object.hasOwn(file.tensors, "__proto__"));
  assertEquals(Object.getPrototypeOf(file.tensors), Object.prototype);
});

Deno.test("decodeSafetensors() keeps messages short for huge or deeply nested values", () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  const hostile = [
    `{"w":${deep}}`,
    `{"w":{"dtype":"F32","shape":${deep},"data_offsets":[0,4]}}`,
    `{"w":{"dtype":"F32","shape":[${new Array(100_000).fill(1)}],"data_offsets":[0,8]}}`,
    `{"${"n".repeat(1_000_000)}":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`,
    `{"__metadata__":{"a":${deep}}}`,
  ];
  for (const header of hostile) {
    const r = decodeSafetensors(build(header, 8));
    assert(r._tag === "Left");
    assertInstanceOf(r.left, SafetensorsError);
    assert(r.left.message.length < 400, r.left.message.slice(0, 400));
  }
});

Deno.test("decodeSafetensors() never throws on randomly mutated files", async () => {
  const bytes = await encodeSafetensors(
    {
      "conv.w": tensor([[1, 2], [3, 4]]),
      "conv.b": tensor([0.5], { dtype: "float64" }),
      step: tensor([3], { dtype: "int32" }),
      empty: tensor(new Float32Array(0), { shape: [0, 2] }),
    },
    { epoch: "1" },
  );
  const headerEnd = 8 + new DataView(bytes.buffer).getUint32(0, true);
  const mutation = fc.record({
    // Mostly in the header, where a change is interesting; sometimes anywhere.
    edits: fc.array(
      fc.tuple(
        fc.oneof(fc.nat(headerEnd - 1), fc.nat(bytes.length - 1)),
        fc.oneof(
          fc.integer({ min: 0, max: 255 }),
          fc.constantFrom(...text.encode('{}[]",:0123456789 -.e')),
        ),
      ),
      { minLength: 1, maxLength: 4 },
    ),
    resize: fc.oneof(
      { arbitrary: fc.constant(0), weight: 3 },
      { arbitrary: fc.integer({ min: -12, max: 12 }), weight: 1 },
    ),
  });
  let lefts = 0;
  fc.assert(
    fc.property(mutation, ({ edits, resize }) => {
      let b = bytes.slice();
      for (const [at, v] of edits) b[at] = v;
      b = resize < 0
        ? b.subarray(0, b.length + resize)
        : new Uint8Array([...b, ...new Uint8Array(resize)]);
      const r = decodeSafetensors(b);
      if (r._tag === "Left") {
        lefts++;
        assertInstanceOf(r.left, SafetensorsError);
        assertStringIncludes(r.left.message, "decodeSafetensors: ");
      } else {
        assert(consistent(r.right, b), "a decoded file must be consistent");
      }
    }),
    fcParams(400),
  );
  assert(lefts > 0);
});

Deno.test("decodeSafetensors() never throws on random JSON headers", () => {
  const entryLike = fc.record(
    {
      dtype: fc.oneof(fc.constantFrom("F32", "F64", "I32", "F16", "X"), fc.jsonValue()),
      shape: fc.oneof(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }), fc.jsonValue()),
      data_offsets: fc.oneof(
        fc.array(fc.integer({ min: -4, max: 40 }), { maxLength: 3 }),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  );
  const header = fc.dictionary(
    fc.oneof(fc.string(), fc.constant("__metadata__")),
    fc.oneof(entryLike, fc.jsonValue()),
    {
      maxKeys: 4,
    },
  );
  fc.assert(
    fc.property(header, fc.nat(40), (h, size) => {
      const b = build(h, size);
      const r = decodeSafetensors(b);
      if (r._tag === "Left") assertInstanceOf(r.left, SafetensorsError);
      else assert(consistent(r.right, b));
    }),
    fcParams(300),
  );
});

Deno.test("encodeSafetensors() and decodeSafetensors() reject bad arguments", async () => {
  await assertRejects(
    () => encodeSafetensors({ __metadata__: tensor([1]) }),
    TypeError,
    "__metadata__",
  );
  await assertRejects(
    () => encodeSafetensors({ a: tensor([1]) }, { k: 1 as unknown as string }),
    TypeError,
    'metadata["k"]',
  );
  await assertRejects(
    () => encodeSafetensors({ a: [1, 2] as unknown as HostTensor }),
    TypeError,
    'tensors["a"]',
  );
  await assertRejects(
    () => encodeSafetensors({ a: { dtype: "float32", shape: [3], data: new Float32Array(2) } }),
    TypeError,
    "shape [3]",
  );
  await assertRejects(
    () => encodeSafetensors([] as unknown as Record<string, HostTensor>),
    TypeError,
    "plain object",
  );
  assertThrows(() => decodeSafetensors([1, 2] as unknown as Uint8Array), TypeError, "Uint8Array");
  assertThrows(
    () => decodeSafetensors(new Uint8Array(8), { maxHeaderBytes: -1 }),
    RangeError,
    "options.maxHeaderBytes",
  );
});
