import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, openAppIn } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the built site renders the app with its Remix button", async () => {
  const { page, problems } = await openApp(browser);
  const remix = page.getByRole("button", { name: "Remix", exact: true });
  await remix.waitFor({ state: "visible", timeout: 15000 });
  assert.equal(await remix.count(), 1);
  assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Reve Remix");
  assert.deepEqual(problems, []);
  await page.close();
});

test("the site arrives precompressed: wasm, JS and CSS in brotli, the minified glue passing its integrity check", async () => {
  const page = await browser.newPage();
  const encodings = {};
  page.on("response", async (r) => {
    const ext = new URL(r.url()).pathname.split(".").pop();
    if (["wasm", "js", "css"].includes(ext)) encodings[ext] = r.headers()["content-encoding"];
  });
  const { problems } = await openAppIn(page);
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ state: "visible", timeout: 15000 });
  // A wrong SRI hash on the modulepreload would be a console error in `problems`.
  assert.deepEqual(problems, []);
  assert.deepEqual(encodings, { wasm: "br", js: "br", css: "br" });
  await page.close();
});

test("beside Remix, what a run would cost on the chosen provider, from its list price", async () => {
  const { page, problems } = await openApp(browser);
  const cost = page.locator("#remix-cost");
  await cost.getByText("Estimated cost").waitFor({ timeout: 15000 });
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  assert.equal(await cost.textContent(), "Estimated cost: $0.057 per image (Reve's list price, 2026-03).");
  await page.getByLabel("Provider", { exact: true }).selectOption("pixazo");
  assert.match(await cost.textContent(), /^Estimated cost: \$0\.06 per image \(Pixazo's list price/);
  await page.getByLabel("Provider", { exact: true }).selectOption("fal");
  await page.getByLabel("Model", { exact: true }).selectOption("reve-remix");
  assert.equal(await cost.textContent(), "fal publishes no price per remix: see its pricing page.");
  assert.deepEqual(problems, []);
  await page.close();
});
