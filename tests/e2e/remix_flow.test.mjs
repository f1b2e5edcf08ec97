// The web app end to end, against the mock provider: the board (one file
// rejected with its reason), the prompt and its references, a run on a
// synchronous (reve), a queued (fal) and a streaming (inference-sh)
// provider, cancelling, a rate-limited key, reordering, and a reload.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { launch, openSite, tile, fixture, MOCK_URL, ARTIFACTS } from "./browser.mjs";


let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const open = () => openSite(browser);

async function addImages(page, names) {
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles(names.map(fixture));
}

const status = (page) => page.getByRole("status");

/** The URLs of the POSTs (submits) the page sends to `provider` on the mock, reloads included. */
function submitsTo(page, provider) {
  const urls = [];
  page.on("request", (r) => { if (r.method() === "POST" && r.url().startsWith(`${MOCK_URL}/${provider}/`)) urls.push(r.url()); });
  return urls;
}

/** Wait until the status line matches `pattern` (found by its attribute: an empty one is hidden). */
async function waitForStatus(page, pattern, timeout = 10000) {
  await page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.querySelector('[role="status"]')?.textContent ?? ""),
    [pattern.source, pattern.flags],
    { timeout },
  );
}

async function remixOn(page, provider, { key = "" } = {}) {
  await page.getByLabel("Provider", { exact: true }).selectOption(provider);
  await page.getByLabel("API key", { exact: true }).fill(key);
  const remix = page.getByRole("button", { name: "Remix", exact: true });
  await assert.doesNotReject(remix.waitFor({ state: "visible" }));
  assert.equal(await remix.isEnabled(), true, `Remix is enabled (${await page.locator("#remix-reason").textContent()})`);
  await remix.click();
}

async function expectResult(page) {
  const result = page.getByRole("img", { name: "Remix result" });
  await result.waitFor({ state: "visible", timeout: 20000 });
  // The image really decoded.
  await page.waitForFunction(() => {
    const img = document.querySelector('img[alt="Remix result"]');
    return img && img.complete && img.naturalWidth > 0;
  }, null, { timeout: 10000 });
  const download = page.getByRole("link", { name: "Download", exact: true });
  const name = await download.getAttribute("download");
  assert.match(name, /^reve-remix-[a-z-]+-\d{8}-\d{6}\.(png|jpg|webp)$/);
  assert.match(await status(page).textContent(), /Completed on/);
}

test("the board takes three files and rejects a GIF with its reason", async () => {
  const { page, problems } = await open();
  // The app opens on fal with Reve 2.1; Reve's limits are the ones shown here.
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  await addImages(page, ["png_rgb_64x48.png", "notes.gif", "jpeg_baseline_80x60.jpg"]);
  await tile(page, 1).waitFor();
  await tile(page, 0).waitFor();
  assert.equal(await tile(page, 2).count(), 0, "the GIF did not join the board");
  const alert = page.getByRole("alert");
  await alert.getByText("notes.gif").waitFor();
  assert.match(await alert.textContent(), /notes\.gif.*GIF/s);
  // Tiles name their file, format and size.
  assert.match(await page.locator(".tile").first().textContent(), /png_rgb_64x48\.png.*PNG.*64 × 48/s);
  assert.equal(await page.getByRole("button", { name: "Remove reference 1" }).count(), 1);
  // Reve takes no HEIF (its own SDK's sniffer): the file is refused with the reason...
  await addImages(page, ["heic_64x40.heic"]);
  await alert.getByText("heic_64x40.heic is HEIF; Reve does not take HEIF").waitFor();
  assert.equal(await tile(page, 2).count(), 0, "the HEIC did not join Reve's board");
  // ...fal takes it. An HEIC tile (Chromium cannot decode it) still shows its format and size.
  await page.getByLabel("Provider", { exact: true }).selectOption("fal");
  await addImages(page, ["heic_64x40.heic"]);
  await page.waitForFunction(() => /HEIF.*64 × 40/s.test(
    [...document.querySelectorAll('[role="img"]')].find((e) => e.getAttribute("aria-label") === "Reference 2" && !e.hidden)?.textContent ?? ""),
    null, { timeout: 5000 });
  assert.match(await tile(page, 2).textContent(), /no preview in this browser/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a remix on Reve (synchronous) shows the result and a Download link", async () => {
  const { page, problems } = await open();
  // The app opens on fal with Reve 2.1; this run is on Reve (<img>N</img>, 2,560 characters).
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  await addImages(page, ["png_rgb_64x48.png", "jpeg_baseline_80x60.jpg"]);
  await tile(page, 1).waitFor();
  const prompt = page.getByLabel("Prompt", { exact: true });
  await prompt.fill("Put the cat of ");
  await page.getByRole("button", { name: "Insert reference 0 into prompt" }).click();
  await prompt.press("End");
  await prompt.pressSequentially(" in the room of <img>1</img>");
  assert.equal(await prompt.inputValue(), "Put the cat of <img>0</img> in the room of <img>1</img>");
  assert.match(await page.locator("#prompt-count").textContent(), /^55 \/ 2560$/);
  const chips = page.getByRole("list", { name: "References in the prompt" });
  assert.match(await chips.textContent(), /<img>0<\/img> → png_rgb_64x48\.png/);
  await remixOn(page, "reve");
  await expectResult(page);
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, "finished-flow.png"), fullPage: true });
  // The board and the prompt are still there.
  assert.equal(await prompt.inputValue(), "Put the cat of <img>0</img> in the room of <img>1</img>");
  await tile(page, 1).waitFor();
  // "Copy image" puts it on the clipboard as a PNG of the same size.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(page.url()).origin });
  await page.getByRole("button", { name: "Copy image" }).click();
  await page.getByText("Copied to the clipboard.").waitFor();
  const copied = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read();
    const bitmap = await createImageBitmap(await item.getType("image/png"));
    const shown = document.querySelector('img[alt="Remix result"]');
    return [item.types.join(), bitmap.width === shown.naturalWidth && bitmap.height === shown.naturalHeight];
  });
  assert.deepEqual(copied, ["image/png", true]);
  // The result goes back onto the board as reference 2.
  await page.getByRole("button", { name: "Use as reference" }).click();
  await tile(page, 2).waitFor();
  assert.match(await page.locator(".tile").nth(2).textContent(), /reve-remix-reve-.*PNG/s);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a second remix (Ctrl+Enter) keeps the first among the earlier results, and a reload keeps both", async () => {
  const { page, problems } = await open();
  await addImages(page, ["png_rgb_64x48.png"]);
  await tile(page, 0).waitFor();
  await page.getByLabel("Prompt", { exact: true }).fill("Paint <img>0</img> in ink");
  await remixOn(page, "reve");
  await expectResult(page);
  const resultSrc = () => page.getByRole("img", { name: "Remix result" }).getAttribute("src");
  const first = await resultSrc();
  await page.getByLabel("Prompt", { exact: true }).fill("Paint <img>0</img> in watercolour");
  // Ctrl+Enter in the prompt remixes, without reaching for the button.
  await page.getByLabel("Prompt", { exact: true }).press("Control+Enter");
  await page.waitForFunction((old) => {
    const img = document.querySelector('img[alt="Remix result"]');
    return img.getAttribute("src") !== old && img.complete && img.naturalWidth > 0;
  }, first, { timeout: 20000 });
  const earlier = page.getByRole("list", { name: "Earlier results" });
  assert.equal(await earlier.getByRole("listitem").count(), 1);
  // Each result says which prompt made it.
  const usedPrompt = () => page.locator(".result > .used-prompt").textContent();
  assert.equal(await usedPrompt(), "From the prompt: Paint <img>0</img> in watercolour");
  assert.match(await earlier.getByRole("listitem").first().textContent(), /Paint <img>0<\/img> in ink/);
  assert.match(await page.getByRole("link", { name: "Download earlier result 1" }).getAttribute("download"), /^reve-remix-reve-\d{8}-\d{6}\.png$/);
  // Shown again, the first result swaps places with the second.
  const second = await resultSrc();
  await page.getByRole("button", { name: "Show earlier result 1" }).click();
  assert.equal(await resultSrc(), first);
  assert.equal(await usedPrompt(), "From the prompt: Paint <img>0</img> in ink");
  assert.equal(await page.getByRole("link", { name: "Download earlier result 1" }).getAttribute("href"), second);
  // The result dragged back onto the board joins it, as "Use as reference" would
  // (a tall window: a drag needs both ends on screen).
  await page.setViewportSize({ width: 1280, height: 2400 });
  await page.getByRole("img", { name: "Remix result" }).dragTo(page.getByRole("region", { name: "Reference images" }));
  await tile(page, 1).waitFor();
  assert.equal(await page.locator(".tile-name").nth(1).textContent(),
    await page.getByRole("link", { name: "Download", exact: true }).getAttribute("download"));
  // Both survive a reload (their bytes are in IndexedDB; the object URLs are new).
  await page.waitForFunction(() => new Promise((resolve) => {
    const open = indexedDB.open("reve-remix");
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      const all = db.transaction("records").objectStore("records").getAll();
      all.onerror = () => { db.close(); resolve(false); };
      all.onsuccess = () => {
        db.close();
        resolve(all.result.some((v) => Array.isArray(v) && v.length === 1 && v[0].file_name));
      };
    };
  }), null, { timeout: 10000 });
  await page.screenshot({ path: join(ARTIFACTS, "earlier-results.png"), fullPage: true });
  await page.reload();
  await page.getByRole("img", { name: "Remix result" }).waitFor({ state: "visible", timeout: 15000 });
  await earlier.getByRole("listitem").first().waitFor({ timeout: 15000 });
  await page.waitForFunction(() => [...document.querySelectorAll(".earlier img, img[alt='Remix result']")]
    .every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 10000 });
  assert.equal(await earlier.getByRole("listitem").count(), 1);
  assert.equal(await usedPrompt(), "From the prompt: Paint <img>0</img> in ink");
  assert.match(await earlier.getByRole("listitem").first().textContent(), /in watercolour/);
  assert.deepEqual(problems, []);
  await page.close();
});

for (const [provider, kind] of [["fal", "queued"], ["inference-sh", "streaming"]]) {
  test(`a remix on ${provider} (${kind}) shows the result`, async () => {
    const { page, problems } = await open();
    await addImages(page, ["png_rgb_64x48.png", "webp_lossy_70x50.webp"]);
    await tile(page, 1).waitFor();
    await page.getByLabel("Prompt", { exact: true }).fill("Blend <img>0</img> with <img>1</img>");
    await remixOn(page, provider);
    await page.getByRole("button", { name: "Cancel" }).waitFor({ timeout: 5000 });
    await expectResult(page);
    assert.equal(await page.getByRole("button", { name: "Cancel" }).count(), 0);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test("Copy image turns a JPEG result into the PNG a clipboard takes", async () => {
  const { page, problems } = await open();
  await addImages(page, ["png_rgb_64x48.png"]);
  await tile(page, 0).waitFor();
  await page.getByLabel("Prompt", { exact: true }).fill("Sketch <img>0</img>");
  await page.getByLabel("Provider", { exact: true }).selectOption("fal");
  await page.getByLabel("Output format", { exact: true }).selectOption("jpeg");
  await remixOn(page, "fal");
  await expectResult(page);
  assert.match(await page.getByRole("link", { name: "Download", exact: true }).getAttribute("download"), /\.jpg$/);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(page.url()).origin });
  await page.getByRole("button", { name: "Copy image" }).click();
  await page.getByText("Copied to the clipboard.").waitFor();
  const copied = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read();
    const png = await item.getType("image/png");
    const head = new Uint8Array(await png.slice(0, 4).arrayBuffer());
    const bitmap = await createImageBitmap(png);
    const shown = document.querySelector('img[alt="Remix result"]');
    return [String.fromCharCode(...head.slice(1)), bitmap.width === shown.naturalWidth && bitmap.height === shown.naturalHeight];
  });
  assert.deepEqual(copied, ["PNG", true]);
  assert.deepEqual(problems, []);
  await page.close();
});

test("Cancel stops a running job and keeps the board and the prompt", async () => {
  const { page } = await open();
  await addImages(page, ["png_rgb_64x48.png"]);
  await tile(page, 0).waitFor();
  await page.getByLabel("Prompt", { exact: true }).fill("A poster of <img>0</img>");
  await remixOn(page, "fal", { key: "mock-stuck" });
  await waitForStatus(page, /Queued|Running/);
  await page.getByRole("button", { name: "Cancel" }).click();
  await waitForStatus(page, /Cancelled/);
  assert.equal(await page.getByLabel("Prompt", { exact: true }).inputValue(), "A poster of <img>0</img>");
  await tile(page, 0).waitFor();
  assert.equal(await page.getByRole("img", { name: "Remix result" }).count(), 0);
  await page.close();
});

test("a rate-limited key (mock-429) says how long to wait", async () => {
  const { page } = await open();
  await addImages(page, ["png_rgb_64x48.png"]);
  await tile(page, 0).waitFor();
  await page.getByLabel("Prompt", { exact: true }).fill("A poster of <img>0</img>");
  await remixOn(page, "reve", { key: "mock-429" });
  // While the core waits out the Retry-After (2 s), the status counts it down.
  await waitForStatus(page, /rate limit\): trying again in [12] s/);
  await waitForStatus(page, /Failed/, 30000);
  const text = await status(page).textContent();
  assert.match(text, /rate limit/i);
  assert.match(text, /retry after 2 s/);
  assert.doesNotMatch(text, /rate_limited/, "no raw code");
  // Nothing was lost.
  assert.equal(await page.getByLabel("Prompt", { exact: true }).inputValue(), "A poster of <img>0</img>");
  await page.close();
});

test("a reload during a queued job follows the same job to its result", async () => {
  const { page, problems } = await open();
  const submits = submitsTo(page, "fal");
  await addImages(page, ["png_rgb_64x48.png"]);
  await tile(page, 0).waitFor();
  await page.getByLabel("Prompt", { exact: true }).fill("A poster of <img>0</img>\nin red");
  // mock-slow: the fal job takes 16 s.
  await remixOn(page, "fal", { key: "mock-slow" });
  await waitForStatus(page, /Queued|Running/);
  await page.reload();
  // Followed again at once, without pressing Remix, and never sent twice.
  await waitForStatus(page, /Queued|Running/);
  assert.equal(await page.getByRole("button", { name: "Cancel" }).isVisible(), true);
  // The result names the job's prompt, whatever the field holds by then.
  await page.getByLabel("Prompt", { exact: true }).fill("Something else");
  await expectResult(page);
  assert.equal(submits.length, 1, submits.join("\n"));
  assert.equal(await page.locator(".result > .used-prompt").textContent(), "From the prompt: A poster of <img>0</img>\nin red");
  // Done: another reload does not follow it again.
  await page.reload();
  await page.getByRole("img", { name: "Remix result" }).waitFor({ timeout: 15000 });
  await waitForStatus(page, /Completed on fal/);
  assert.equal(submits.length, 1, "the finished job is not followed or sent again");
  assert.equal(await page.getByRole("button", { name: "Cancel" }).isVisible(), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test("when the network drops after the provider accepted the job, a reload still gets its result", async () => {
  const { page, problems } = await open();
  const submits = submitsTo(page, "fal");
  // The submit goes through; every read after it fails as if offline.
  await page.route(`${MOCK_URL}/fal/**`, (route) =>
    route.request().method() === "POST" ? route.continue() : route.abort("internetdisconnected"));
  await addImages(page, ["png_rgb_64x48.png"]);
  await tile(page, 0).waitFor();
  await page.getByLabel("Prompt", { exact: true }).fill("A poster of <img>0</img>");
  await remixOn(page, "fal");
  // The core retries the reads for about 31 s, then gives up and says what to do.
  await waitForStatus(page, /Failed/, 60000);
  const text = await status(page).textContent();
  assert.match(text, /reload the page to look at it again/, text);
  assert.doesNotMatch(text, /Retrying in a little while/, "a new run would be a new job");
  await page.unroute(`${MOCK_URL}/fal/**`);
  // The failed-load console errors of the offline reads are expected here.
  problems.length = 0;
  await page.reload();
  await expectResult(page);
  assert.equal(submits.length, 1, "one job, paid once");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a provider that browsers cannot reach asks for a Proxy URL, which a reload keeps", async () => {
  const { page, problems } = await open();
  await page.getByLabel("Use the local mock provider").uncheck();
  await page.getByLabel("Provider", { exact: true }).selectOption("replicate");
  const warning = page.getByText("Replicate does not answer requests from a browser");
  await warning.waitFor();
  const proxy = page.getByLabel("Proxy URL", { exact: true });
  assert.equal(await proxy.isVisible(), true, "Advanced opens by itself");
  await proxy.fill("https://proxy.example.com/remix");
  await warning.waitFor({ state: "hidden" });
  // A proxy adds the key: none is asked for.
  assert.equal(await page.locator("#key-problem").textContent(), "");
  await page.reload();
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
  assert.equal(await page.getByLabel("Proxy URL", { exact: true }).inputValue(), "https://proxy.example.com/remix");
  assert.deepEqual(problems, []);
  await page.close();
});

test("reordering and removing tiles renumber the prompt; a reload keeps the work", async () => {
  const { page, problems } = await open();
  await addImages(page, ["png_rgb_64x48.png", "jpeg_baseline_80x60.jpg", "webp_lossy_70x50.webp"]);
  await tile(page, 2).waitFor();
  const prompt = page.getByLabel("Prompt", { exact: true });
  await prompt.fill("<img>0</img> on <img>1</img> under <img>2</img>");
  // By keyboard: focus the button and press Enter.
  await page.getByRole("button", { name: "Move reference 0 right" }).focus();
  await page.keyboard.press("Enter");
  assert.equal(await prompt.inputValue(), "<img>1</img> on <img>0</img> under <img>2</img>");
  assert.match(await page.locator(".tile").nth(1).textContent(), /png_rgb_64x48\.png/);
  // Removing the last image flags the reference instead of dropping it.
  await page.getByRole("button", { name: "Remove reference 2" }).click();
  assert.equal(await prompt.inputValue(), "<img>1</img> on <img>0</img> under <img>2</img>");
  await page.getByText("refers to an image that was removed").waitFor();
  assert.equal(await page.getByRole("button", { name: "Remix", exact: true }).isEnabled(), false);
  await prompt.fill("<img>1</img> on <img>0</img>");
  assert.equal(await page.getByRole("button", { name: "Remix", exact: true }).isEnabled(), true);
  // Removing image 0 moves image 1 down; Undo puts both back as they were.
  await page.getByRole("button", { name: "Remove reference 0" }).click();
  assert.equal(await prompt.inputValue(), "<img>0</img> on <img>0</img>");
  await page.getByRole("button", { name: "Undo removing jpeg_baseline_80x60.jpg" }).click();
  assert.equal(await prompt.inputValue(), "<img>1</img> on <img>0</img>");
  assert.match(await page.locator(".tile").nth(0).textContent(), /jpeg_baseline_80x60\.jpg/);
  await page.getByRole("button", { name: "Remove reference 0" }).click();
  assert.equal(await prompt.inputValue(), "<img>0</img> on <img>0</img>");
  // A reload keeps the prompt, the options and the board.
  await page.getByLabel("Provider", { exact: true }).selectOption("fal");
  await page.reload();
  await tile(page, 0).waitFor({ timeout: 15000 });
  assert.equal(await prompt.inputValue(), "<img>0</img> on <img>0</img>");
  assert.equal(await page.getByLabel("Provider", { exact: true }).inputValue(), "fal");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a direct call that cannot connect says the browser may block it and points to the proxy", async () => {
  const { page } = await open();
  await addImages(page, ["png_rgb_64x48.png"]);
  await page.getByLabel("Prompt", { exact: true }).fill("the scene of <img>0</img> in ink");
  await page.getByLabel("Use the local mock provider").uncheck();
  // Nothing listens on port 9 of loopback: the call fails as a blocked one does.
  await page.locator("summary", { hasText: "Advanced" }).click();
  await page.getByLabel("Base URL", { exact: true }).fill("http://127.0.0.1:9/reve");
  await remixOn(page, "reve", { key: "sk-not-a-real-key" });
  await waitForStatus(page, /^Failed: /, 20000);
  const text = await status(page).textContent();
  assert.match(text, /Reve may not answer calls from web pages \(CORS\)/, text);
  assert.match(text, /tick "Through the proxy"/, text);
  assert.doesNotMatch(text, /sk-not-a-real-key/, "no key in a message");
  await page.close();
});
