import { assertEquals } from "../tests/assert.ts";
import { contentType, staticHandler } from "./serve.ts";

const root = new URL("..", import.meta.url).pathname;
const handle = staticHandler(root);

function get(path: string, method = "GET"): Promise<Response> {
  return handle(new Request(`http://127.0.0.1:1${path}`, { method }));
}

Deno.test("the CI file server serves TypeScript files as application/typescript", async () => {
  const res = await get("/tests/assert.ts");
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "application/typescript; charset=utf-8");
  assertEquals(
    await res.text(),
    await Deno.readTextFile(new URL("../tests/assert.ts", import.meta.url)),
  );
});

Deno.test("the CI file server refuses paths outside the repository and dot files", async () => {
  for (
    const path of [
      "/..%2F..%2Fetc%2Fpasswd",
      "/tests/%2e%2e/%2e%2e/etc/passwd",
      "/.git/config",
      "/.ci/serve.ts",
      "/tests",
      "/no-such-file.ts",
      "/%E0%A4%A",
    ]
  ) {
    const res = await get(path);
    await res.body?.cancel();
    assertEquals(res.status === 404 || res.status === 400, true, `${path} gave ${res.status}`);
  }
  const post = await get("/tests/assert.ts", "POST");
  await post.body?.cancel();
  assertEquals(post.status, 405);
});

Deno.test("the CI file server picks content types by extension", () => {
  assertEquals(contentType("a/mod.ts"), "application/typescript; charset=utf-8");
  assertEquals(contentType("a/x.json"), "application/json; charset=utf-8");
  assertEquals(contentType("a.b/README"), "application/octet-stream");
});
