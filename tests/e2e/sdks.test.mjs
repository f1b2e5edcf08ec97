// The hosts' own JS clients, from npm, pointed at the mock, each complete a
// Reve 2.1 run: if the mock's paths, envelopes or statuses drifted from what
// the hosts' clients speak, these fail. No browser: plain Node.
//
//   MOCK_URL=http://127.0.0.1:8787 node --test tests/e2e/sdks.test.mjs
//
// (MOCK_URL is what tests/src/bin/e2e.rs sets; the mock is
// `cargo run -p reve-remix-mock -- --addr 127.0.0.1:8787`.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createFalClient } from "@fal-ai/client";
import Replicate from "replicate";
import { Client as WaveSpeed } from "wavespeed";
import { Runware } from "@runware/sdk-js";
import { fixture } from "../../fixtures/fixtures.mjs";

const MOCK_URL = (process.env.MOCK_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
const dataUri = (name, mime) => `data:${mime};base64,${readFileSync(fixture(name)).toString("base64")}`;
const PNG = dataUri("png_rgb_64x48.png", "image/png");
const JPEG = dataUri("jpeg_baseline_80x60.jpg", "image/jpeg");
const PROMPT = "the cat from <frame>0</frame> wearing the hat from <frame>1</frame>";

/** GET a result URL the mock handed back: a real image. */
async function assertImage(url) {
  assert.ok(url.startsWith(MOCK_URL), `a result on the mock: ${url}`);
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const png = bytes[0] === 0x89 && bytes[1] === 0x50;
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const webp = String.fromCharCode(...bytes.slice(8, 12)) === "WEBP";
  assert.ok(png || jpeg || webp, `an image at ${url}`);
}

test("fal's client (@fal-ai/client) runs reve/2.1/remix on the mock's queue", async () => {
  const seen = [];
  const fal = createFalClient({
    credentials: "sdk-test-key",
    // fal's client calls queue.fal.run; the mock serves fal under /fal.
    requestMiddleware: async (req) => {
      const url = req.url.replace(/^https:\/\/(queue\.)?fal\.run/, `${MOCK_URL}/fal`);
      seen.push(`${req.method ?? "GET"} ${new URL(url).pathname}`);
      return { ...req, url };
    },
  });
  const updates = [];
  const result = await fal.subscribe("reve/2.1/remix", {
    input: { prompt: PROMPT, image_urls: [PNG, JPEG], aspect_ratio: "21:9", output_format: "png" },
    logs: true,
    pollInterval: 200,
    onQueueUpdate: (u) => updates.push(u.status),
  });
  assert.ok(result.requestId, "fal's client read the request id");
  assert.equal(result.data.images.length, 1);
  await assertImage(result.data.images[0].url);
  assert.ok(updates.includes("COMPLETED"), `queue updates: ${updates}`);
  assert.ok(seen.includes("POST /fal/reve/2.1/remix"), seen.join("\n"));
  assert.ok(seen.some((s) => /^GET \/fal\/reve\/2\.1\/requests\/[^/]+\/status$/.test(s)), seen.join("\n"));
});

test("fal's client sees a Reve 2.1 validation error as fal words it", async () => {
  const fal = createFalClient({
    credentials: "sdk-test-key",
    requestMiddleware: async (req) => ({ ...req, url: req.url.replace(/^https:\/\/(queue\.)?fal\.run/, `${MOCK_URL}/fal`) }),
  });
  await assert.rejects(
    fal.subscribe("reve/2.1/remix", { input: { prompt: "<frame>2</frame>", image_urls: [PNG, JPEG] }, pollInterval: 200 }),
    (e) => e.status === 422 && JSON.stringify(e.body).includes("frame"),
  );
});

test("Replicate's client (replicate) runs reve/reve-2.1", async () => {
  const replicate = new Replicate({ auth: "sdk-test-key", baseUrl: `${MOCK_URL}/replicate/v1` });
  const output = await replicate.run("reve/reve-2.1", {
    input: { prompt: PROMPT, reference_images: [PNG, JPEG], aspect_ratio: "auto" },
    wait: { mode: "block", timeout: 30 },
  });
  const url = String(Array.isArray(output) ? output[0] : output);
  await assertImage(url);
});

test("Replicate's client reports a failed Reve 2.1 prediction", async () => {
  const replicate = new Replicate({ auth: "mock-fail", baseUrl: `${MOCK_URL}/replicate/v1` });
  await assert.rejects(
    replicate.run("reve/reve-2.1", { input: { prompt: "a hat" }, wait: { mode: "poll", interval: 200 } }),
    /Prediction failed/,
  );
});

test("WaveSpeedAI's client (wavespeed) runs reve/2.1/remix and reve/remix-fast", async () => {
  const client = new WaveSpeed("sdk-test-key", { baseUrl: `${MOCK_URL}/wavespeed` });
  const out = await client.run("reve/2.1/remix", { prompt: PROMPT, images: [PNG, JPEG], aspect_ratio: "16:9" }, { pollInterval: 0.2 });
  assert.equal(out.outputs.length, 1);
  await assertImage(out.outputs[0]);
  const fast = await client.run(
    "reve/remix-fast",
    { prompt: "the cat from <img>0</img>", reference_images: [PNG], output_format: "png" },
    { enableSyncMode: true },
  );
  await assertImage(fast.outputs[0]);
});

test("WaveSpeedAI's client sees a failed job (HTTP 200, status failed) as a failure", async () => {
  const client = new WaveSpeed("mock-fail", { baseUrl: `${MOCK_URL}/wavespeed`, maxRetries: 0 });
  await assert.rejects(client.run("reve/2.1/remix", { prompt: "a hat <frame>0</frame>", images: [PNG] }, { pollInterval: 0.2 }), /failed/i);
});

/** A Runware SDK on the mock's WebSocket; closed after `f`. */
async function withRunware(apiKey, f) {
  const url = `${MOCK_URL.replace(/^http/, "ws")}/runware/v1`;
  const runware = new Runware({ apiKey, url, shouldReconnect: false, globalMaxRetries: 0, timeoutDuration: 20000 });
  try {
    return await f(runware);
  } finally {
    await runware.disconnect();
  }
}

test("Runware's client (@runware/sdk-js) runs reve:2@1 over the mock's WebSocket", async () => {
  await withRunware("sdk-test-key", async (runware) => {
    await runware.ensureConnection();
    const images = await runware.imageInference({
      model: "reve:2@1",
      positivePrompt: PROMPT,
      // Reve 2.1 reads its references from inputs.referenceImages; the SDK
      // passes unknown options through unchanged.
      inputs: { referenceImages: [PNG, JPEG] },
      width: 2048,
      height: 1152,
      outputFormat: "PNG",
      includeCost: true,
      numberResults: 1,
    });
    assert.equal(images.length, 1);
    assert.equal(images[0].cost, 0.2);
    await assertImage(images[0].imageURL);
  });
});

test("Runware's client gets the task's error for a top-level referenceImages", async () => {
  await withRunware("sdk-test-key", async (runware) => {
    await runware.ensureConnection();
    await assert.rejects(
      runware.imageInference({ model: "reve:2@1", positivePrompt: "a hat", referenceImages: [PNG] }),
      (e) => JSON.stringify(e).includes("unsupportedParameter"),
    );
  });
});
