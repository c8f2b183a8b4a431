/**
 * Generates `sentiment.json`, the small data set of the `textcnn` example: short movie-review
 * sentences labelled negative (0) or positive (1), written from templates with a seeded random
 * generator. It is synthetic, made for teaching: the labels follow from the templates, and some
 * templates need word order to get right, which is what the convolution windows see and a bag of
 * words does not (a negation flips an adjective: "the plot was not good"; in "a dull start , but
 * a brilliant ending" the clause after "but" decides).
 *
 * ```sh
 * deno run --allow-write=examples/data examples/data/make_sentiment.ts   # rewrites the file
 * ```
 * The output is deterministic: the test suite checks that the shipped file is what this makes.
 * @module
 */

/** The shipped data set: sentences and labels, split once into training and held-out test. */
export interface SentimentData {
  /** What the data is, in a sentence. */
  readonly description: string;
  /** The class names by label. */
  readonly labels: readonly string[];
  /** The seed the generator used. */
  readonly seed: number;
  /** `[sentence, label]` pairs to train on. */
  readonly train: readonly (readonly [string, number])[];
  /** `[sentence, label]` pairs held out, never trained on. */
  readonly test: readonly (readonly [string, number])[];
}

const GOOD = ["good", "great", "wonderful", "excellent", "superb", "charming", "brilliant"];
const BAD = ["bad", "awful", "terrible", "boring", "dull", "horrible", "weak"];
const MORE_GOOD = ["enjoyable", "fantastic", "delightful", "moving"];
const MORE_BAD = ["disappointing", "mediocre", "tedious", "clumsy"];
const NOUNS = [
  "movie",
  "film",
  "plot",
  "acting",
  "soundtrack",
  "ending",
  "cast",
  "script",
  "story",
  "pacing",
  "start",
  "finale",
];
const VERY = ["", "", "", "really", "truly", "very", "quite", "so", "incredibly"];
const LIKE = ["like", "love", "enjoy", "recommend"];
const HATE = ["hate", "dislike", "regret"];
const LIKED = ["liked", "loved", "enjoyed", "adored"];
const HATED = ["hated", "disliked", "regretted"];

/** mulberry32: a small seeded generator of floats in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Makes the data set: `count` distinct sentences, half of each label, split `testFraction`. */
export function makeSentiment(seed = 7, count = 600, testFraction = 0.2): SentimentData {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const adjective = (positive: boolean): string =>
    positive ? pick(rand() < 0.7 ? GOOD : MORE_GOOD) : pick(rand() < 0.7 ? BAD : MORE_BAD);
  const very = (): string => {
    const v = pick(VERY);
    return v === "" ? "" : `${v} `;
  };
  // Each template: the label it wants -> a sentence with that label.
  const templates: ((positive: boolean) => string)[] = [
    (p) => `the ${pick(NOUNS)} was ${very()}${adjective(p)}`,
    (p) => `the ${pick(NOUNS)} was not ${very()}${adjective(!p)}`,
    (p) => `what a ${adjective(p)} ${pick(NOUNS)} !`,
    (p) => `i ${pick(p ? LIKED : HATED)} the ${pick(NOUNS)}`,
    (p) => `i did not ${pick(p ? HATE : LIKE)} the ${pick(NOUNS)}`,
    (p) => `a ${adjective(!p)} ${pick(NOUNS)} , but a ${adjective(p)} ${pick(NOUNS)}`,
    (p) => `not a ${adjective(!p)} ${pick(NOUNS)} at all`,
    (p) => `${pick(NOUNS)} : ${very()}${adjective(p)} .`,
    (p) => `i would ${p ? "" : "not "}${pick(LIKE)} this ${pick(NOUNS)}`,
  ];
  const seen = new Set<string>();
  const all: [string, number][] = [];
  for (let tries = 0; all.length < count && tries < 100 * count; tries++) {
    const label = all.length % 2;
    const text = pick(templates)(label === 1).replace(/ +/g, " ").replace(
      /\ba ([aeiou])/g,
      "an $1",
    );
    if (seen.has(text)) continue;
    seen.add(text);
    all.push([text, label]);
  }
  // Shuffle (Fisher-Yates), then split.
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const nTest = Math.round(testFraction * all.length);
  return {
    description: "Synthetic movie-review sentences from templates (see make_sentiment.ts), " +
      "labelled 0 negative, 1 positive; generated, not collected from people.",
    labels: ["negative", "positive"],
    seed,
    train: all.slice(nTest),
    test: all.slice(0, nTest),
  };
}

/** The file's text: one pair per line, so that diffs stay readable. */
export function formatSentiment(data: SentimentData): string {
  const pairs = (list: readonly (readonly [string, number])[]): string =>
    list.map(([text, label]) => `    [${JSON.stringify(text)}, ${label}]`).join(",\n");
  return `{
  "description": ${JSON.stringify(data.description)},
  "labels": [${data.labels.map((l) => JSON.stringify(l)).join(", ")}],
  "seed": ${data.seed},
  "train": [
${pairs(data.train)}
  ],
  "test": [
${pairs(data.test)}
  ]
}
`;
}

if (import.meta.main) {
  const path = new URL("./sentiment.json", import.meta.url);
  await Deno.writeTextFile(path, formatSentiment(makeSentiment()));
  console.log(`wrote ${path.pathname}`);
}
