// A proxy that cannot be drained, from the package's side (issue 26): a
// token the site mints rides with every request (`proxyToken`), an expired
// one is refreshed once by asking the page's function again, and the
// proxy's budget and quota refusals reach the caller as errors that say
// what happened and when it resets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fixture, PROXY_BIN } from "./browser.mjs";
import { startProxy } from "./proxy_process.mjs";

const PKG = new URL("../../target/pkg/", import.meta.url);
const remix = await import(new URL("reve_remix.js", PKG));
remix.initSync({ module: readFileSync(new URL("reve_remix_bg.wasm", PKG)) });

const png = new Uint8Array(readFileSync(fixture("png_rgb_64x48.png")));
const SECRET = "the-site-secret";
const input = { prompt: "paint <img>0</img> in ink", images: [png] };

/** A token minted the way the README's backend does, by the proxy's own command. */
function mint(ttl, sub) {
  const args = ["token", "--ttl", String(ttl), ...(sub ? ["--sub", sub] : [])];
  return execFileSync(PROXY_BIN, args, { env: { ...process.env, REMIX_PROXY_SECRET: SECRET } }).toString().trim();
}

test("with a token a run goes through; an expired one is refreshed once from proxyToken()", async () => {
  const proxy = await startProxy({ FAL_KEY: "mock", REMIX_PROXY_SECRET: SECRET });
  try {
    const none = await new remix.RemixClient({ provider: "fal", proxyUrl: proxy.url }).run(input).catch((e) => e);
    assert.equal(none.code, "unauthorized");
    assert.match(none.message, /token/);
    const expired = mint(1, "page-1");
    await new Promise((r) => setTimeout(r, 1100));
    const asked = [];
    const proxyToken = async () => {
      asked.push(Date.now());
      return asked.length === 1 ? expired : mint(60, "page-1");
    };
    const result = await new remix.RemixClient({ provider: "fal", model: "reve-2.1", proxyUrl: proxy.url, proxyToken }).run(input);
    assert.equal(result.model, "reve-2.1");
    assert.equal(asked.length, 2, "asked once, then once more after token_invalid");
    const fixed = await new remix.RemixClient({ provider: "fal", proxyUrl: proxy.url, proxyToken: mint(60) }).run(input);
    assert.equal(fixed.images.length, 1);
  } finally {
    proxy.stop();
  }
});

test("a spent budget and a used quota reach the caller in words, before anything is paid", async () => {
  const proxy = await startProxy({ PIXAZO_API_KEY: "mock", FAL_KEY: "mock" }, ["--daily-budget", "0.10", "--rate-limit", "0"]);
  try {
    const pixazo = { prompt: "remix <img>0</img>", images: ["https://example.com/cat.png"] };
    const client = new remix.RemixClient({ provider: "pixazo", proxyUrl: proxy.url });
    await client.submit(pixazo);
    const e = await client.submit(pixazo).catch((e) => e);
    assert.equal(e.code, "rate_limited");
    assert.match(e.message, /daily budget \(\$0\.1\) is spent; it resets in \d+ (h|min)/);
    assert.ok(e.retryAfter > 0);
    // fal's Reve 2.1 costs $0.25: past the budget from the start.
    const fal = await new remix.RemixClient({ provider: "fal", model: "reve-2.1", proxyUrl: proxy.url }).submit(input).catch((e) => e);
    assert.match(fal.message, /budget_exhausted/);
    // The proxy writes its log beside serving: wait for the submission's line.
    const logged = () => proxy.lines.some((l) => l.includes("cost=$0.06 day=$0.06"));
    for (let i = 0; i < 100 && !logged(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(logged(), proxy.lines.join("\n"));
  } finally {
    proxy.stop();
  }
});
