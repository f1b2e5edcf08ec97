// axe-core (WCAG 2.1 A and AA rules) on every state of the site and of the
// widget inside a host page: empty; a board with images, a rejection and
// "Shrink and add"; a prompt with references and an orphan; a queued run,
// a retry's countdown, a result, an error; a comparison of three
// providers; dark and light; a phone. No rule is disabled.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, openSite, openApp, fixture, pickNoisePng, MOCK_QUERY } from "./browser.mjs";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Every WCAG 2.1 A/AA violation axe finds in the page now, as readable lines. */
async function violations(page) {
  // Evaluated by DevTools rather than added as a <script>: the site's
  // Content-Security-Policy rightly refuses an inline script.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const found = await page.evaluate((tags) => axe.run(document, { runOnly: { type: "tag", values: tags } }), TAGS);
  return found.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`).join("\n    ")}`,
  );
}

/** Fails with what axe found in the state `label`. */
async function expectClean(page, label, seen) {
  const found = await violations(page);
  seen.push(label);
  assert.deepEqual(found, [], `${label}:\n${found.join("\n")}`);
}

const statusMatches = (page, re, timeout = 15000) =>
  page.waitForFunction(
    ([s, f]) => new RegExp(s, f).test(document.querySelector('[role="status"]')?.textContent ?? ""),
    [re.source, re.flags],
    { timeout },
  );

async function remixOn(page, provider, key) {
  await page.getByLabel("Provider", { exact: true }).selectOption(provider);
  await page.getByLabel("API key", { exact: true }).fill(key);
  await page.getByRole("button", { name: "Remix", exact: true }).click();
}

for (const scheme of ["light", "dark"]) {
  test(`the site in every state, ${scheme}`, async () => {
    const { page, problems } = await openSite(browser);
    await page.emulateMedia({ colorScheme: scheme });
    const seen = [];
    await expectClean(page, "empty board", seen);

    await page.getByLabel("Add reference images", { exact: true }).setInputFiles([
      fixture("png_rgb_64x48.png"),
      fixture("jpeg_baseline_80x60.jpg"),
    ]);
    // A photo over 1.5 MB and a GIF, picked together.
    await pickNoisePng(page, { name: "IMG_0042.png", width: 1000, height: 900, gif: true });
    await page.getByRole("button", { name: "Shrink and add IMG_0042.png" }).waitFor({ timeout: 15000 });
    await page.getByRole("alert").getByText("notes.gif").waitFor();
    await expectClean(page, "images, a rejection and Shrink and add", seen);

    await page.getByLabel("Prompt", { exact: true }).fill("the cat from <img>0</img> in the room of <img>1</img>");
    await page.getByRole("button", { name: "Remove reference 1", exact: true }).click();
    await expectClean(page, "a prompt with references and an orphan", seen);
    await page.getByLabel("Prompt", { exact: true }).fill("the cat from <img>0</img> in ink");

    await remixOn(page, "fal", "mock-slow");
    await statusMatches(page, /Queued on fal/);
    await expectClean(page, "queued with its position", seen);
    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    await statusMatches(page, /Cancelled/);

    await remixOn(page, "reve", "mock-429");
    await statusMatches(page, /trying again in \d s/);
    await expectClean(page, "a retry's countdown", seen);
    await statusMatches(page, /Failed/, 30000);
    await expectClean(page, "an error", seen);

    await remixOn(page, "reve", "");
    await page.getByRole("img", { name: "Remix result", exact: true }).waitFor({ timeout: 20000 });
    await expectClean(page, "a result", seen);

    for (const name of ["fal (Reve Remix)", "OneRouter"]) await page.getByRole("checkbox", { name: `Run on ${name}`, exact: true }).check();
    await page.getByRole("button", { name: "Remix", exact: true }).click();
    await page.getByRole("img", { name: "Remix result from OneRouter" }).waitFor({ timeout: 20000 });
    await expectClean(page, "a comparison of three providers", seen);
    assert.equal(seen.length, 8, seen.join(", "));
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test("the site on a phone", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${process.env.SITE_URL ?? "http://127.0.0.1:8080"}/${MOCK_QUERY}`);
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
  const seen = [];
  await expectClean(page, "empty, on a phone", seen);
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await page.getByLabel("Prompt", { exact: true }).fill("<img>0</img> at dusk");
  await page.getByRole("button", { name: "Remix", exact: true }).click();
  await page.getByRole("img", { name: "Remix result", exact: true }).waitFor({ timeout: 20000 });
  await expectClean(page, "a result, on a phone", seen);
  await context.close();
});

test("the widget inside a host page", async () => {
  const { page, problems } = await openApp(browser, `examples/embed.html${MOCK_QUERY}`);
  const widget = page.locator("#first");
  await widget.getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
  const seen = [];
  await expectClean(page, "the widget, empty", seen);
  await widget.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png"), fixture("notes.gif")]);
  await widget.getByLabel("Prompt", { exact: true }).fill("<img>0</img> as a poster");
  await expectClean(page, "the widget with an image and a rejection", seen);
  await widget.getByRole("button", { name: "Remix", exact: true }).click();
  await widget.getByRole("img", { name: "Remix result", exact: true }).waitFor({ timeout: 20000 });
  await expectClean(page, "the widget with a result", seen);
  await page.emulateMedia({ colorScheme: "dark" });
  await expectClean(page, "the widget with a result, dark", seen);
  assert.deepEqual(problems, []);
  await page.close();
});
