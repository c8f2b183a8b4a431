import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "../tests/assert.ts";
import {
  type Backend,
  ones,
  scalarBackend,
  type Tensor,
  tensor,
  treeLeaves,
  zeros,
} from "../mod.ts";
import { decodeSafetensors } from "./decode_safetensors.ts";
import { decodeParams, encodeParams, loadParams, saveParams } from "./params.ts";
import { SafetensorsError } from "./safetensors.ts";

function model() {
  return {
    conv1: { w: tensor([[1, 2], [3, 4]]), b: tensor([0.25]) },
    layers: [{ w: tensor([1.5, -2.5], { dtype: "float64" }) }, null],
    "odd key": tensor([7], { dtype: "int32" }),
    state: { step: tensor(3, { dtype: "int32" }), mean: zeros([2]) },
  };
}

async function values(tree: unknown): Promise<number[][]> {
  return await Promise.all(treeLeaves(tree as Tensor).map(async (t) => Array.from(await t.data())));
}

Deno.test("encodeParams() names each leaf by its tree path", async () => {
  const file = decodeSafetensors(await encodeParams(model(), { epoch: "2" }));
  assert(file._tag === "Right");
  assertEquals(Object.keys(file.right.tensors).sort(), [
    '["odd key"]',
    "conv1.b",
    "conv1.w",
    "layers[0].w",
    "state.mean",
    "state.step",
  ]);
  assertEquals(file.right.metadata, { epoch: "2" });
  assertEquals(file.right.tensors["conv1.w"].shape, [2, 2]);
});

Deno.test("decodeParams() rebuilds the tree with its values, shapes and dtypes", async () => {
  const original = model();
  const structure = {
    conv1: { w: zeros([2, 2]), b: zeros([1]) },
    layers: [{ w: zeros([2], { dtype: "float64" }) }, null],
    "odd key": zeros([1], { dtype: "int32" }),
    state: { step: zeros([], { dtype: "int32" }), mean: ones([2]) },
  };
  const loaded = decodeParams(await encodeParams(original), structure);
  assertEquals(loaded.layers[1], null);
  assertEquals(loaded.layers[0]!.w.dtype, "float64");
  assertEquals(loaded.state.step.shape, []);
  assertEquals(await values(loaded), await values(original));
  assertStrictEquals(loaded.conv1.w.backend, scalarBackend);
});

Deno.test("decodeParams() creates tensors on options.backend when given", async () => {
  const other: Backend = { ...scalarBackend, name: "other" };
  const loaded = decodeParams(await encodeParams({ w: ones([2]) }), { w: zeros([2]) }, {
    backend: other,
  });
  assertStrictEquals(loaded.w.backend, other);
});

Deno.test("decodeParams() lists every missing, extra and mismatched name", async () => {
  const bytes = await encodeParams({ a: ones([2]), b: ones([3]), c: ones([1]), d: ones([4]) });
  const e = assertThrows(
    () =>
      decodeParams(bytes, {
        a: zeros([2]),
        b: zeros([3, 1]),
        c: zeros([1], { dtype: "float64" }),
        x: zeros([1]),
        y: { z: zeros([1]) },
      }),
    TypeError,
  );
  assertStringIncludes(e.message, "decodeParams: the file does not match the model's tree");
  assertStringIncludes(e.message, "missing from the file: x, y.z");
  assertStringIncludes(e.message, "not in the model: d");
  assertStringIncludes(e.message, "b (file float32 [3], model float32 [3, 1])");
  assertStringIncludes(e.message, "c (file float32 [1], model float64 [1])");
});

Deno.test("decodeParams() throws the SafetensorsError of a corrupted file", async () => {
  const bytes = await encodeParams({ a: ones([2]) });
  const e = assertThrows(() => decodeParams(bytes.subarray(0, 30), { a: zeros([2]) }));
  assertInstanceOf(e, SafetensorsError);
  assertStringIncludes(e.message, "decodeSafetensors:");
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
  name: "saveParams() and loadParams() round-trip a tree through a file",
  ignore: !canWriteTemp,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const path = `${dir}/model.safetensors`;
      await saveParams(path, model(), { note: "test" });
      const names = [];
      for await (const entry of Deno.readDir(dir)) names.push(entry.name);
      assertEquals(names, ["model.safetensors"], "no .partial file is left behind");
      const loaded = await loadParams(path, model());
      assertEquals(await values(loaded), await values(model()));
      const e = await assertRejects(() => loadParams(path, { other: zeros([1]) }), TypeError);
      assertStringIncludes(e.message, `${path}: decodeParams:`);
      await Deno.writeFile(path, new Uint8Array(10));
      const bad = await assertRejects(() => loadParams(path, model()), SafetensorsError);
      assertStringIncludes(bad.message, `${path}: decodeSafetensors:`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
