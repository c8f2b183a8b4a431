/**
 * A tiny static file server for CI's URL-import proof. It serves one folder (the repository root
 * by default) on 127.0.0.1 at a free port, answers only GET and HEAD, sends
 * `content-type: application/typescript` for `.ts` files, and refuses any path that leaves the
 * folder (`..` segments, symbolic links pointing outside) or names a dot file (`.git`, `.ci`).
 *
 * Usage: `deno run --allow-net=127.0.0.1 --allow-read=ROOT .ci/serve.ts [ROOT]`. Once listening it
 * prints `listening on http://127.0.0.1:PORT/` on stdout, then one line per request on stderr.
 * @module
 */

const TYPES: Readonly<Record<string, string>> = {
  ".ts": "application/typescript; charset=utf-8",
  ".mts": "application/typescript; charset=utf-8",
  ".tsx": "text/tsx; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
};

/** The `content-type` for a file path, chosen by its extension; unknown ones are octet streams. */
export function contentType(path: string): string {
  const dot = path.lastIndexOf(".");
  const slash = path.lastIndexOf("/");
  const ext = dot > slash ? path.slice(dot).toLowerCase() : "";
  return TYPES[ext] ?? "application/octet-stream";
}

function text(status: number, body: string): Response {
  return new Response(body + "\n", {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * A request handler that serves the files under `root` (an absolute or relative folder path).
 * Paths with `..` or dot-file segments, and files whose real path lies outside `root`, get 404.
 */
export function staticHandler(root: string): (req: Request) => Promise<Response> {
  let realRoot: Promise<string> | undefined;
  return async (req: Request): Promise<Response> => {
    if (req.method !== "GET" && req.method !== "HEAD") return text(405, "method not allowed");
    realRoot ??= Deno.realPath(root);
    const base = await realRoot;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url).pathname);
    } catch {
      return text(400, "bad path");
    }
    const segments = pathname.split("/").filter((s) => s !== "");
    if (
      pathname.includes("\0") || pathname.includes("\\") ||
      segments.some((s) => s.startsWith("."))
    ) {
      return text(404, "not found");
    }
    let file: string;
    try {
      file = await Deno.realPath([base, ...segments].join("/"));
      if (!file.startsWith(base + "/") || !(await Deno.stat(file)).isFile) {
        return text(404, "not found");
      }
    } catch {
      return text(404, "not found");
    }
    const body = req.method === "HEAD" ? null : await Deno.readFile(file);
    return new Response(body, { headers: { "content-type": contentType(file) } });
  };
}

if (import.meta.main) {
  const root = Deno.args[0] ?? decodeURIComponent(new URL("..", import.meta.url).pathname);
  const handle = staticHandler(root);
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}/ serving ${root}`),
  }, async (req) => {
    const res = await handle(req);
    console.error(`${req.method} ${new URL(req.url).pathname} ${res.status}`);
    return res;
  });
}
