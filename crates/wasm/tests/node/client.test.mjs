// RemixClient from Node against the mock provider (MOCK_URL): every provider
// to a result, the faults mapped to their codes, cancel and timeout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { remix, fixture, thrown, MOCK_URL } from "./pkg.mjs";

const png = fixture("png_rgb_64x48.png");
const jpeg = fixture("jpeg_baseline_80x60.jpg");
const client = (provider, apiKey = "test-key", extra = {}) =>
  new remix.RemixClient({ provider, apiKey, baseUrl: `${MOCK_URL}/${provider}`, ...extra });
const input = { prompt: "the cat from <img>0</img> wearing the hat from <img>1</img>", images: [png, jpeg] };

async function fetchPng(url) {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.equal(remix.inspectImage(bytes).format, "png");
}

for (const provider of ["reve", "fal", "inference-sh", "aimlapi", "onerouter", "replicate"]) {
  test(`${provider}: run() resolves with a real image`, async () => {
    const updates = [];
    const result = await client(provider).run(input, { onUpdate: (u) => updates.push(u.status) });
    assert.equal(result.provider, provider);
    assert.equal(result.images.length, 1);
    const [image] = result.images;
    if (image.dataUrl) {
      assert.ok(image.dataUrl.startsWith("data:image/png;base64,"));
    } else {
      await fetchPng(image.url);
    }
    assert.equal(updates.at(-1), "completed");
  });
}

test("pixazo: https URLs run through the queue; a local file is refused before any request", async () => {
  const seen = [];
  const result = await client("pixazo").run(
    { prompt: "remix <img>0</img>", images: ["https://example.com/cat.png"] },
    { onUpdate: (u) => seen.push(u.status) },
  );
  await fetchPng(result.images[0].url);
  assert.ok(seen.includes("completed"));
  let requests = 0;
  const counting = (url, init) => { requests++; return fetch(url, init); };
  const e = await thrown(() => client("pixazo", "k", { fetch: counting }).run({ prompt: "x", images: [png] }));
  assert.equal(e.code, "invalid_option");
  assert.match(e.message, /https/);
  assert.equal(requests, 0);
});

test("fal: queued updates carry the queue position, then logs", async () => {
  const updates = [];
  await client("fal").run(input, { onUpdate: (u) => updates.push(u) });
  assert.ok(updates.some((u) => u.status === "queued" && typeof u.queuePosition === "number"));
  assert.ok(updates.some((u) => u.status === "running"));
});

const faults = [
  ["mock-401", "unauthorized", 401, false],
  ["mock-429", "rate_limited", 429, true],
  ["mock-500", "provider_error", 500, null],
  ["mock-malformed", "malformed_response", 200, null],
];
for (const [key, code, status, retryable] of faults) {
  test(`reve with ${key} throws ${code}`, async () => {
    const e = await thrown(() => client("reve", key, { timeoutMs: 10_000 }).run(input));
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    if (retryable !== null) assert.equal(e.retryable, retryable);
    assert.equal(e.provider, "reve");
    assert.ok(!e.message.includes(key), "the key is never in a message");
  });
}

test("onUpdate hears each automatic retry: the 429 and how long until the next try", async () => {
  const updates = [];
  const e = await thrown(() => client("reve", "mock-429", { timeoutMs: 20_000 }).run(input, { onUpdate: (u) => updates.push(u) }));
  assert.equal(e.code, "rate_limited");
  const waits = updates.filter((u) => u.retryInMs !== undefined);
  assert.ok(waits.length >= 1, JSON.stringify(updates));
  for (const u of waits) {
    assert.equal(u.error.code, "rate_limited");
    assert.ok(u.retryInMs >= 1000 && u.retryInMs < 5000, `retry in ${u.retryInMs} ms`);
    assert.notEqual(u.status, "failed");
  }
});

test("reve with mock-402 throws insufficient_credits", async () => {
  const e = await thrown(() => client("reve", "mock-402").run(input));
  assert.equal(e.code, "insufficient_credits");
});

test("reve's 200 with content_violation: true throws content_violation", async () => {
  const e = await thrown(() => client("reve", "mock-violation").run(input));
  assert.equal(e.code, "content_violation");
});

test("a connection dropped mid-answer is a network error", async () => {
  const e = await thrown(() => client("reve", "mock-drop").run(input));
  assert.equal(e.code, "network");
});

test("the AbortSignal stops a run at once and cancels the job", async () => {
  const ac = new AbortController();
  const started = Date.now();
  setTimeout(() => ac.abort(), 500);
  const e = await thrown(() => client("fal", "mock-stuck").run(input, { signal: ac.signal }));
  assert.equal(e.code, "cancelled");
  assert.ok(Date.now() - started < 2000, `stopped ${Date.now() - started} ms after start`);
});

test("timeoutMs ends a job that never finishes with timeout", async () => {
  const e = await thrown(() => client("fal", "mock-stuck").run(input, { timeoutMs: 1500 }));
  assert.equal(e.code, "timeout");
});

test("submit() then status() follows a queued job; a sync job comes back with its result", async () => {
  const fal = client("fal");
  const job = await fal.submit(input);
  assert.equal(job.provider, "fal");
  assert.ok(job.id);
  assert.ok(["queued", "running"].includes(job.status));
  let update = await fal.status(job);
  for (let i = 0; i < 40 && update.status !== "completed"; i++) {
    await new Promise((r) => setTimeout(r, 250));
    update = await fal.status(job);
  }
  assert.equal(update.status, "completed");
  await fetchPng(update.result.images[0].url);

  const reveJob = await client("reve").submit(input);
  assert.equal(reveJob.status, "completed");
  assert.ok(reveJob.result.images[0].dataUrl);
});

test("config.fetch replaces the global fetch for every request", async () => {
  const urls = [];
  const spy = (url, init) => { urls.push(url); return fetch(url, init); };
  await client("inference-sh", "k", { fetch: spy }).run(input);
  assert.ok(urls.some((u) => u.endsWith("/inference-sh/files")), "uploads go first");
  assert.ok(urls.some((u) => u.endsWith("/inference-sh/apps/run")));
});

test("proxyUrl sends the real target in x-remix-target-url and no key", async () => {
  const seen = [];
  const spy = async (url, init) => {
    seen.push({ url, headers: init.headers });
    return new Response("{}", { status: 500 });
  };
  const proxied = new remix.RemixClient({ provider: "replicate", proxyUrl: "https://proxy.example/remix", fetch: spy });
  await thrown(() => proxied.run(input));
  assert.equal(seen[0].url, "https://proxy.example/remix");
  assert.equal(seen[0].headers["x-remix-target-url"], "https://api.replicate.com/v1/models/reve/remix/predictions");
  assert.ok(!Object.keys(seen[0].headers).some((h) => h.toLowerCase() === "authorization"));
});

test("input mistakes are caught before any request, with their codes", async () => {
  const c = client("reve");
  assert.equal((await thrown(() => c.run({ prompt: "  ", images: [png] }))).code, "empty_prompt");
  assert.equal((await thrown(() => c.run({ prompt: "x".repeat(2561), images: [png] }))).code, "prompt_too_long");
  assert.equal((await thrown(() => c.run({ prompt: "x", images: [] }))).code, "no_images");
  assert.equal((await thrown(() => c.run({ prompt: "x", images: Array(7).fill(png) }))).code, "too_many_images");
  assert.equal((await thrown(() => c.run({ prompt: "<img>2</img>", images: [png, jpeg] }))).code, "unknown_reference");
  assert.equal((await thrown(() => c.run({ prompt: "x", images: [png], aspectRatio: "5:4" }))).code, "invalid_option");
  assert.equal((await thrown(() => client("aimlapi").run({ prompt: "x", images: [png], upscaleFactor: 2 }))).code, "invalid_option");
  assert.equal((await thrown(() => new remix.RemixClient({ provider: "nope" }))).code, "unknown_provider");
  const noKey = new remix.RemixClient({ provider: "reve", baseUrl: `${MOCK_URL}/reve` });
  assert.equal((await thrown(() => noKey.run(input))).code, "missing_api_key");
});

test("buildRequest: Reve gets raw base64 with no data: prefix, and the key only in its header", () => {
  const req = remix.buildRequest({ prompt: "x", images: [png], upscaleFactor: 2 }, { provider: "reve", apiKey: "sk-secret" });
  assert.equal(req.method, "POST");
  assert.equal(req.url, "https://api.reve.com/v1/image/remix");
  assert.equal(req.headers.Authorization, "Bearer sk-secret");
  const body = JSON.parse(new TextDecoder().decode(req.body));
  assert.equal(body.reference_images[0], Buffer.from(png).toString("base64"));
  assert.deepEqual(body.postprocessing, [{ process: "upscale", upscale_factor: 2 }]);
});
