// The JS package by hand (web/examples/, copied into dist/examples/ with the
// package in dist/examples/pkg/): the plain page and the Web Worker page each
// check a picked file and produce a result image against the mock.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { launch, openApp, FIXTURES, MOCK_QUERY as MOCK } from "./browser.mjs";


let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function remixOn(path, provider, fixture, info) {
  const { page, problems } = await openApp(browser, `examples/${path}${MOCK}`);
  const statuses = [];
  await page.exposeFunction("__seen", (s) => statuses.push(s));
  await page.evaluate(() => {
    const el = document.getElementById("status");
    new MutationObserver(() => window.__seen(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
  });
  await page.getByLabel("Reference image", { exact: true }).setInputFiles(join(FIXTURES, fixture));
  await page.getByLabel("Provider", { exact: true }).selectOption(provider);
  const run = page.getByRole("button", { name: "Remix", exact: true });
  await page.waitForFunction(() => !document.getElementById("run").disabled, null, { timeout: 15000 });
  await run.click();
  await page.waitForFunction(() => {
    const img = document.querySelector('img[alt="Remix result"]');
    return img && !img.hidden && img.complete && img.naturalWidth > 0;
  }, null, { timeout: 20000 });
  assert.equal(await page.locator("#info").textContent(), info);
  assert.match(await page.getByRole("status").textContent(), new RegExp(`^completed on ${provider}$`));
  assert.deepEqual(problems, []);
  return { page, statuses };
}

test("the plain page inspects the picked file and remixes it on the mock with progress", async () => {
  const { page, statuses } = await remixOn("", "fal", "png_rgb_64x48.png", `png, 64×48, ${await size("png_rgb_64x48.png")} bytes`);
  assert.ok(statuses.some((s) => s.startsWith("queued") || s.startsWith("running")), statuses.join(" | "));
  await page.close();
});

test("the plain page names the reason a file is refused", async () => {
  const { page, problems } = await openApp(browser, `examples/${MOCK}`);
  await page.getByLabel("Reference image", { exact: true }).setInputFiles(join(FIXTURES, "notes.gif"));
  await page.waitForFunction(() => document.getElementById("info").textContent !== "", null, { timeout: 15000 });
  assert.match(await page.locator("#info").textContent(), /^unsupported_format: notes\.gif is a GIF/);
  assert.equal(await page.getByRole("button", { name: "Remix", exact: true }).isDisabled(), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the worker page runs the same remix off the main thread", async () => {
  const { page, statuses } = await remixOn("worker.html", "fal", "jpeg_baseline_80x60.jpg", `jpeg, 80×60, ${await size("jpeg_baseline_80x60.jpg")} bytes`);
  assert.ok(statuses.some((s) => s.startsWith("queued") || s.startsWith("running")), statuses.join(" | "));
  assert.equal(page.workers().length, 1);
  await page.close();
});

async function size(name) {
  const { stat } = await import("node:fs/promises");
  return String((await stat(join(FIXTURES, name))).size);
}

test("the compare page runs one remix on three providers at once, one card each", async () => {
  const { page, problems } = await openApp(browser, `examples/compare.html${MOCK}`);
  await page.getByLabel("Reference image", { exact: true }).setInputFiles(join(FIXTURES, "png_rgb_64x48.png"));
  await page.getByLabel(/^Run on Replicate/).check();
  await page.getByRole("button", { name: "Remix on all" }).click();
  await page.getByRole("status").getByText("done: 3 of 3 succeeded").waitFor({ timeout: 30000 });
  for (const name of ["Reve", "fal", "Replicate"]) {
    const card = page.getByRole("listitem", { name: `Result from ${name}` });
    const img = card.getByRole("img", { name: `Result from ${name}` });
    assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), name);
    assert.match(await card.textContent(), /completed in \d+\.\d s/);
  }
  // Reve reports what the run cost; its list price is shown beside its box.
  assert.match(await page.getByRole("listitem", { name: "Result from Reve" }).textContent(), /\d+ credits/);
  assert.match(await page.getByLabel(/^Run on Reve/).evaluate((b) => b.parentElement.textContent), /\$0\.057 per image, 2026-03/);
  assert.deepEqual(problems, []);
  await page.close();
});
