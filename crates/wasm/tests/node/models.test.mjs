// Models per provider (issue 23): Reve 2.1 on every host that sells it, run
// against the mock with eight references and a prompt written with
// <img>N</img>, which each request carries as the model's <frame>N</frame>;
// the old configs keep their model; a model a provider does not sell is
// refused before any request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { remix, fixture, thrown, MOCK_URL } from "./pkg.mjs";

const png = fixture("png_rgb_64x48.png");
const jpeg = fixture("jpeg_baseline_80x60.jpg");
const eight = [png, jpeg, png, jpeg, png, jpeg, png, jpeg];
const prompt = "the cat from <img>0</img> in the hat from <img>7</img>";
const config = (provider, extra = {}) => ({
  provider,
  apiKey: "test-key",
  baseUrl: `${MOCK_URL}/${provider}`,
  ...extra,
});

const HOSTS_OF_2_1 = ["fal", "replicate", "runware", "atlascloud", "wavespeed"];

test("providers() lists each provider's models, its default first, with the provider's fields describing it", () => {
  const all = remix.providers();
  for (const id of ["runware", "atlascloud", "wavespeed"]) {
    assert.ok(all.some((p) => p.id === id), id);
  }
  for (const p of all) {
    assert.ok(p.models.length >= 1, p.id);
    const [first] = p.models;
    assert.equal(p.maxImages, first.maxImages, p.id);
    assert.equal(p.promptMaxChars, first.promptMaxChars, p.id);
    assert.deepEqual(p.price, first.price, p.id);
  }
  for (const id of HOSTS_OF_2_1) {
    const m = all.find((p) => p.id === id).models.find((m) => m.id === "reve-2.1");
    assert.ok(m, `${id} sells Reve 2.1`);
    assert.equal(m.name, "Reve 2.1");
    assert.equal(m.referenceSyntax, "frame");
  }
  const fal = all.find((p) => p.id === "fal");
  assert.equal(fal.models[0].id, "reve-remix", "fal's default stays Reve Remix");
  assert.equal(fal.models.find((m) => m.id === "reve-2.1").price.usd, 0.25);
  assert.ok(all.find((p) => p.id === "reve").notice.includes("2026-08-14"));
});

for (const provider of HOSTS_OF_2_1) {
  test(`${provider}: Reve 2.1 runs with references written <img>N</img>, sent as <frame>N</frame>`, async () => {
    const max = remix.providers().find((p) => p.id === provider).models.find((m) => m.id === "reve-2.1").maxImages;
    const images = eight.slice(0, max);
    const last = images.length - 1;
    const input = { prompt: `the cat from <img>0</img> in the hat from <img>${last}</img>`, images };
    const cfg = config(provider, { model: "reve-2.1" });
    const req = remix.buildRequest(input, cfg);
    const body = new TextDecoder().decode(req.body);
    assert.ok(body.includes(`<frame>${last}</frame>`), body.slice(0, 300));
    assert.ok(!body.includes("<img>"), "no <img> tag reaches a Reve 2.1 request");
    const result = await new remix.RemixClient(cfg).run(input);
    assert.equal(result.provider, provider);
    assert.equal(result.model, "reve-2.1");
    assert.equal(result.images.length, 1);
  });
}

test("an old config keeps its model: fal posts to fal-ai/reve/remix and says reve-remix", async () => {
  const input = { prompt, images: eight.slice(0, 6).concat([]) };
  input.prompt = "the cat from <img>0</img> in the hat from <img>5</img>";
  const req = remix.buildRequest(input, config("fal"));
  assert.match(req.url, /\/fal-ai\/reve\/remix$/);
  assert.ok(new TextDecoder().decode(req.body).includes("<img>5</img>"));
  const client = new remix.RemixClient(config("fal"));
  const job = await client.submit(input);
  assert.equal(job.model, "reve-remix");
  const result = await client.run(input);
  assert.equal(result.model, "reve-remix");
});

test("a kept Job resumes on its own model", async () => {
  const client = new remix.RemixClient(config("fal", { model: "reve-2.1" }));
  const job = await client.submit({ prompt, images: eight });
  assert.equal(job.model, "reve-2.1");
  const kept = JSON.parse(JSON.stringify(job));
  const later = new remix.RemixClient(config("fal"));
  let update = await later.status(kept);
  for (let i = 0; i < 50 && update.status !== "completed"; i++) {
    await new Promise((r) => setTimeout(r, 100));
    update = await later.status(kept);
  }
  assert.equal(update.status, "completed");
  assert.equal(update.result.model, "reve-2.1");
});

test("a model the provider does not sell is unknown_model, before any request", async () => {
  let requests = 0;
  const counting = (url, init) => { requests++; return fetch(url, init); };
  for (const [provider, model] of [["inference-sh", "reve-2.1"], ["fal", "reve-3"], ["runware", "reve-remix"]]) {
    const e = await thrown(async () => new remix.RemixClient(config(provider, { model, fetch: counting })).run({ prompt, images: eight }));
    assert.equal(e.code, "unknown_model", `${provider} ${model}`);
  }
  assert.equal(requests, 0);
});

test("limits follow the model: eight references pass on Reve 2.1 and are too many on Reve Remix", async () => {
  const e = await thrown(async () => remix.buildRequest({ prompt, images: eight }, config("fal")));
  assert.equal(e.code, "too_many_images");
  const long = "x".repeat(3000) + " <img>0</img>";
  assert.equal((await thrown(async () => remix.buildRequest({ prompt: long, images: [png] }, config("fal")))).code, "prompt_too_long");
  assert.ok(remix.buildRequest({ prompt: long, images: [png] }, config("fal", { model: "reve-2.1" })));
  assert.equal(
    (await thrown(async () => remix.buildRequest({ prompt, images: eight, aspectRatio: "17:9" }, config("fal")))).code,
    "too_many_images",
  );
  assert.ok(remix.buildRequest({ prompt, images: eight, aspectRatio: "17:9" }, config("fal", { model: "reve-2.1" })));
});

test("runAll compares Reve 2.1 on fal with Reve Remix on inference.sh, each entry naming its model", async () => {
  const input = { prompt: "the cat from <img>0</img> in the hat from <img>1</img>", images: [png, jpeg] };
  const entries = await remix.runAll(input, [config("fal", { model: "reve-2.1" }), config("inference-sh")]);
  assert.deepEqual(entries.map((e) => [e.provider, e.model, e.ok]), [
    ["fal", "reve-2.1", true],
    ["inference-sh", "reve-remix", true],
  ]);
  assert.equal(entries[0].result.model, "reve-2.1");
});
