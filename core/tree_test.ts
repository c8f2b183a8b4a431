import { assert, assertEquals, assertStrictEquals, assertThrows } from "../tests/assert.ts";
import { scalarBackend } from "../backends/scalar/mod.ts";
import { fromValues } from "./create.ts";
import type { Tensor } from "./tensor.ts";
import {
  type Tree,
  treeFlatten,
  treeLeaves,
  treeMap,
  treeMap2,
  treeSize,
  treeStructureEquals,
  treeToRecord,
  treeUnflatten,
  treeZip,
} from "./tree.ts";

/** A float64 tensor of `shape` filled with `value`. */
function t(shape: number[], value = 0): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return fromValues(new Float64Array(n).fill(value), shape, "float64", scalarBackend);
}

function model() {
  return {
    conv1: { w: t([3, 3, 1, 4], 1), b: t([4], 2) },
    layers: [{ w: t([4, 2], 3), b: t([2], 4) }, null, { w: t([2, 1], 5) }],
    head: undefined,
  };
}

const first = (x: Tensor): number => x.dataSync()[0];

Deno.test("treeFlatten() lists leaves in key and index order with their paths", () => {
  const { paths, leaves } = treeFlatten(model());
  assertEquals(paths, ["conv1.w", "conv1.b", "layers[0].w", "layers[0].b", "layers[2].w"]);
  assertEquals(leaves.map(first), [1, 2, 3, 4, 5]);
  assertEquals(treeLeaves(model()).map(first), [1, 2, 3, 4, 5]);
});

Deno.test("paths quote keys that are not identifiers; integer-like keys come first", () => {
  const tree = { b: t([1]), "1x1": t([1]), "10": t([1]), "a.b": [t([1])], $x: t([1]) };
  assertEquals(treeFlatten(tree).paths, ['["10"]', "b", '["1x1"]', '["a.b"][0]', "$x"]);
});

Deno.test("a tensor alone is a tree with one leaf at the empty path", () => {
  const x = t([2], 7);
  assertEquals(treeFlatten(x).paths, [""]);
  assertEquals(first(treeMap(x, (l) => t(l.shape as number[], 8))), 8);
  assertEquals(treeLeaves(null), []);
  assertEquals(treeLeaves(undefined), []);
  assertEquals(treeLeaves([]), []);
  assertEquals(treeSize({}), 0);
});

Deno.test("treeMap() rebuilds the structure, keeps null and undefined, passes paths", () => {
  const m = model();
  const paths: string[] = [];
  const out = treeMap(m, (leaf, path) => {
    paths.push(path);
    return t(leaf.shape as number[], first(leaf) * 10);
  });
  assertEquals(paths, treeFlatten(m).paths);
  assertEquals(treeLeaves(out).map(first), [10, 20, 30, 40, 50]);
  assertStrictEquals(out.layers[1], null);
  assert("head" in out && out.head === undefined);
  assert(out !== m && out.conv1 !== m.conv1 && out.layers !== m.layers);
  assertEquals(first(m.conv1.w), 1); // the input is untouched
  assertEquals(out.layers[2]?.w.shape, [2, 1]); // the result keeps the input's type
});

Deno.test("treeMap2() and treeZip() walk two trees of one structure together", () => {
  const a = model();
  const b = treeMap(a, (l) => t(l.shape as number[], 100));
  const sum = treeMap2(a, b, (x, y, path) => {
    assertEquals(x.shape, y.shape, path);
    return t(x.shape as number[], first(x) + first(y));
  });
  assertEquals(treeLeaves(sum).map(first), [101, 102, 103, 104, 105]);
  const pairs = treeZip(a, b);
  assertEquals(pairs.map(([, , p]) => p), treeFlatten(a).paths);
  assertEquals(pairs.map(([x, y]) => [first(x), first(y)]), [
    [1, 100],
    [2, 100],
    [3, 100],
    [4, 100],
    [5, 100],
  ]);
});

Deno.test("treeMap2() names the path where the structures differ", async (s) => {
  const a = model();
  const fn = (x: Tensor) => x;
  await s.step("a missing key", () => {
    const b = { ...model(), conv1: { w: t([1]) } };
    assertThrows(() => treeMap2(a, b, fn), TypeError, 'at conv1: a has the key "b" (path conv1.b)');
  });
  await s.step("an extra key", () => {
    const b = { ...model(), extra: t([1]) };
    assertThrows(() => treeMap2(a, b, fn), TypeError, 'b has the key "extra"');
  });
  await s.step("another array length", () => {
    const b = { ...model(), layers: [{ w: t([1]), b: t([1]) }] };
    assertThrows(
      () => treeMap2(a, b, fn),
      TypeError,
      "treeMap2: the trees differ at layers: a has an array of length 3, but b has an array of " +
        "length 1",
    );
  });
  await s.step("a leaf against a subtree", () => {
    const b = { ...model(), conv1: { w: { x: t([1]) }, b: t([1]) } };
    assertThrows(() => treeMap2(a, b, fn), TypeError, "at conv1.w: a has a Tensor [3, 3, 1, 4]");
  });
  await s.step("null against a leaf", () => {
    const b = { ...model(), layers: [{ w: t([1]), b: t([1]) }, t([1]), { w: t([1]) }] };
    assertThrows(() => treeMap2(a, b, fn), TypeError, "at layers[1]: a has null, but b has a");
  });
  await s.step("different roots", () => {
    assertThrows(() => treeZip([t([1])], { 0: t([1]) }), TypeError, "at the root");
  });
});

Deno.test("leaves that are not tensors are errors naming their path", () => {
  const fn = (x: Tensor) => x;
  assertThrows(
    () => treeMap({ a: { b: [t([1]), 3] } } as unknown as Tree, fn),
    TypeError,
    "treeMap: tree at a.b[1] must be a Tensor, an array, a plain object, null or undefined, " +
      "but got 3",
  );
  assertThrows(() => treeLeaves({ s: "w" } as unknown as Tree), TypeError, "at s must be");
  assertThrows(() => treeSize({ m: new Map() } as unknown as Tree), TypeError, "got a Map");
  assertThrows(() => treeFlatten(new Date() as unknown as Tree), TypeError, "at the root");
  assertThrows(
    () => treeStructureEquals({ w: t([1]) }, { w: 1 } as unknown as Tree),
    TypeError,
    "treeStructureEquals: b at w",
  );
});

Deno.test("a tree with a cycle is an error, a shared subtree is fine", () => {
  const cyclic: Record<string, unknown> = { w: t([1]) };
  cyclic.self = cyclic;
  assertThrows(() => treeLeaves(cyclic as Tree), TypeError, "contains a cycle at self");
  const shared = { w: t([1]) };
  assertEquals(treeFlatten({ a: shared, b: shared }).paths, ["a.w", "b.w"]);
});

Deno.test("treeUnflatten() inverts treeFlatten() and checks the leaves", () => {
  const m = model();
  const { leaves } = treeFlatten(m);
  const doubled = leaves.map((l) => t(l.shape as number[], first(l) * 2));
  const out = treeUnflatten(m, doubled);
  assert(treeStructureEquals(out, m));
  assertEquals(treeLeaves(out).map(first), [2, 4, 6, 8, 10]);
  assertStrictEquals(treeLeaves(out)[3], doubled[3]);
  assertThrows(
    () => treeUnflatten(m, leaves.slice(1)),
    TypeError,
    "treeUnflatten: leaves must hold 5 Tensors (one per leaf of structure), but has 4",
  );
  const bad = [...leaves.slice(0, 4), 1 as unknown as Tensor];
  assertThrows(() => treeUnflatten(m, bad), TypeError, "leaves[4] (for layers[2].w)");
});

Deno.test("treeToRecord() keys leaves by path and treeSize() counts elements", () => {
  const rec = treeToRecord(model());
  assertEquals(Object.keys(rec), treeFlatten(model()).paths);
  assertEquals(rec["layers[0].b"].shape, [2]);
  assertEquals(treeSize(model()), 36 + 4 + 8 + 2 + 2);
});

Deno.test("treeStructureEquals() compares containers, not leaf shapes", () => {
  assert(treeStructureEquals(model(), treeMap(model(), () => t([7]))));
  assert(!treeStructureEquals(model(), { ...model(), head: null }));
  assert(!treeStructureEquals([t([1]), t([1])], [t([1])]));
  assert(!treeStructureEquals({ a: t([1]) }, { a: [t([1])] }));
  assert(treeStructureEquals(null, null));
  assert(!treeStructureEquals(null, undefined));
});
