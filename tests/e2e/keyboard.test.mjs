// The site with the keyboard alone (Tab, Enter, Space, arrows and the
// clipboard): add two files (the picker and a paste), move one, insert a
// reference into the prompt, run, hear queued, running and completed from
// the live region, download the result and use it as a reference. The focus
// is never lost to <body>: after a run ends it is on "Download", after a
// tile is removed on the next tile's "Remove" (or "Undo" once the board is
// empty). Reduced motion turns the buttons' transition off.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, fixture, SITE_URL, MOCK_QUERY } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The focused element's accessible name, roughly as a screen reader says it ("" for <body>). */
const focused = (page) =>
  page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return "";
    return (a.getAttribute("aria-label") || a.labels?.[0]?.textContent || a.textContent || "").trim();
  });

/** Press Tab until the focused control's name matches `name` (a string is an exact name). */
async function tabTo(page, name, max = 120) {
  const matches = (n) => (typeof name === "string" ? n === name : name.test(n));
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (matches(await focused(page))) return;
  }
  assert.fail(`Tab never reached ${name}`);
}

test("from load to a result used as a reference, with the keyboard alone", async () => {
  const context = await browser.newContext({ acceptDownloads: true, reducedMotion: "reduce" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: SITE_URL });
  const page = await context.newPage();
  // Playwright turns on its interception of file choosers when the first
  // listener is added, in a message that can lose the race with a key
  // pressed at once (a loaded machine saw the picker open unseen): on now.
  page.on("filechooser", () => {});
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${SITE_URL}/${MOCK_QUERY}`);
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
  // The app opens on fal with Reve 2.1; this test starts from Reve
  // (<img>N</img>), picked before a reload so the keyboard starts afresh.
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  await page.reload();
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
  // What the live region says, each time it changes.
  await page.evaluate(() => {
    window.said = [];
    const region = document.querySelector('[role="status"] .status-what');
    new MutationObserver(() => window.said.push(region.textContent)).observe(region, { childList: true, characterData: true, subtree: true });
  });

  // The picker, from the keyboard.
  await tabTo(page, "Add reference images");
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press("Space")]);
  await chooser.setFiles([fixture("png_rgb_64x48.png")]);
  await page.getByRole("img", { name: "Reference 0", exact: true }).waitFor();

  // A paste: an image on the clipboard, Control+V.
  const jpeg = [...readFileSync(fixture("jpeg_baseline_80x60.jpg"))];
  await page.evaluate(async (bytes) => {
    // The clipboard carries PNG: the browser's encoder turns the JPEG into one.
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: "image/jpeg" }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext("2d").drawImage(bitmap, 0, 0);
    const png = await canvas.convertToBlob({ type: "image/png" });
    await navigator.clipboard.write([new ClipboardItem({ "image/png": png })]);
  }, jpeg);
  await page.keyboard.press("Control+V");
  await page.getByRole("img", { name: "Reference 1", exact: true }).waitFor({ timeout: 10000 });
  const names = () => page.locator(".tile-name").allTextContents();
  const [first, second] = await names();
  assert.equal(first, "png_rgb_64x48.png");

  // Move the pasted one first; the focus stays on its arrows.
  await tabTo(page, "Move reference 1 left");
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelector(".tile-name")?.textContent === n, second);
  // The app moves the focus in the frame after the board re-renders: wait
  // for it (a loaded machine can read the focus before that frame runs).
  await page
    .waitForFunction(() => /^Move reference 0 (left|right)$/.test(document.activeElement?.getAttribute("aria-label") ?? ""), null, { timeout: 5000 })
    .catch(() => {});
  assert.match(await focused(page), /^Move reference 0 (left|right)$/);

  // Insert a reference: the prompt gets it and the focus.
  await tabTo(page, /^Insert reference 1 into prompt/);
  await page.keyboard.press("Enter");
  assert.equal(await focused(page), "Prompt");
  await page.keyboard.type(" as a linocut");
  assert.equal(await page.getByLabel("Prompt", { exact: true }).inputValue(), "<img>1</img> as a linocut");

  // The provider by arrow keys: fal queues, then runs.
  await tabTo(page, "Provider");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.getByLabel("Provider", { exact: true }).inputValue(), "fal");

  // Run; the focus goes to Cancel while it runs, to Download when it is done.
  await tabTo(page, "Remix");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.textContent === "Cancel", null, { timeout: 5000 });
  await page.getByRole("img", { name: "Remix result", exact: true }).waitFor({ timeout: 20000 });
  await page.waitForFunction(() => document.activeElement?.matches(".result a[download]"), null, { timeout: 5000 });
  const said = await page.evaluate(() => window.said.filter((s) => s));
  for (const state of [/^Queued on fal/, /^Running on fal/, /^Completed on fal/]) {
    assert.equal(said.filter((s) => state.test(s)).length > 0, true, `${state} was said: ${JSON.stringify(said)}`);
  }
  // Each state once, in order: the clock does not make it speak again, and
  // it never goes back to "Sending" once the job is queued.
  assert.ok(said.every((s, i) => i === 0 || s !== said[i - 1]), JSON.stringify(said));
  assert.ok(said.length <= 8, JSON.stringify(said));
  assert.ok(said.findLastIndex((s) => s.startsWith("Sending")) === 0, JSON.stringify(said));

  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  assert.match(download.suggestedFilename(), /^reve-remix-fal-\d{8}-\d{6}\.(png|jpg|webp)$/);

  await tabTo(page, "Use as reference");
  await page.keyboard.press("Enter");
  await page.getByRole("img", { name: "Reference 2", exact: true }).waitFor();

  // Removing tiles: the focus moves to the next "Remove", then to "Undo".
  await tabTo(page, "Remove reference 1");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll(".tile").length === 2);
  await page.waitForFunction(() => document.activeElement !== document.body);
  assert.equal(await focused(page), "Remove reference 1", "the next tile's, now number 1");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll(".tile").length === 1);
  await page.waitForFunction(() => document.activeElement !== document.body);
  assert.equal(await focused(page), "Remove reference 0", "none after it: the one before");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement !== document.body);
  assert.match(await focused(page), /^Undo removing /);
  await page.keyboard.press("Enter");
  await page.getByRole("img", { name: "Reference 0", exact: true }).waitFor();

  // Reduced motion: no transition on the buttons.
  assert.equal(await page.getByRole("button", { name: "Remix", exact: true }).evaluate((b) => getComputedStyle(b).transitionDuration), "0s");
  assert.deepEqual(problems, []);
  await context.close();
});
