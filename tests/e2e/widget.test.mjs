// <reve-remix-board> in someone else's page (web/examples/embed.html: two
// widgets under deliberately hostile CSS), against the mock: one runs a remix
// and fires its events while the other stays untouched; attributes switch the
// provider at run time; removing an element stops its requests.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { launch, openApp, openAppIn, openSite, FIXTURES, MOCK_URL, MOCK_QUERY as MOCK, PROXY_BIN } from "./browser.mjs";
import { startProxy } from "./proxy_process.mjs";

const KEY = "demo-key-do-not-ship";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** embed.html with both widgets mounted, and every widget event recorded in `window.seen`. */
async function openEmbed() {
  const opened = await openApp(browser, `examples/embed.html${MOCK}`);
  const { page } = opened;
  await page.evaluate(() => {
    window.seen = [];
    for (const type of ["remix-start", "remix-submit", "remix-update", "remix-complete", "remix-error"]) {
      document.addEventListener(type, (e) => window.seen.push({ type, id: e.target.id, detail: e.detail }));
    }
  });
  for (const id of ["first", "second"]) {
    await page.locator(`#${id}`).getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
  }
  return opened;
}

const events = (page, id) => page.evaluate((id) => window.seen.filter((e) => e.id === id), id);

async function waitForEvent(page, id, type, timeout = 20000) {
  await page.waitForFunction(
    ([id, type]) => window.seen.some((e) => e.id === id && (e.type === type || e.type === "remix-error")),
    [id, type],
    { timeout },
  );
  const seen = await events(page, id);
  const error = seen.find((e) => e.type === "remix-error");
  assert.equal(error, undefined, `remix-error: ${JSON.stringify(error?.detail)}`);
  return seen;
}

async function resultShown(board) {
  const result = board.getByRole("img", { name: "Remix result" });
  await result.waitFor({ state: "visible", timeout: 20000 });
  assert.ok(await result.evaluate((img) => img.complete && img.naturalWidth > 0));
}

test("one widget remixes under hostile CSS and fires its events; the other is untouched", async () => {
  const { page, problems } = await openEmbed();
  const first = page.locator("#first");
  const second = page.locator("#second");

  // The page's `all: unset` / `display: none` rules do not reach inside.
  assert.equal(await first.evaluate((el) => getComputedStyle(el).display), "block");
  const remix = first.getByRole("button", { name: "Remix", exact: true });
  assert.ok(await remix.isVisible());
  assert.notEqual(await remix.evaluate((b) => getComputedStyle(b).color), "rgb(221, 0, 0)");
  // Theming through custom properties reaches inside one widget only.
  const accent = (board) => board.evaluate((el) => getComputedStyle(el.shadowRoot.querySelector(".remix")).backgroundColor);
  assert.equal(await accent(second), "rgb(194, 65, 12)");
  assert.notEqual(await accent(first), "rgb(194, 65, 12)");

  await first.getByLabel("Add reference images", { exact: true }).setInputFiles(join(FIXTURES, "png_rgb_64x48.png"));
  await first.getByRole("img", { name: "Reference 0", exact: true }).waitFor();
  assert.equal(await first.getByLabel("Prompt", { exact: true }).inputValue(), "the scene of <img>0</img> as a watercolour");
  await remix.click();
  const seen = await waitForEvent(page, "first", "remix-complete");
  await resultShown(first);

  const types = seen.map((e) => e.type);
  assert.equal(types[0], "remix-start");
  assert.ok(types.includes("remix-update"), types.join(" "));
  const complete = seen.find((e) => e.type === "remix-complete").detail;
  assert.equal(complete.provider, "reve");
  assert.match(complete.images[0].dataUrl ?? complete.images[0].url, /^(data:image\/png|http)/);

  // The other widget: no images, no result, no events.
  assert.deepEqual(await events(page, "second"), []);
  assert.equal(await second.getByRole("img", { name: "Reference 0", exact: true }).count(), 0);
  assert.equal(await second.getByRole("img", { name: "Remix result" }).count(), 0);

  // The demo key is in no DOM the widgets render (nor in any input's value).
  for (const board of [first, second]) {
    const leaked = await board.evaluate((el, key) => {
      const root = el.shadowRoot;
      const values = [...root.querySelectorAll("input, textarea")].map((i) => i.value);
      return root.innerHTML.includes(key) || values.some((v) => v.includes(key));
    }, KEY);
    assert.equal(leaked, false);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("attributes change a widget at run time; addImage() and run() drive it", async () => {
  const { page, problems } = await openEmbed();
  const first = page.locator("#first");
  const requests = [];
  page.on("request", (r) => { if (r.url().startsWith(MOCK_URL)) requests.push(r.url()); });

  await first.evaluate((el, mock) => {
    el.setAttribute("provider", "fal");
    el.setAttribute("base-url", `${mock}/fal`);
    el.setAttribute("prompt", "<img>0</img> at night");
  }, MOCK_URL);
  const png = (await readFile(join(FIXTURES, "png_rgb_64x48.png"))).toString("base64");
  const added = await first.evaluate(async (el, b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return el.addImage(new File([bytes], "cat.png", { type: "image/png" }));
  }, png);
  assert.equal(added, true);
  assert.equal(await first.getByLabel("Prompt", { exact: true }).inputValue(), "<img>0</img> at night");
  await first.evaluate((el) => el.run());
  const seen = await waitForEvent(page, "first", "remix-complete");
  await resultShown(first);

  const complete = seen.find((e) => e.type === "remix-complete").detail;
  assert.equal(complete.provider, "fal");
  assert.ok(seen.some((e) => e.type === "remix-update" && e.detail.status === "queued"), JSON.stringify(seen.map((e) => e.detail?.status)));
  const submitted = seen.find((e) => e.type === "remix-submit")?.detail;
  assert.equal(submitted?.provider, "fal", JSON.stringify(seen.map((e) => e.type)));
  assert.ok(submitted.id && submitted.statusUrl.startsWith(`${MOCK_URL}/fal/`), JSON.stringify(submitted));
  // The package's `Job`, as the README and the .d.ts promise: with its status.
  assert.ok(["queued", "running"].includes(submitted.status), JSON.stringify(submitted));
  assert.ok(requests.length > 0 && requests.every((u) => u.startsWith(`${MOCK_URL}/fal/`)), requests.join("\n"));
  assert.match(await first.getByRole("status").textContent(), /Completed on fal/);

  // max-images caps the board below the provider's limit.
  const second = page.locator("#second");
  const count = await second.evaluate(async (el, b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await el.addImage(new Blob([bytes], { type: "image/png" })));
    return results;
  }, png);
  assert.deepEqual(count, [true, true, false]);
  await second.getByRole("alert").waitFor();

  // clear() empties the board and the result.
  await first.evaluate((el) => el.clear());
  assert.equal(await first.getByRole("img", { name: "Remix result" }).count(), 0);
  assert.equal(await first.getByRole("img", { name: "Reference 0", exact: true }).count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("removing a widget stops its polling", async () => {
  const { page, problems } = await openEmbed();
  const second = page.locator("#second");
  const requests = [];
  page.on("request", (r) => { if (r.url().startsWith(MOCK_URL)) requests.push({ at: Date.now(), method: r.method(), url: r.url() }); });

  // A queued Pixazo job that never finishes: the widget polls its status every few seconds.
  await second.evaluate((el, mock) => {
    el.setAttribute("provider", "pixazo");
    el.setAttribute("base-url", `${mock}/pixazo`);
    el.setAttribute("api-key", "mock-stuck");
    el.setAttribute("prompt", "<img>0</img> forever");
    return el.addImage("https://example.com/cat.png");
  }, MOCK_URL);
  await second.getByRole("button", { name: "Remix", exact: true }).click();
  const polls = () => requests.filter((r) => r.method === "GET" && r.url.includes("/pixazo/v2/requests/status/"));
  await page.waitForFunction(() => window.seen.filter((e) => e.id === "second" && e.type === "remix-update").length >= 1, null, { timeout: 20000 });
  const deadline = Date.now() + 15000;
  while (polls().length < 2 && Date.now() < deadline) await page.waitForTimeout(200);
  assert.ok(polls().length >= 2, JSON.stringify(requests));

  const removedAt = await page.evaluate(() => { document.getElementById("second").remove(); return Date.now(); });
  await page.waitForTimeout(7000); // more than two poll intervals
  const after = requests.filter((r) => r.at > removedAt + 500);
  assert.deepEqual(after, [], "no request once the element is removed");
  // Removed means gone: no error event either, and the other widget still works.
  assert.equal((await events(page, "second")).filter((e) => e.type === "remix-error").length, 0);
  assert.ok(await page.locator("#first").getByRole("button", { name: "Remix", exact: true }).isVisible());
  assert.deepEqual(problems, []);
  await page.close();
});

test("a paste reaches only the widget it happens in", async () => {
  const { page, problems } = await openEmbed();
  const first = page.locator("#first");
  const second = page.locator("#second");
  const png = (await readFile(join(FIXTURES, "png_rgb_64x48.png"))).toString("base64");
  // Focus the second widget's prompt and paste an image file there, the way
  // a browser dispatches it: on the focused element, composed.
  await second.getByLabel("Prompt", { exact: true }).focus();
  await second.getByLabel("Prompt", { exact: true }).evaluate((area, b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], "pasted.png", { type: "image/png" }));
    area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, composed: true, cancelable: true }));
  }, png);
  await second.getByRole("img", { name: "Reference 0", exact: true }).waitFor();
  assert.equal(await first.getByRole("img", { name: "Reference 0", exact: true }).count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the widget keeps the site's type scale under a page that restyles html and *", async () => {
  // What a person sees: the same heading, hint and button sizes. `host` is
  // the widget's element, or null for the site's own page.
  const measure = (host) => {
    const root = host ? document.querySelector(host).shadowRoot : document;
    const px = (sel, prop = "fontSize") => {
      const el = root.querySelector(sel);
      return el ? parseFloat(getComputedStyle(el)[prop]) : null;
    };
    return {
      heading: px("#board-title"),
      limit: px("#board-limit"),
      remix: px("button.remix"),
      remixHeight: px("button.remix", "minHeight"),
      prompt: px("textarea", "minHeight"),
    };
  };
  const site = await openSite(browser);
  const onSite = await site.page.evaluate(measure, null);
  // And how it looks: the board heading, pixel by pixel.
  const siteShot = await site.page.locator("#board-title").screenshot();
  const { page } = await openEmbed();
  // embed.html sets `html { font-size: 62.5% !important }` and `* { font-size: 40px !important }`.
  const inWidget = await page.evaluate(measure, "#first");
  const widgetShot = await page.locator("#first").locator("#board-title").screenshot();
  await page.close();
  const looks = await site.page.evaluate(async ([a, b]) => {
    const load = async (b64) => createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const [x, y] = [await load(a), await load(b)];
    const w = Math.min(x.width, y.width);
    const h = Math.min(x.height, y.height);
    const pixels = (img) => {
      const c = new OffscreenCanvas(w, h).getContext("2d");
      c.drawImage(img, 0, 0);
      return c.getImageData(0, 0, w, h).data;
    };
    const [p, q] = [pixels(x), pixels(y)];
    let diff = 0;
    for (let i = 0; i < p.length; i++) diff += Math.abs(p[i] - q[i]);
    return { site: [x.width, x.height], widget: [y.width, y.height], meanDiff: diff / p.length };
  }, [siteShot.toString("base64"), widgetShot.toString("base64")]);
  await site.page.close();
  // The same heading, drawn the same: its size and its pixels (the host
  // page paints all text red in Comic Sans; none of it may get in).
  assert.ok(Math.abs(looks.site[0] - looks.widget[0]) <= 2 && Math.abs(looks.site[1] - looks.widget[1]) <= 2, JSON.stringify(looks));
  assert.ok(looks.meanDiff < 6, `the widget's board heading looks unlike the site's: ${JSON.stringify(looks)}`);
  for (const [what, expected] of Object.entries(onSite)) {
    assert.ok(expected > 0, `${what} measured on the site: ${JSON.stringify(onSite)}`);
    const got = inWidget[what];
    assert.ok(got !== null && Math.abs(got - expected) / expected < 0.03, `${what}: ${got}px in the widget, ${expected}px on the site`);
  }
});

/** `1.60 MB`: bytes as the app writes them (decimal units, two decimals for MB). */
function mb(n) {
  const hundredths = Math.floor(n / 10_000);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")} MB`;
}

/**
 * Make a photo-sized PNG of noise in the page (the browser's own encoder;
 * too large to carry over the DevTools protocol quickly) and hand it to the
 * widget's addImage(). Its size and what addImage() answered.
 */
function addNoise(board, name, width = 1200, height = 900) {
  return board.evaluate(async (el, { name, width, height }) => {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext("2d");
    const pixels = ctx.createImageData(width, height);
    for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = i % 4 === 3 ? 255 : (Math.random() * 256) | 0;
    ctx.putImageData(pixels, 0, 0);
    const blob = await canvas.convertToBlob({ type: "image/png" });
    const added = await el.addImage(new File([blob], name, { type: "image/png" }));
    return { size: blob.size, added };
  }, { name, width, height });
}

test("the widget offers \"Shrink and add\"; with auto-fit it shrinks a photo silently, says so, and runs it", async () => {
  const { page, problems } = await openEmbed();
  const first = page.locator("#first");
  // Without auto-fit: refused, with the same button the site has.
  const big = await addNoise(first, "IMG_0042.png");
  assert.ok(big.size > 1_500_000, `${big.size}`);
  assert.equal(big.added, false);
  await first.getByRole("alert").getByText("IMG_0042.png is").waitFor();
  await first.getByRole("button", { name: "Shrink and add IMG_0042.png" }).click();
  await first.getByRole("img", { name: "Reference 0", exact: true }).waitFor({ timeout: 30000 });
  assert.equal(await first.locator(".tile-note").textContent(), `shrunk from ${mb(big.size)}`);
  // clear() empties the prompt too: the attribute writes it again.
  await first.evaluate(async (el) => { await el.clear(); el.setAttribute("prompt", "<img>0</img> as a watercolour"); });

  // auto-fit: no question, no alert; the tile says what it was.
  await first.evaluate((el) => el.setAttribute("auto-fit", ""));
  const photo = await addNoise(first, "IMG_0043.png", 1400, 1000);
  assert.ok(photo.size > 1_500_000, `${photo.size}`);
  await first.getByRole("img", { name: "Reference 0", exact: true }).waitFor({ timeout: 30000 });
  assert.equal(await first.locator(".tile-note").textContent(), `shrunk from ${mb(photo.size)}`);
  assert.equal(await first.locator(".tile-name").textContent(), "IMG_0043.webp");
  assert.equal(await first.getByRole("alert").locator("li").count(), 0, "nothing was listed");
  const meta = await first.locator(".tile-meta").textContent();
  const [, size, unit] = meta.match(/· ([\d.]+) (KB|MB)$/) ?? [];
  assert.ok(Number(size) * (unit === "MB" ? 1e6 : 1e3) < 1.5e6, meta);

  // And it runs on the mock.
  await first.evaluate((el) => el.run());
  await waitForEvent(page, "first", "remix-complete", 30000);
  await resultShown(first);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the model attribute picks the provider's model; one it does not sell is unknown_model, an unknown provider unknown_provider, and nothing is sent", async () => {
  const { page, problems } = await openEmbed();
  const second = page.locator("#second");
  const posts = [];
  page.on("request", (r) => { if (r.method() === "POST" && r.url().startsWith(MOCK_URL)) posts.push(new URL(r.url()).pathname); });
  // fal opens on Reve 2.1; the attribute picks its older Reve Remix.
  await second.evaluate((el) => {
    el.setAttribute("model", "reve-remix");
    el.setAttribute("prompt", "<img>0</img> in the snow");
  });
  await second.getByLabel("Add reference images", { exact: true }).setInputFiles(join(FIXTURES, "png_rgb_64x48.png"));
  await second.getByRole("img", { name: "Reference 0", exact: true }).waitFor();
  await second.evaluate((el) => el.run());
  const seen = await waitForEvent(page, "second", "remix-complete");
  assert.equal(seen.find((e) => e.type === "remix-complete").detail.model, "reve-remix");
  assert.deepEqual(posts, ["/fal/fal-ai/reve/remix"]);

  // A model no provider sells: shown as the reason Remix waits, and run() fails with its code.
  posts.length = 0;
  await second.evaluate((el) => el.setAttribute("model", "reve-9"));
  const reason = second.locator("#remix-reason");
  await reason.getByText('Unknown model "reve-9"').waitFor();
  assert.equal(await second.getByRole("button", { name: "Remix", exact: true }).isDisabled(), true);
  await second.evaluate((el) => el.run());
  await page.waitForFunction(() => window.seen.some((e) => e.id === "second" && e.type === "remix-error"));
  const error = (await events(page, "second")).find((e) => e.type === "remix-error").detail;
  assert.equal(error.code, "unknown_model");
  // One fal sells, but not on Reve's own API: the same.
  const first = page.locator("#first");
  await first.evaluate((el) => el.setAttribute("model", "reve-2.1"));
  await first.locator("#remix-reason").getByText("does not sell Reve 2.1").waitFor();
  // A provider id that is not one (a capital letter): unknown_provider, never
  // a run on some other provider.
  await first.evaluate((el) => { el.removeAttribute("model"); el.setAttribute("provider", "Fal"); });
  await first.locator("#remix-reason").getByText('Unknown provider "Fal"').waitFor();
  await first.evaluate((el) => el.run());
  await page.waitForFunction(() => window.seen.some((e) => e.id === "first" && e.type === "remix-error"));
  const unknown = (await events(page, "first")).find((e) => e.type === "remix-error").detail;
  assert.equal(unknown.code, "unknown_provider");
  assert.deepEqual(posts, [], "nothing was sent");
  assert.deepEqual(problems, []);
  await page.close();
});

test("proxy-token rides to a proxy that asks for one, and nowhere else; without it the refusal is in words", async () => {
  const SECRET = "the-site-secret";
  const token = execFileSync(PROXY_BIN, ["token", "--ttl", "600"], { env: { ...process.env, REMIX_PROXY_SECRET: SECRET } })
    .toString()
    .trim();
  const proxy = await startProxy({ FAL_KEY: "mock", REMIX_PROXY_SECRET: SECRET });
  try {
    const { page, problems } = await openEmbed();
    const second = page.locator("#second");
    const sent = [];
    page.on("request", (r) => {
      if (r.url().startsWith(proxy.url) && r.method() !== "OPTIONS") sent.push({ url: r.url(), token: r.headers()["x-remix-proxy-token"] });
    });
    await second.evaluate((el, [url, token]) => {
      el.setAttribute("proxy-url", url);
      el.setAttribute("proxy-token", token);
      el.setAttribute("prompt", "<img>0</img> in ink");
    }, [proxy.url, token]);
    await second.getByLabel("Add reference images", { exact: true }).setInputFiles(join(FIXTURES, "png_rgb_64x48.png"));
    await second.getByRole("img", { name: "Reference 0", exact: true }).waitFor();
    await second.evaluate((el) => el.run());
    await waitForEvent(page, "second", "remix-complete");
    assert.ok(sent.length >= 2, JSON.stringify(sent));
    assert.ok(sent.every((s) => s.token === token && !s.url.includes(token)), "in the header, never in a URL");
    assert.equal(await second.evaluate((el, t) => el.shadowRoot.innerHTML.includes(t), token), false, "never rendered");

    await second.evaluate((el) => el.removeAttribute("proxy-token"));
    await second.evaluate((el) => el.run());
    await page.waitForFunction(() => window.seen.some((e) => e.id === "second" && e.type === "remix-error"), null, { timeout: 20000 });
    const error = (await events(page, "second")).find((e) => e.type === "remix-error").detail;
    assert.equal(error.code, "unauthorized");
    assert.match(error.message, /token_missing/);
    assert.match(await second.getByRole("status").textContent(), /needs a token/);
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    proxy.stop();
  }
});

test("the widget shows its board before a run's code arrives, which two boards on a page fetch once, on their own", async () => {
  const page = await browser.newPage();
  const runChunk = [];
  page.on("request", (r) => {
    if (/\/widget\/split-run-[0-9a-f]+\.wasm$/.test(new URL(r.url()).pathname)) runChunk.push(r.url());
  });
  const { problems } = await openAppIn(page, `examples/embed.html${MOCK}`);
  for (const id of ["first", "second"]) {
    await page.locator(`#${id}`).getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
  }
  for (let i = 0; runChunk.length === 0 && i < 200; i++) await page.waitForTimeout(50);
  await page.waitForTimeout(500);
  assert.equal(runChunk.length, 1, `fetched once, before any Remix: ${runChunk.join(", ")}`);
  assert.deepEqual(problems, []);
  await page.close();
});
