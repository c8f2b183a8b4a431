/**
 * Counts the results of one `deno test` run for `.ci/run`, from its JUnit report, and
 * cross-checks them against the headline of Deno's own summary in the captured output.
 *
 * What counts as a test case: each top-level `Deno.test` and each doc-test block (one JUnit
 * `<testcase>` apiece). `t.step` results are not counted on their own: Deno's JUnit report lists
 * them as `<testcase name="parent > step">`, and a failing step already fails its parent. This is
 * the same count as the `N passed | N failed` headline of Deno's summary. Ignored tests count
 * neither way. A `<failure>` or an `<error>` makes a case failed.
 *
 * Deno leaves some failures out of the JUnit report (an uncaught error while loading a test
 * module; a type error stops the run before any report is written), so: if Deno's own summary
 * shows more failures, those are added; if `deno test` failed but no failure was counted, one
 * failed case is added for the run itself.
 *
 * Usage: `deno run --allow-read .ci/summary.ts JUNIT_XML TEST_LOG EXIT_CODE`. Prints details on
 * stderr and `PASSED FAILED` (two integers) on stdout.
 * @module
 */

/** One JUnit `<testcase>`: its suite (file), name, and outcome. */
export interface Case {
  /** The test module (JUnit suite name), e.g. `./core/shape_test.ts`. */
  readonly suite: string;
  /** The test name; a step is named `parent > step`. */
  readonly name: string;
  /** Whether it passed, failed (failure or error), or was skipped (ignored). */
  readonly status: "passed" | "failed" | "skipped";
}

/** The counts of one run. */
export interface Counts {
  /** Cases that passed. */
  readonly passed: number;
  /** Cases that failed. */
  readonly failed: number;
  /** Cases that were ignored. */
  readonly skipped: number;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, e: string) => {
    switch (e) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return '"';
      case "apos":
        return "'";
      case "amp":
        return "&";
      default:
        return String.fromCodePoint(
          e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
        );
    }
  });
}

function attr(tag: string, name: string): string {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m === null ? "" : unescapeXml(m[1]);
}

/** Parses the `<testcase>` elements of a JUnit XML report as Deno writes it. */
export function parseJUnit(xml: string): Case[] {
  const cases: Case[] = [];
  const suites = xml.matchAll(/<testsuite\b([^>]*)>([\s\S]*?)<\/testsuite>/g);
  for (const [, suiteAttrs, body] of suites) {
    const suite = attr(suiteAttrs, "name");
    const re = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;
    for (const [, caseAttrs, inner = ""] of body.matchAll(re)) {
      const status = /<(failure|error)\b/.test(inner)
        ? "failed"
        : /<skipped\b/.test(inner)
        ? "skipped"
        : "passed";
      cases.push({ suite, name: attr(caseAttrs, "name"), status });
    }
  }
  return cases;
}

/** Whether `c` is a `t.step`: its name is another case's name in the same suite plus ` > ...`. */
function isStep(c: Case, names: ReadonlySet<string>): boolean {
  for (let i = c.name.indexOf(" > "); i >= 0; i = c.name.indexOf(" > ", i + 1)) {
    if (names.has(`${c.suite}\n${c.name.slice(0, i)}`)) return true;
  }
  return false;
}

/** The top-level test cases (steps dropped). */
export function topLevel(cases: readonly Case[]): Case[] {
  const names = new Set(cases.map((c) => `${c.suite}\n${c.name}`));
  return cases.filter((c) => !isStep(c, names));
}

/** Counts cases by status. */
export function count(cases: readonly Case[]): Counts {
  let passed = 0, failed = 0, skipped = 0;
  for (const c of cases) {
    if (c.status === "passed") passed++;
    else if (c.status === "failed") failed++;
    else skipped++;
  }
  return { passed, failed, skipped };
}

/**
 * Reads the headline of Deno's test summary (`ok | 3 passed (2 steps) | 0 failed | 1 ignored`)
 * from captured output, colors and all; undefined when there is none.
 */
export function parseDenoSummary(log: string): Counts | undefined {
  // deno-lint-ignore no-control-regex
  const plain = log.replace(/\x1b\[[0-9;]*m/g, "");
  const re =
    /^(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \(\d+ steps?\))?(?: \| (\d+) ignored)?/gm;
  let last: RegExpMatchArray | undefined;
  for (const m of plain.matchAll(re)) last = m;
  if (last === undefined) return undefined;
  return { passed: Number(last[1]), failed: Number(last[2]), skipped: Number(last[3] ?? 0) };
}

async function readOr(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

async function main([junitPath, logPath, exitCode]: string[]): Promise<void> {
  const rc = Number(exitCode);
  const xml = await readOr(junitPath);
  const log = (await readOr(logPath)) ?? "";
  const say = (line: string) => console.error(`  ${line}`);
  const cases = xml === undefined ? [] : topLevel(parseJUnit(xml));
  let { passed, failed } = count(cases);
  const skipped = cases.length - passed - failed;
  if (xml === undefined) say(`no JUnit report at ${junitPath}`);
  say(`JUnit: ${passed} passed, ${failed} failed, ${skipped} ignored (steps not counted)`);
  for (const c of cases) if (c.status === "failed") say(`failed: ${c.suite} :: ${c.name}`);
  const deno = parseDenoSummary(log);
  if (deno === undefined) {
    say("Deno printed no test summary");
  } else {
    say(`Deno's summary: ${deno.passed} passed, ${deno.failed} failed, ${deno.skipped} ignored`);
    if (deno.passed !== passed) say(`warning: Deno counts ${deno.passed} passed, JUnit ${passed}`);
    if (deno.failed > failed) {
      say(`${deno.failed - failed} failure(s) missing from JUnit (e.g. uncaught errors) added`);
      failed = deno.failed;
    }
  }
  if ((rc !== 0 || xml === undefined) && failed === 0) {
    say(`deno test exited with ${exitCode} but no failed test was reported: one failure added`);
    failed = 1;
  }
  if (rc === 0 && failed > 0) say(`warning: deno test exited with 0 yet ${failed} failed`);
  console.log(`${passed} ${failed}`);
}

if (import.meta.main) await main(Deno.args);
