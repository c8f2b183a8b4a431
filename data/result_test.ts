import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { assertEquals, assertStrictEquals, assertThrows } from "../tests/assert.ts";
import { encodeIdx, type IdxError, parseIdx } from "./idx.ts";
import { getOrThrow, isLeft, isRight, left, type Result, right } from "./result.ts";

Deno.test("left(), right() and the guards build and tell apart the two cases", () => {
  const ok: Result<string, number> = right(1);
  const bad: Result<string, number> = left("no");
  assertEquals(ok, { _tag: "Right", right: 1 });
  assertEquals(bad, { _tag: "Left", left: "no" });
  assertEquals([isRight(ok), isLeft(ok), isRight(bad), isLeft(bad)], [true, false, false, true]);
});

Deno.test("getOrThrow() returns the value or throws the error itself", () => {
  assertEquals(getOrThrow(right("x")), "x");
  const error = new RangeError("out of range");
  const thrown = assertThrows(() => getOrThrow(left(error)));
  assertStrictEquals(thrown, error);
});

Deno.test("a Result works with fp-ts's Either functions unchanged", () => {
  const bytes = encodeIdx({ type: "ubyte", shape: [3], data: [1, 2, 3] });
  const size = (r: Result<IdxError, { shape: readonly number[] }>) =>
    pipe(
      r,
      E.map((a) => a.shape[0]),
      E.getOrElse(() => -1),
    );
  assertEquals(size(parseIdx(bytes)), 3);
  assertEquals(size(parseIdx(bytes.subarray(0, 5))), -1);
  assertEquals(E.isLeft(parseIdx(new Uint8Array(2))), true);
  const fromFpTs: Result<string, number> = E.right(5);
  assertEquals(getOrThrow(fromFpTs), 5);
});
