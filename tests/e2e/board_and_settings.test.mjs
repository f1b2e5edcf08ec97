// The rest of what a person does on the site, end to end against the mock:
// files dropped on the board, an image pasted, an https URL; a photo too
// large shrunk by the browser; tiles dragged;
// a queued run that names the jobs ahead and the provider's log; credits in
// the details; the API key kept for the session unless remembered; a phone
// screen and the dark colour scheme.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { launch, openSite, tile, fixture, pickNoisePng, MOCK_URL, MOCK_QUERY, SITE_URL, ARTIFACTS } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const base64 = async (name) => (await readFile(fixture(name))).toString("base64");

/** A DataTransfer made in the page holding `files` ([name, type, base64]). */
function transfer(page, files) {
  return page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const [name, type, data] of files) {
      dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type }));
    }
    return dt;
  }, files);
}

const remixButton = (page) => page.getByRole("button", { name: "Remix", exact: true });
const reason = (page) => page.locator("#remix-reason").textContent();

test("files dropped on the page, an image dragged from another page, a pasted image and an https URL all join the board", async () => {
  const { page, problems } = await openSite(browser);
  const board = page.getByRole("region", { name: "Reference images" });
  const dropped = await transfer(page, [["dropped.png", "image/png", await base64("png_rgb_64x48.png")]]);
  for (const type of ["dragenter", "dragover", "drop"]) await board.dispatchEvent(type, { dataTransfer: dropped });
  await tile(page, 0).waitFor();
  assert.match(await page.locator(".tile").nth(0).textContent(), /dropped\.png.*PNG · 64 × 48/s);
  // A drop that misses the board (here on the prompt) still joins it,
  // instead of the browser leaving the app to show the file.
  const missed = await transfer(page, [["missed.webp", "image/webp", await base64("webp_lossy_70x50.webp")]]);
  const promptPanel = page.getByLabel("Prompt", { exact: true });
  for (const type of ["dragenter", "dragover", "drop"]) await promptPanel.dispatchEvent(type, { dataTransfer: missed });
  await tile(page, 1).waitFor();
  assert.match(await page.locator(".tile").nth(1).textContent(), /missed\.webp.*WebP/s);
  assert.ok(page.url().startsWith(SITE_URL), page.url());
  await page.getByRole("button", { name: "Remove reference 1" }).click();

  // A paste anywhere on the page (not into a text field) adds its image files.
  const pasted = await transfer(page, [["pasted.jpg", "image/jpeg", await base64("jpeg_baseline_80x60.jpg")]]);
  await page.evaluate((dt) => document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true })), pasted);
  await tile(page, 1).waitFor();
  assert.match(await page.locator(".tile").nth(1).textContent(), /pasted\.jpg.*JPEG · 80 × 60/s);

  // An https URL: the browser shows it (answered here, not by the internet).
  const png = await readFile(fixture("png_rgb_64x48.png"));
  await page.route("https://images.example.com/**", (route) => route.fulfill({ body: png, contentType: "image/png" }));
  const url = page.getByLabel("Image URL", { exact: true });
  await url.fill("https://images.example.com/cat.png");
  await page.getByRole("button", { name: "Add URL" }).click();
  await tile(page, 2).waitFor();
  assert.equal(await url.inputValue(), "", "the field empties once the URL is on the board");
  assert.match(await page.locator(".tile").nth(2).textContent(), /cat\.png.*URL · checked by the provider/s);
  await page.waitForFunction(() => document.querySelector('img[alt="Reference 2"]')?.naturalWidth === 64);

  // An image dragged in from another page arrives as its URL and markup; a
  // plain link (no image) is not taken.
  const fromPage = (html) => page.evaluateHandle((html) => {
    const dt = new DataTransfer();
    dt.setData("text/uri-list", "https://images.example.com/dog.png");
    dt.setData("text/html", html);
    return dt;
  }, html);
  const link = await fromPage('<a href="https://images.example.com/dog.png">a dog</a>');
  for (const type of ["dragenter", "dragover", "drop"]) await board.dispatchEvent(type, { dataTransfer: link });
  const image = await fromPage('<img src="https://images.example.com/dog.png" alt="a dog">');
  for (const type of ["dragenter", "dragover", "drop"]) await board.dispatchEvent(type, { dataTransfer: image });
  await tile(page, 3).waitFor();
  assert.match(await page.locator(".tile").nth(3).textContent(), /dog\.png.*URL/s);
  assert.equal(await page.locator(".tile").count(), 4, "the link was not taken");
  await page.getByRole("button", { name: "Remove reference 3" }).click();

  // Something that is not a web address is refused with a reason; the board stays.
  await url.fill("file:///home/me/cat.png");
  await page.getByRole("button", { name: "Add URL" }).click();
  await page.getByRole("alert").getByText("is not a web address").waitFor();
  assert.equal(await page.locator(".tile").count(), 3);

  // Reve takes files only: it says so before Remix is pressed; fal takes the URL.
  await page.getByLabel("Prompt", { exact: true }).fill("<img>0</img> and <img>1</img> in front of <img>2</img>");
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  assert.equal(await remixButton(page).isEnabled(), false);
  assert.match(await reason(page), /Reve takes image files, not URLs: remove reference 2/);
  await page.getByLabel("Provider", { exact: true }).selectOption("fal");
  assert.equal(await remixButton(page).isEnabled(), true, `Remix is enabled (${await reason(page)})`);
  const bodies = [];
  page.on("request", (r) => { if (r.method() === "POST" && r.url().startsWith(`${MOCK_URL}/fal/`)) bodies.push(r.postData() ?? ""); });
  await remixButton(page).click();
  await page.getByRole("img", { name: "Remix result" }).waitFor({ state: "visible", timeout: 20000 });
  assert.equal(bodies.length, 1);
  assert.ok(bodies[0].includes('"https://images.example.com/cat.png"'), "the URL went to fal as it is");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a file over 1.5 MB is offered \"Shrink and add\", which puts a smaller copy on the board", async () => {
  const { page, problems } = await openSite(browser);
  // A photo-sized image from the browser's own PNG encoder (2400 × 1800 of
  // noise, about 15 MB, which takes several encodes to get under 1.5 MB),
  // picked in the page: 15 MB is slow to carry over the DevTools protocol.
  await pickNoisePng(page, { name: "IMG_0042.png", width: 2400, height: 1800 });
  const alert = page.getByRole("alert");
  await alert.getByText("IMG_0042.png is").waitFor();
  assert.match(await alert.textContent(), /IMG_0042\.png is \d+(\.\d+)? MB; references must be under 1\.5 MB/);

  await page.getByRole("button", { name: "Shrink and add IMG_0042.png" }).click();
  await tile(page, 0).waitFor({ timeout: 20000 });
  const meta = await page.locator(".tile-meta").first().textContent();
  const [, w, h, size, unit] = meta.match(/^WebP · (\d+) × (\d+) · ([\d.]+) (KB|MB)$/) ?? [];
  assert.ok(w && Number(w) < 2400 && Math.abs(Number(w) / Number(h) - 4 / 3) < 0.01, `smaller, same shape: ${meta}`);
  assert.ok(Number(size) * (unit === "MB" ? 1e6 : 1e3) < 1.5e6, `under 1.5 MB: ${meta}`);
  assert.equal(await page.locator(".tile-name").first().textContent(), "IMG_0042.webp");
  assert.equal(await alert.getByText("IMG_0042.png").count(), 0, "its entry left the list");
  // The tile says what it was (the original's size, as the app writes sizes), also after a reload.
  const note = await page.locator(".tile-note").first().textContent();
  assert.match(note, /^shrunk from \d+\.\d\d MB$/);
  await page.waitForFunction(() => new Promise((resolve) => {
    const open = indexedDB.open("reve-remix");
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      const all = db.transaction("records").objectStore("records").getAll();
      all.onerror = () => { db.close(); resolve(false); };
      all.onsuccess = () => {
        db.close();
        resolve(all.result.some((v) => Array.isArray(v) && v.some((img) => img.shrunk_from > 1_500_000)));
      };
    };
  }), null, { timeout: 10000 });
  await page.reload();
  await tile(page, 0).waitFor({ timeout: 15000 });
  assert.equal(await page.locator(".tile-note").first().textContent(), note);

  // An HEIC over the limit: Chromium cannot decode HEIC, so it cannot shrink it either.
  const heic = Buffer.alloc(1_600_000);
  (await readFile(fixture("heic_64x40.heic"))).copy(heic);
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([
    { name: "IMG_0043.heic", mimeType: "image/heic", buffer: heic },
    { name: "notes.gif", mimeType: "image/gif", buffer: await readFile(fixture("notes.gif")) },
  ]);
  await alert.getByText("notes.gif is a GIF").waitFor();
  assert.equal(await page.getByRole("button", { name: "Shrink and add notes.gif" }).isVisible(), false, "a GIF is not offered a shrink");
  await page.getByRole("button", { name: "Shrink and add IMG_0043.heic" }).click();
  await alert.getByText("IMG_0043.heic could not be decoded by this browser as HEIF").waitFor();
  assert.equal(await page.locator(".tile").count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("tiles reorder by dragging, and the prompt follows", async () => {
  const { page, problems } = await openSite(browser);
  await page.getByLabel("Add reference images", { exact: true })
    .setInputFiles(["png_rgb_64x48.png", "jpeg_baseline_80x60.jpg", "webp_lossy_70x50.webp"].map(fixture));
  await tile(page, 2).waitFor();
  const prompt = page.getByLabel("Prompt", { exact: true });
  await prompt.fill("<img>0</img> on <img>1</img> under <img>2</img>");
  await page.locator(".tile").nth(2).dragTo(page.locator(".tile").nth(0));
  assert.deepEqual(
    (await page.locator(".tile-name").allTextContents()),
    ["webp_lossy_70x50.webp", "png_rgb_64x48.png", "jpeg_baseline_80x60.jpg"],
  );
  assert.equal(await prompt.inputValue(), "<img>1</img> on <img>2</img> under <img>0</img>");
  // The keyboard way keeps the focus on the moved tile (on its other arrow
  // once it is first and "left" is disabled).
  await page.getByRole("button", { name: "Move reference 1 left" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "Move reference 0 right");
  assert.equal(await prompt.inputValue(), "<img>0</img> on <img>2</img> under <img>1</img>");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "the focused button shows its focus");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a queued run names the jobs ahead, then the provider's log; credits reach the details", async () => {
  const { page, problems } = await openSite(browser);
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await tile(page, 0).waitFor();
  await page.getByLabel("Prompt", { exact: true }).fill("Repaint <img>0</img> in ink");
  await page.getByLabel("Provider", { exact: true }).selectOption("fal");
  const seen = [];
  await page.exposeFunction("sawStatus", (s) => seen.push(s));
  await page.evaluate(() => {
    const status = document.querySelector('[role="status"]');
    new MutationObserver(() => window.sawStatus(status.textContent)).observe(status, { subtree: true, childList: true, characterData: true });
  });
  await remixButton(page).click();
  const log = page.getByRole("list", { name: "Provider log" });
  await log.getByRole("listitem").first().waitFor({ timeout: 10000 });
  await page.getByRole("img", { name: "Remix result" }).waitFor({ state: "visible", timeout: 20000 });
  assert.ok(seen.some((s) => /^Queued on fal, (next in line|\d+ jobs? ahead)… /.test(s)), seen.join(" | "));
  assert.ok(seen.some((s) => s.startsWith("Running on fal…")), seen.join(" | "));
  assert.ok((await log.getByRole("listitem").count()) >= 2, "the log lines stay after the run");
  assert.match(await page.locator(".result .details").textContent(), /^fal · \d+\.\d s · job \S+$/);

  // AI/ML API reports what it charged.
  await page.getByLabel("Provider", { exact: true }).selectOption("aimlapi");
  await remixButton(page).click();
  await page.waitForFunction(() => /Completed on AI\/ML API/.test(document.querySelector('[role="status"]').textContent));
  assert.match(await page.locator(".result .details").textContent(), /^AI\/ML API · \d+\.\d s · 210,000 credits · job /);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the API key stays for the session unless remembered; Forget removes it", async () => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await first.goto(`${SITE_URL}/`);
  const key = (page) => page.getByLabel("API key", { exact: true });
  await key(first).waitFor({ timeout: 15000 });
  await key(first).fill("sk-session-only");
  // A reload in the same tab keeps it; a new tab does not.
  await first.reload();
  await key(first).waitFor({ timeout: 15000 });
  assert.equal(await key(first).inputValue(), "sk-session-only");
  const second = await context.newPage();
  await second.goto(first.url());
  await key(second).waitFor({ timeout: 15000 });
  assert.equal(await key(second).inputValue(), "");
  await second.close();

  // Remembered, a new tab has it.
  await first.getByLabel("Remember on this device").check();
  const third = await context.newPage();
  await third.goto(first.url());
  await key(third).waitFor({ timeout: 15000 });
  assert.equal(await key(third).inputValue(), "sk-session-only");
  assert.equal(await third.getByLabel("Remember on this device").isChecked(), true);

  // Forget: gone from the field and from every storage.
  await third.getByRole("button", { name: "Forget" }).click();
  assert.equal(await key(third).inputValue(), "");
  const stored = await third.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!stored.includes("sk-session-only"), stored);
  const fourth = await context.newPage();
  await fourth.goto(first.url());
  await key(fourth).waitFor({ timeout: 15000 });
  assert.equal(await key(fourth).inputValue(), "");
  // Never in an address.
  for (const page of context.pages()) assert.ok(!page.url().includes("sk-"), page.url());
  await context.close();
});

test("the page fits a phone and follows the dark colour scheme", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, colorScheme: "dark" });
  const page = await context.newPage();
  await page.goto(`${SITE_URL}/${MOCK_QUERY}`);
  await remixButton(page).waitFor({ timeout: 15000 });
  await page.getByLabel("Add reference images", { exact: true })
    .setInputFiles(["png_rgb_64x48.png", "jpeg_baseline_80x60.jpg"].map(fixture));
  await tile(page, 1).waitFor();
  await page.getByLabel("Prompt", { exact: true }).fill("The cat of <img>0</img> in the room of <img>1</img>");
  const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(width[0] <= width[1], `no sideways scrolling on a phone: ${width}`);
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, "phone-dark.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const brightness = (rgb) => rgb.match(/\d+/g).slice(0, 3).reduce((a, b) => a + Number(b), 0);
  assert.ok(brightness(dark) < 150 && brightness(light) > 600, `dark ${dark}, light ${light}`);
  await context.close();
});
