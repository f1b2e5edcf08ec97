// The proxy (the reve-remix-proxy binary) in front of the mock, the way a
// site goes live: the package in Node and the site in Chromium reach every
// provider through it with no key in the page; fal's own client from npm
// uses it unchanged; its refusals reach the caller as errors that say what
// to change; the key is in no answer and no log line.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createFalClient } from "@fal-ai/client";
import { launch, openApp, fixture, SITE_URL, MOCK_URL, PROXY_URL, PROXY_TLS_URL } from "./browser.mjs";
import { startProxy, KEY_VARS } from "./proxy_process.mjs";

const PKG = new URL("../../target/pkg/", import.meta.url);
const remix = await import(new URL("reve_remix.js", PKG));
remix.initSync({ module: readFileSync(new URL("reve_remix_bg.wasm", PKG)) });

const png = new Uint8Array(readFileSync(fixture("png_rgb_64x48.png")));
const jpeg = new Uint8Array(readFileSync(fixture("jpeg_baseline_80x60.jpg")));
const PROVIDERS = ["reve", "fal", "inference-sh", "aimlapi", "onerouter", "pixazo", "pixazo-edit", "replicate"];

/** What each provider takes: Pixazo only https URLs, its edit one image. */
function inputFor(provider) {
  if (provider === "pixazo") return { prompt: "remix <img>0</img>", images: ["https://example.com/cat.png"] };
  if (provider === "pixazo-edit") return { prompt: "make it snow", images: ["https://example.com/cat.png"] };
  return { prompt: "the cat from <img>0</img> wearing the hat from <img>1</img>", images: [png, jpeg] };
}

/** A fetch that records what the page side sends and gets. */
function recordingFetch() {
  const sent = [];
  const fetchFn = async (url, init = {}) => {
    const headers = new Headers(init.headers);
    const res = await fetch(url, init);
    sent.push({
      url: String(url),
      method: init.method ?? "GET",
      target: headers.get("x-remix-target-url"),
      authorization: headers.get("authorization"),
      status: res.status,
      answerHeaders: [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n"),
    });
    return res;
  };
  return { sent, fetchFn };
}

test("the package reaches every provider through the proxy with no key in the page", async () => {
  for (const provider of PROVIDERS) {
    const { sent, fetchFn } = recordingFetch();
    const client = new remix.RemixClient({ provider, proxyUrl: PROXY_URL, fetch: fetchFn });
    const statuses = [];
    const result = await client.run(inputFor(provider), { onUpdate: (u) => statuses.push(u.status) });
    assert.equal(result.provider, provider);
    assert.equal(statuses.at(-1), "completed", provider);
    for (const r of sent) {
      assert.equal(r.authorization, null, `${provider}: the page sent a key to ${r.url}`);
      // Everything goes through the proxy but inference.sh's presigned upload,
      // which goes straight to storage as inference.sh's own SDK sends it.
      if (r.method === "PUT" && provider === "inference-sh") {
        assert.ok(r.url.startsWith(`${MOCK_URL}/inference-sh/uploads/`), r.url);
      } else {
        assert.equal(r.url, PROXY_URL, `${provider}: ${r.method} ${r.url} did not go through the proxy`);
        // The real provider's URL, or one the provider returned (the mock
        // answers with its own URLs, as fal answers with queue.fal.run's).
        assert.ok(
          r.target.startsWith("https://") || r.target.startsWith(`${MOCK_URL}/${provider}/`),
          `${provider}: the target is the provider's: ${r.target}`,
        );
      }
    }
    const [image] = result.images;
    if (image.url) {
      // The result image too, through the proxy (a CDN may send no CORS).
      const res = await fetch(PROXY_URL, { headers: { "x-remix-target-url": image.url, "x-remix-provider": provider } });
      assert.equal(res.status, 200, `${provider}: ${image.url}`);
      assert.equal(remix.inspectImage(new Uint8Array(await res.arrayBuffer())).format, "png");
    } else {
      assert.ok(image.dataUrl.startsWith("data:image/png;base64,"));
    }
    if (provider === "fal") {
      assert.ok(sent.some((r) => r.target.includes("/status/stream")), "fal followed its SSE stream through the proxy");
    }
    if (provider === "inference-sh") {
      assert.ok(sent.some((r) => r.target?.endsWith("/stream")), "inference.sh followed its NDJSON stream through the proxy");
      assert.ok(sent.some((r) => r.method === "PUT"), "inference.sh uploaded the files first");
    }
  }
});

test("the package through the proxy's Cloudflare Worker (under workerd): a queued and a synchronous provider", async () => {
  const command = (process.env.EDGE_PROXY_CMD ?? "cargo xtask proxy --edge --no-build").split(" ");
  const worker = await startProxy({ FAL_KEY: "mock", REVE_API_KEY: "mock" }, [], command);
  try {
    for (const provider of ["fal", "reve"]) {
      const { sent, fetchFn } = recordingFetch();
      const statuses = [];
      const result = await new remix.RemixClient({ provider, proxyUrl: worker.url, fetch: fetchFn })
        .run(inputFor(provider), { onUpdate: (u) => statuses.push(u.status) });
      assert.equal(result.provider, provider);
      assert.equal(statuses.at(-1), "completed");
      assert.ok(sent.every((r) => r.url === worker.url && r.authorization === null), provider);
      if (provider === "fal") {
        assert.ok(sent.some((r) => r.target.includes("/status/stream")), "fal's SSE stream went through the Worker");
        assert.ok(statuses.includes("running"), `updates: ${statuses}`);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(worker.lines.some((l) => /^POST fal https:\/\/queue\.fal\.run\/fal-ai\/reve\/remix 200 /.test(l)), worker.lines.join("\n"));
  } finally {
    worker.stop();
  }
});

test("fal's own client (@fal-ai/client with proxyUrl) works through our proxy unchanged", async () => {
  // In a browser fal's client uses the proxy by default; in Node it takes `when: "always"`.
  const fal = createFalClient({ proxyUrl: { url: PROXY_URL, when: "always" } });
  const dataUri = `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
  const updates = [];
  const result = await fal.subscribe("fal-ai/reve/remix", {
    input: { prompt: "the cat from <img>0</img>", image_urls: [dataUri] },
    logs: true,
    pollInterval: 250,
    onQueueUpdate: (u) => updates.push(u.status),
  });
  assert.ok(result.requestId, "fal's client read the request id");
  assert.match(result.data.images[0].url, /^http/);
  assert.ok(updates.includes("COMPLETED") || updates.length > 0, `queue updates: ${updates}`);
});

test("a provider's 429 comes through with its Retry-After, and the run waits for it", async () => {
  const proxy = await startProxy({ REVE_API_KEY: "mock-429" });
  try {
    const client = new remix.RemixClient({ provider: "reve", proxyUrl: proxy.url });
    const updates = [];
    let error;
    try {
      await client.run(inputFor("reve"), { timeoutMs: 3000, onUpdate: (u) => updates.push(u) });
    } catch (e) {
      error = e;
    }
    assert.equal(error?.code, "rate_limited");
    assert.equal(error.retryAfter, 2, "the mock's Retry-After: 2 reached the client");
    const waits = updates.filter((u) => u.retryInMs !== undefined).map((u) => u.retryInMs);
    assert.ok(waits.length >= 1 && waits[0] >= 2000 && waits[0] < 2300, `waited ${waits}`);
  } finally {
    proxy.stop();
  }
});

test("a missing key and a refused target say what to change", async () => {
  const proxy = await startProxy({});
  try {
    const e = await new remix.RemixClient({ provider: "fal", proxyUrl: proxy.url })
      .run(inputFor("fal"))
      .then(() => null, (err) => err);
    assert.equal(e?.code, "missing_api_key");
    assert.match(e.message, /proxy/);
    assert.match(e.message, /FAL_KEY/);
  } finally {
    proxy.stop();
  }
  // A page that points a provider somewhere the proxy does not know.
  const e = await new remix.RemixClient({ provider: "reve", proxyUrl: PROXY_URL, baseUrl: "https://api.reve.com.evil.test" })
    .run(inputFor("reve"))
    .then(() => null, (err) => err);
  assert.equal(e?.code, "provider_rejected");
  assert.match(e.message, /The proxy refused/);
  assert.match(e.message, /api\.reve\.com\.evil\.test/);
});

test("the key is in no answer and no log line", async () => {
  const secret = "e2e-SECRET-KEY-must-not-leak-7c1";
  const keys = Object.fromEntries(KEY_VARS.map((v) => [v, secret]));
  const proxy = await startProxy(keys);
  try {
    const { sent, fetchFn } = recordingFetch();
    for (const provider of ["reve", "fal", "replicate"]) {
      await new remix.RemixClient({ provider, proxyUrl: proxy.url, fetch: fetchFn }).run(inputFor(provider));
    }
    await new remix.RemixClient({ provider: "fal", proxyUrl: proxy.url, baseUrl: "https://evil.test", fetch: fetchFn })
      .run(inputFor("fal"))
      .catch(() => {});
    assert.ok(sent.length >= 5);
    for (const r of sent) assert.ok(!r.answerHeaders.includes(secret), `an answer's headers hold the key: ${r.answerHeaders}`);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(proxy.lines.length >= sent.length, "one log line per request");
    for (const line of proxy.lines) assert.ok(!line.includes(secret), `a log line holds the key: ${line}`);
  } finally {
    proxy.stop();
  }
});

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the site: \"Through the proxy\" remixes on every provider with no key field", async () => {
  const { page, problems } = await openApp(browser, `?proxy=${encodeURIComponent(PROXY_URL)}`);
  const sentKeys = [];
  const direct = [];
  page.on("request", (r) => {
    const h = r.headers();
    if (h.authorization || h["ocp-apim-subscription-key"]) sentKeys.push(r.url());
    if (r.url().startsWith(MOCK_URL)) direct.push(`${r.method()} ${r.url()}`);
  });
  await page.getByRole("checkbox", { name: "Through the proxy" }).check();
  assert.equal(await page.getByRole("checkbox", { name: "Use the local mock provider" }).isChecked(), false);
  assert.equal(await page.getByLabel("API key", { exact: true }).isVisible(), false, "no key field through the proxy");
  assert.equal(await page.getByLabel("Proxy URL", { exact: true }).inputValue(), PROXY_URL);
  for (const provider of PROVIDERS) {
    await page.getByLabel("Provider", { exact: true }).selectOption(provider);
    // A fresh board each time: the file picker or, for Pixazo, an https URL.
    while (await page.getByRole("button", { name: /^Remove reference \d+$/ }).count()) {
      await page.getByRole("button", { name: /^Remove reference \d+$/ }).first().click();
    }
    if (provider.startsWith("pixazo")) {
      await page.getByLabel("Image URL", { exact: true }).fill("https://example.com/cat.png");
      await page.getByRole("button", { name: "Add URL", exact: true }).click();
    } else {
      await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
    }
    await page.getByLabel("Prompt", { exact: true }).fill(provider === "pixazo-edit" ? "make it snow" : "paint <img>0</img> in ink");
    const button = page.getByRole("button", { name: "Remix", exact: true });
    assert.equal(await button.isEnabled(), true, `${provider}: ${await page.locator("#remix-reason").textContent()}`);
    const before = await page.getByRole("img", { name: "Remix result" }).getAttribute("src").catch(() => null);
    await button.click();
    await page.waitForFunction(
      (old) => {
        const img = document.querySelector('img[alt="Remix result"]');
        return img && img.complete && img.naturalWidth > 0 && img.getAttribute("src") !== old;
      },
      before,
      { timeout: 30000 },
    );
    assert.match(await page.getByRole("status").textContent(), /Completed/, provider);
    // The bytes were kept (an object URL), even for results served by URL.
    assert.match(await page.getByRole("img", { name: "Remix result" }).getAttribute("src"), /^blob:/, provider);
  }
  assert.deepEqual(sentKeys, [], "the page sent a key");
  // inference.sh's presigned upload is the one request that goes straight to storage.
  assert.ok(direct.every((d) => d.startsWith("PUT ") && d.includes("/inference-sh/uploads/")), direct.join("\n"));
  assert.deepEqual(problems, []);
});

test("a 429 whose Retry-After the page cannot read backs off 1, 2, 4 s; through the proxy it is read and waited for", async () => {
  // mock-429-hidden answers 429 with `Retry-After: 2` but exposes no headers
  // to pages, as most providers answer browsers; our proxy exposes them.
  const proxy = await startProxy({ REVE_API_KEY: "mock-429-hidden" });
  try {
    const { page, problems } = await openApp(browser, `?mock=${encodeURIComponent(MOCK_URL)}&proxy=${encodeURIComponent(proxy.url)}`);
    await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
    // What the page itself can read of the same answer, each way.
    const seen = await page.evaluate(async ([mock, via]) => {
      const direct = await fetch(`${mock}/reve/v1/image/remix`, {
        method: "POST",
        headers: { authorization: "Bearer mock-429-hidden", "content-type": "application/json" },
        body: "{}",
      });
      const proxied = await fetch(via, {
        method: "POST",
        headers: { "x-remix-target-url": "https://api.reve.com/v1/image/remix", "x-remix-provider": "reve", "content-type": "application/json" },
        body: "{}",
      });
      return [direct.status, direct.headers.get("retry-after"), proxied.status, proxied.headers.get("retry-after")];
    }, [MOCK_URL, proxy.url]);
    assert.deepEqual(seen, [429, null, 429, "2"]);

    const submits = [];
    page.on("request", (r) => {
      const target = r.headers()["x-remix-target-url"] ?? r.url();
      if (r.method() === "POST" && target.endsWith("/v1/image/remix")) submits.push({ url: r.url(), at: Date.now() });
    });
    await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
    await page.getByLabel("Prompt", { exact: true }).fill("A poster of <img>0</img>");
    await page.getByLabel("Provider", { exact: true }).selectOption("reve");
    const statusText = () => page.getByRole("status").textContent();
    const waitFailed = () =>
      page.waitForFunction(() => /Failed/.test(document.querySelector('[role="status"]')?.textContent ?? ""), null, { timeout: 30000 });

    // Direct: no readable Retry-After, so the run waits about 1, 2 and 4 s
    // (not at once, not never), saying so, then stops with the rate limit.
    await page.getByLabel("API key", { exact: true }).fill("mock-429-hidden");
    await page.getByRole("button", { name: "Remix", exact: true }).click();
    await page.waitForFunction(() => /trying again in \d s/.test(document.querySelector('[role="status"]')?.textContent ?? ""));
    await waitFailed();
    const direct = submits.splice(0);
    assert.equal(direct.length, 4, "one submit and three retries");
    assert.ok(direct.every((s) => s.url.startsWith(MOCK_URL)));
    const gaps = direct.slice(1).map((s, i) => s.at - direct[i].at);
    [1000, 2000, 4000].forEach((base, i) => assert.ok(gaps[i] >= base * 0.85 && gaps[i] < base * 1.1 + 1500, `waits ${gaps}`));
    let text = await statusText();
    assert.match(text, /rate limit/i);
    assert.doesNotMatch(text, /retry after \d/, "no Retry-After was readable");

    // Through the proxy: the page reads the provider's Retry-After: 2.
    await page.getByRole("checkbox", { name: "Through the proxy" }).check();
    assert.equal(await page.getByLabel("Proxy URL", { exact: true }).inputValue(), proxy.url);
    await page.getByRole("button", { name: "Remix", exact: true }).click();
    await page.waitForFunction(() => /trying again in 2 s/.test(document.querySelector('[role="status"]')?.textContent ?? ""));
    await waitFailed();
    const proxied = submits.splice(0);
    assert.ok(proxied.length >= 2 && proxied.every((s) => s.url.startsWith(proxy.url)), proxied.map((s) => s.url).join("\n"));
    const waits = proxied.slice(1).map((s, i) => s.at - proxied[i].at);
    assert.ok(waits.every((ms) => ms >= 1900), `waits ${waits}`);
    text = await statusText();
    assert.match(text, /retry after 2 s/);
    assert.deepEqual(problems.filter((p) => !p.includes("429")), []);
    await page.close();
  } finally {
    proxy.stop();
  }
});

test("the site compares providers through the proxy with no key in the page", async () => {
  const { page, problems } = await openApp(browser, `?proxy=${encodeURIComponent(PROXY_URL)}`);
  const sentKeys = [];
  page.on("request", (r) => {
    const h = r.headers();
    if (h.authorization || h["ocp-apim-subscription-key"]) sentKeys.push(r.url());
  });
  await page.getByRole("checkbox", { name: "Through the proxy" }).check();
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await page.getByLabel("Prompt", { exact: true }).fill("paint <img>0</img> in ink");
  // The app opens on fal with Reve 2.1; this comparison starts from Reve.
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  for (const name of ["fal", "Replicate"]) await page.getByRole("checkbox", { name: `Run on ${name} (Reve Remix)`, exact: true }).check();
  await page.getByRole("button", { name: "Remix", exact: true }).click();
  for (const name of ["Reve", "fal", "Replicate"]) {
    const run = name === "Reve" ? name : `${name} (Reve Remix)`;
    const card = page.getByRole("region", { name: `Result from ${run}`, exact: true });
    await card.getByRole("img", { name: `Remix result from ${run}` }).waitFor({ timeout: 30000 });
    assert.match(await card.locator(".details").textContent(), new RegExp(`^${name} · \\d`));
  }
  assert.match(await page.getByRole("status").textContent(), /^Comparing: Reve done, fal \(Reve Remix\) done, Replicate \(Reve Remix\) done\.$/);
  assert.deepEqual(sentKeys, [], "the page sent a key");
  assert.deepEqual(problems, []);
  await page.close();
});

test("over HTTPS the site speaks HTTP/2 to the proxy: a comparison of every provider on one connection", async () => {
  assert.ok(PROXY_TLS_URL?.startsWith("https://"), "the harness runs the proxy over HTTPS too");
  // The harness's certificate is made for the run: no browser trusts it.
  const { page, problems } = await openApp(browser, `?proxy=${encodeURIComponent(PROXY_TLS_URL)}`, {
    ignoreHTTPSErrors: true,
  });
  const spoken = [];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  cdp.on("Network.responseReceived", ({ response }) => {
    if (response.url.startsWith(PROXY_TLS_URL)) spoken.push(response.protocol);
  });
  await page.getByRole("checkbox", { name: "Through the proxy" }).check();
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await page.getByLabel("Prompt", { exact: true }).fill("paint <img>0</img> in ink");
  // The app opens on fal with Reve 2.1; this comparison starts from Reve.
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  const runs = ["Reve", "fal (Reve Remix)", "inference.sh", "AI/ML API", "OneRouter", "Replicate (Reve Remix)"];
  for (const name of [...runs, "Pixazo"]) {
    await page.getByRole("checkbox", { name: `Run on ${name}`, exact: true }).check();
  }
  const pixazo = page.getByRole("region", { name: "Result from Pixazo", exact: true });
  assert.match(await pixazo.innerText(), /only takes public https URLs/);
  await page.getByRole("button", { name: "Remix", exact: true }).click();
  for (const name of runs) {
    const card = page.getByRole("region", { name: `Result from ${name}`, exact: true });
    await card.getByRole("img", { name: `Remix result from ${name}` }).waitFor({ timeout: 30000 });
  }
  assert.equal(await pixazo.getByRole("img").count(), 0, "Pixazo was sent nothing");
  assert.ok(spoken.length >= runs.length, `answers through the proxy: ${spoken.length}`);
  assert.deepEqual([...new Set(spoken)], ["h2"], "every answer came over HTTP/2");
  assert.deepEqual(problems, []);
  await page.close();
});
