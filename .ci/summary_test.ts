import { assertEquals } from "../tests/assert.ts";
import { count, parseDenoSummary, parseJUnit, topLevel } from "./summary.ts";

// Trimmed from a real Deno 2.9.6 JUnit report: steps appear as "parent > step" cases.
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test" tests="8" failures="3" errors="0" time="0.110">
    <testsuite name="./a_test.ts" tests="7" disabled="1" errors="0" failures="2">
        <testcase name="passes" classname="./a_test.ts" time="0.000" line="1" col="6">
        </testcase>
        <testcase name="with steps" classname="./a_test.ts" time="0.004" line="3" col="6">
            <failure message="1 test step failed">1 test step failed.</failure>
        </testcase>
        <testcase name="a &gt; b is &quot;fine&quot;" classname="./a_test.ts" time="0" line="8" col="6">
        </testcase>
        <testcase name="ignored" classname="./a_test.ts" time="0.000" line="9" col="6">
            <skipped/>
        </testcase>
        <testcase name="with steps &gt; s1" classname="./a_test.ts" time="0.000" line="4" col="11">
        </testcase>
        <testcase name="with steps &gt; s2" classname="./a_test.ts" time="0.001" line="5" col="11">
            <failure message="Uncaught Error: step boom">Error: step boom</failure>
        </testcase>
        <testcase name="with steps &gt; s2 &gt; deep" classname="./a_test.ts" time="0" line="5" col="11">
        </testcase>
    </testsuite>
    <testsuite name="./mod.ts#9-13.ts" tests="1" disabled="0" errors="0" failures="1">
        <testcase name="file:///r/mod.ts#9-13.ts" classname="./mod.ts#9-13.ts" time="0.001">
            <error message="Uncaught Error: bad doc">Error: bad doc</error>
        </testcase>
        <testcase name="self-closing" classname="./mod.ts#9-13.ts" time="0.001"/>
    </testsuite>
</testsuites>`;

Deno.test("the CI summary counts top-level tests and doc tests but not steps", () => {
  const cases = parseJUnit(XML);
  assertEquals(cases.length, 9);
  const top = topLevel(cases);
  assertEquals(top.map((c) => c.name), [
    "passes",
    "with steps",
    'a > b is "fine"',
    "ignored",
    "file:///r/mod.ts#9-13.ts",
    "self-closing",
  ]);
  assertEquals(count(top), { passed: 3, failed: 2, skipped: 1 });
});

Deno.test("the CI summary reads the headline of Deno's own summary", () => {
  const log = "x\n\x1b[0m\x1b[31mFAILED\x1b[0m | 4 passed (4 steps) | 3 failed (1 step) | " +
    "1 ignored \x1b[0m\x1b[38;5;245m(110ms)\x1b[0m\n";
  assertEquals(parseDenoSummary(log), { passed: 4, failed: 3, skipped: 1 });
  assertEquals(parseDenoSummary("ok | 12 passed | 0 failed (2s)"), {
    passed: 12,
    failed: 0,
    skipped: 0,
  });
  assertEquals(parseDenoSummary("error: Type checking failed."), undefined);
});
