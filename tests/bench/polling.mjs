// Bench (issue 4): a 30 s queued job on the mock (started with
// --job-seconds 30) followed by RemixClient.run from Node: how many requests
// of each kind, and how long after the job finished run() resolved.
// Usage: MOCK_URL=http://127.0.0.1:PORT node polling.mjs <pkg dir>
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fixtureBytes } from "../../fixtures/fixtures.mjs";

const pkg = resolve(process.argv[2] ?? "../../target/pkg");
const MOCK_URL = process.env.MOCK_URL ?? "http://127.0.0.1:8787";
const JOB_MS = Number(process.env.JOB_SECONDS ?? 30) * 1000;
const remix = await import(join(pkg, "reve_remix.js"));
remix.initSync({ module: readFileSync(join(pkg, "reve_remix_bg.wasm")) });
const png = fixtureBytes("png_rgb_64x48.png");

// Which request is the submit (the job's clock starts there) and which are status reads.
const cases = [
  { provider: "fal", how: "SSE stream", submit: /\/fal-ai\/reve\/remix$/, status: /\/status(\?|$)/ },
  { provider: "inference-sh", how: "NDJSON stream", submit: /\/apps\/run$/, status: /\/tasks\/[^/]+(\/status)?$/ },
  { provider: "replicate", how: "Prefer: wait", submit: /\/predictions$/, status: /\/v1\/predictions\/[^/]+$/ },
  { provider: "pixazo", how: "polling", submit: /\/image-edit-remix$/, status: /\/requests\/status\// },
];

async function measure(c) {
  const seen = { all: 0, status: 0, streams: 0 };
  let submitAt = 0;
  const spy = (url, init) => {
    seen.all++;
    if (c.submit.test(url)) submitAt = performance.now();
    else if (/stream/.test(url)) seen.streams++;
    else if (c.status.test(url)) seen.status++;
    return fetch(url, init);
  };
  const client = new remix.RemixClient({ provider: c.provider, apiKey: "bench", baseUrl: `${MOCK_URL}/${c.provider}`, fetch: spy });
  const images = c.provider === "pixazo" ? ["https://example.com/cat.png"] : [png];
  await client.run({ prompt: "bench <img>0</img>", images }, { timeoutMs: JOB_MS + 60_000 });
  const late = performance.now() - (submitAt + JOB_MS);
  return { ...c, ...seen, late };
}

const results = await Promise.all(cases.map(measure));
console.log(`a ${JOB_MS / 1000} s queued job on the mock, followed by run() (Node):`);
console.log("  provider       how             requests  status reads  streams  resolved after completion");
for (const r of results) {
  console.log(`  ${r.provider.padEnd(14)} ${r.how.padEnd(15)} ${String(r.all).padStart(8)}  ${String(r.status).padStart(12)}  ${String(r.streams).padStart(7)}  ${r.late.toFixed(0).padStart(8)} ms`);
}
for (const r of results) {
  const streaming = r.how.includes("stream");
  const ok = r.status + r.streams <= 15 && r.late < 1000 && (!streaming || r.status + r.streams === 1);
  const budget = streaming ? "one status request (the stream), < 1 s" : "<= 15 status requests, < 1 s";
  console.log(`  -> ${r.provider}: ${r.status + r.streams} status request(s), ${r.late.toFixed(0)} ms late (budget ${budget}): ${ok ? "within" : "OVER"} budget`);
}
