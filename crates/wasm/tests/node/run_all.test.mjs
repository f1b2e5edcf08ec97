// runAll from Node against the mock: one input on several providers at
// once, each outcome its own, and what each run cost.
import { test } from "node:test";
import assert from "node:assert/strict";
import { remix, fixture, MOCK_URL } from "./pkg.mjs";

const png = fixture("png_rgb_64x48.png");
const config = (provider, apiKey = "test-key") => ({ provider, apiKey, baseUrl: `${MOCK_URL}/${provider}` });
const input = { prompt: "the cat from <img>0</img> as a watercolour", images: [png] };

test("runAll: a failure stays with its provider, the fast result is not held back by the slow one", async () => {
  const updates = [];
  const done = {};
  const started = Date.now();
  const entries = await remix.runAll(
    input,
    [config("reve"), config("fal", "mock-500"), config("replicate", "mock-slow")],
    {
      onUpdate: (provider, u) => {
        updates.push([provider, u.status]);
        if (u.status === "completed") done[provider] = Date.now() - started;
      },
    },
  );
  assert.deepEqual(entries.map((e) => [e.provider, e.ok]), [["reve", true], ["fal", false], ["replicate", true]]);
  assert.equal(entries[0].result.provider, "reve");
  assert.equal(entries[1].error.code, "provider_error", entries[1].error.message);
  assert.equal(entries[2].result.images.length, 1);
  for (const e of entries) assert.ok(Number.isFinite(e.ms) && e.ms >= 0, JSON.stringify(e));
  // Reve answers at once; the slow Replicate job did not hold it back.
  assert.ok(entries[0].ms < entries[2].ms, `reve ${entries[0].ms} ms, replicate ${entries[2].ms} ms`);
  // onUpdate(provider, update): each update says whose it is.
  assert.deepEqual(new Set(updates.map(([p]) => p)), new Set(["reve", "fal", "replicate"]), JSON.stringify(updates));
  assert.ok(done.reve < done.replicate, JSON.stringify(done));
});

test("runAll: an input one provider cannot take fails for it alone, before any request", async () => {
  const asked = [];
  const fetchSpy = (url, init) => { asked.push(String(url)); return fetch(url, init); };
  const six = { prompt: "six <img>0</img>", images: [png, png, png, png, png, png] };
  const entries = await remix.runAll(six, [
    { ...config("fal"), fetch: fetchSpy },
    { ...config("aimlapi"), fetch: fetchSpy },
  ]);
  // AI/ML API takes four references: it alone refuses, and is never asked.
  assert.equal(remix.providers().find((p) => p.id === "aimlapi").maxImages, 4);
  assert.equal(entries[1].ok, false);
  assert.equal(entries[1].error.code, "too_many_images");
  assert.ok(!asked.some((u) => u.includes("/aimlapi")), asked.join("\n"));
  assert.equal(entries[0].provider, "fal");
});

test("runAll: one signal cancels every run", async () => {
  const controller = new AbortController();
  const pending = remix.runAll(input, [config("fal", "mock-slow"), config("replicate", "mock-slow")], {
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(), 300);
  const entries = await pending;
  assert.deepEqual(entries.map((e) => [e.ok, e.error?.code]), [[false, "cancelled"], [false, "cancelled"]]);
});

test("prices and reported costs: Reve publishes one and reports its credits", async () => {
  const reve = remix.providers().find((p) => p.id === "reve");
  assert.ok(reve.price.usd > 0.05 && reve.price.usd < 0.06, JSON.stringify(reve.price));
  assert.match(reve.price.checked, /^\d{4}-\d{2}$/);
  assert.equal(remix.providers().find((p) => p.id === "pixazo").price.usd, 0.06);
  assert.equal(remix.providers().find((p) => p.id === "fal").price, null);
  const result = await new remix.RemixClient(config("reve")).run(input);
  assert.equal(result.cost.unit, "credits");
  assert.ok(result.cost.amount > 0 && Number.isFinite(result.cost.remaining), JSON.stringify(result.cost));
});
