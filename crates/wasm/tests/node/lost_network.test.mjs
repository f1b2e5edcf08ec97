// A job the provider accepted is never lost to the network: when run() gives
// up following it, the RemixError carries the Job, and status() reads it
// again once the network is back. (Slow on purpose: run() retries a failed
// status read five times, backing off from 1 s to 16 s, before it gives up.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { remix, fixture, thrown, MOCK_URL } from "./pkg.mjs";

const input = { prompt: "a poster of <img>0</img>", images: [fixture("png_rgb_64x48.png")] };

test("run() hands back the accepted job when the network goes away; status() finds it later", async () => {
  let online = true;
  const submits = [];
  const flaky = (url, init) => {
    if ((init?.method ?? "GET") === "POST") submits.push(url);
    if (!online) return Promise.reject(new TypeError("fetch failed"));
    return fetch(url, init);
  };
  const client = new remix.RemixClient({ provider: "fal", apiKey: "mock-slow", baseUrl: `${MOCK_URL}/fal`, fetch: flaky });
  const e = await thrown(() => client.run(input, {
    onUpdate: () => { online = false; }, // accepted and followed: now the network drops
  }));
  assert.equal(e.code, "network");
  assert.equal(e.job?.provider, "fal", JSON.stringify(e));
  assert.ok(e.job.id && e.job.statusUrl.startsWith(`${MOCK_URL}/fal/`), JSON.stringify(e.job));
  assert.ok(!JSON.stringify(e.job).includes("mock-slow"), "no key in the job");

  online = true;
  let update = await client.status(e.job);
  for (let i = 0; i < 40 && update.status !== "completed"; i++) {
    await new Promise((r) => setTimeout(r, 500));
    update = await client.status(e.job);
  }
  assert.equal(update.status, "completed");
  assert.ok(update.result.images[0].url);
  assert.equal(submits.length, 1, "one job, paid once");
});
