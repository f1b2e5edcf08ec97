// The site's app in parts (issue 25): the first screen's wasm, then the
// run's chunk (dist/split-run-*.wasm), fetched by the page itself once it is
// usable. A person never waits on it, and a chunk that cannot be fetched
// loses nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launch, openAppIn, tile, fixture, MOCK_QUERY, MOCK_URL } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CHUNK = "**/split-run-*.wasm";

const statusMatches = (page, re, timeout = 20000) =>
  page.waitForFunction(
    ([s, f]) => new RegExp(s, f).test(document.querySelector('[role="status"]')?.textContent ?? ""),
    [re.source, re.flags],
    { timeout },
  );

async function remixOnMock(page, key = "mock-key") {
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await tile(page, 0).waitFor();
  await page.getByLabel("Prompt", { exact: true }).fill("the cat from <img>0</img> in ink");
  await page.getByLabel("Provider", { exact: true }).selectOption("fal");
  await page.getByLabel("API key", { exact: true }).fill(key);
  await page.getByRole("button", { name: "Remix", exact: true }).click();
}

test("the page is usable before the run's chunk arrives, fetches it by itself, and then runs", async () => {
  const page = await browser.newPage();
  let release;
  const held = new Promise((r) => { release = r; });
  let asked = 0;
  await page.route(CHUNK, async (route) => {
    asked += 1;
    await held;
    await route.continue();
  });
  const { problems } = await openAppIn(page, MOCK_QUERY);
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ state: "visible", timeout: 15000 });
  // Usable, and asking for the chunk on its own, while it is held back:
  // the person picks an image and writes the prompt meanwhile.
  for (let i = 0; asked === 0 && i < 200; i++) await page.waitForTimeout(50);
  assert.equal(asked, 1, "the page asked for the run's chunk on its own");
  const reply = remixOnMock(page);
  await tile(page, 0).waitFor();
  release();
  await reply;
  await statusMatches(page, /Completed on fal/);
  assert.equal(asked, 1, "fetched once, not again for the run");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a run whose chunk cannot be fetched says so, keeps the board and the prompt, and works on the next Remix", async () => {
  const page = await browser.newPage();
  await page.route(CHUNK, (route) => route.abort("internetdisconnected"));
  await openAppIn(page, MOCK_QUERY);
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ state: "visible", timeout: 15000 });
  await remixOnMock(page);
  await statusMatches(page, /^Failed: Part of this app could not be loaded, so nothing was sent/);
  const text = await page.getByRole("status").textContent();
  assert.doesNotMatch(text, /CORS/, "not mistaken for a provider that cannot be reached");
  assert.equal(await page.getByLabel("Prompt", { exact: true }).inputValue(), "the cat from <img>0</img> in ink");
  assert.equal(await tile(page, 0).count(), 1);

  await page.unroute(CHUNK);
  await page.getByRole("button", { name: "Remix", exact: true }).click();
  await statusMatches(page, /Completed on fal/);
  await page.close();
});

test("a reload that cannot fetch the run's chunk keeps the paid job for the next one, which follows it", async () => {
  const page = await browser.newPage();
  const submits = [];
  page.on("request", (r) => { if (r.method() === "POST" && r.url().startsWith(`${MOCK_URL}/fal/`)) submits.push(r.url()); });
  await openAppIn(page, MOCK_QUERY);
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ state: "visible", timeout: 15000 });
  // mock-slow: the fal job takes 16 s.
  await remixOnMock(page, "mock-slow");
  await statusMatches(page, /Queued|Running/);

  await page.route(CHUNK, (route) => route.abort("internetdisconnected"));
  await page.reload();
  await statusMatches(page, /^Failed: Part of this app could not be loaded, so the job the provider accepted could not be followed/);
  assert.doesNotMatch(await page.getByRole("status").textContent(), /press Remix again/, "a second Remix would pay twice");

  await page.unroute(CHUNK);
  await page.reload();
  await statusMatches(page, /Completed on fal/, 40000);
  assert.equal(submits.length, 1, submits.join("\n"));
  await page.close();
});

const VIEWS = "**/split-views-*.wasm";

/** Hold back `page`'s requests for `pattern` until the returned function is called. */
async function holdBack(page, pattern) {
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(pattern, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

// How many images the board kept in IndexedDB holds (0 before any is kept).
const keptImages = (page) => page.evaluate(() => new Promise((resolve) => {
  const open = indexedDB.open("reve-remix");
  // Never create the app's database here (the app would find it without its store).
  open.onupgradeneeded = () => open.transaction.abort();
  open.onerror = () => resolve(0);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("records")) { db.close(); resolve(0); return; }
    const all = db.transaction("records").objectStore("records").getAll();
    all.onerror = () => { db.close(); resolve(0); };
    all.onsuccess = () => {
      db.close();
      resolve(Math.max(0, ...all.result.filter(Array.isArray).map((v) => v.length)));
    };
  };
}));

async function untilKept(page, n) {
  for (let i = 0; (await keptImages(page)) < n; i++) {
    assert.ok(i < 100, `the board's ${n} image(s) reach IndexedDB within 10 s`);
    await page.waitForTimeout(100);
  }
}

test("the settings panel says it is busy while its chunk is on its way, and a reload's kept board comes with it", async () => {
  const page = await browser.newPage();
  const { problems } = await openAppIn(page, MOCK_QUERY);
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await tile(page, 0).waitFor({ timeout: 15000 });
  await untilKept(page, 1);

  const release = await holdBack(page, VIEWS);
  await page.reload();
  const remix = page.getByRole("button", { name: "Remix", exact: true });
  await remix.waitFor({ state: "visible", timeout: 15000 });
  const settings = page.getByRole("complementary", { name: "Provider and options" });
  assert.equal(await settings.getAttribute("aria-busy"), "true", "busy while its pickers are on their way");
  release();
  await page.getByLabel("Provider", { exact: true }).waitFor({ timeout: 15000 });
  await page.waitForFunction(() => !document.querySelector("aside.settings").hasAttribute("aria-busy"));
  await tile(page, 0).waitFor({ timeout: 15000 });
  assert.equal(await page.locator(".tile").count(), 1, "the kept image came back, once");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a page whose panels' chunk cannot be fetched says so, and the kept board waits for the next load", async () => {
  const page = await browser.newPage();
  await openAppIn(page, MOCK_QUERY);
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await tile(page, 0).waitFor({ timeout: 15000 });
  await untilKept(page, 1);

  await page.route(VIEWS, (route) => route.abort("internetdisconnected"));
  await page.reload();
  const settings = page.getByRole("complementary", { name: "Provider and options" });
  await settings.getByRole("alert").filter({ hasText: "could not be loaded" }).waitFor({ timeout: 15000 });
  assert.equal(await settings.getAttribute("aria-busy"), null, "no longer busy once it says why");
  assert.equal(await keptImages(page), 1, "nothing kept was touched");

  await page.unroute(VIEWS);
  await page.reload();
  await tile(page, 0).waitFor({ timeout: 15000 });
  await page.getByLabel("Provider", { exact: true }).waitFor({ timeout: 15000 });
  await page.close();
});

test("a job the provider accepts before the views' chunk arrives is kept once it does, and a reload follows it", async () => {
  const page = await browser.newPage();
  const submits = [];
  page.on("request", (r) => { if (r.method() === "POST" && r.url().startsWith(`${MOCK_URL}/fal/`)) submits.push(r.url()); });
  await openAppIn(page, MOCK_QUERY);
  // The provider and the key, kept by this session for the next load.
  await page.getByLabel("Provider", { exact: true }).selectOption("fal");
  await page.getByLabel("API key", { exact: true }).fill("mock-slow");
  const keptJob = () => page.evaluate(() => sessionStorage.getItem("reve-remix.job"));

  const release = await holdBack(page, VIEWS);
  await page.reload();
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ state: "visible", timeout: 15000 });
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await page.getByLabel("Prompt", { exact: true }).fill("the cat from <img>0</img> in ink");
  // The tiles come with that chunk too; the file is on the board all the same.
  await page.waitForFunction(() => document.querySelector("#remix-reason").textContent === "", null, { timeout: 15000 });
  assert.equal(await page.locator(".tile").count(), 0, "no tile before the views' chunk");
  const accepted = page.waitForResponse((r) => r.request().method() === "POST" && r.url().startsWith(`${MOCK_URL}/fal/`));
  await page.getByRole("button", { name: "Remix", exact: true }).click();
  await accepted;
  await statusMatches(page, /Queued|Running/);
  assert.equal(await keptJob(), null, "nothing keeps jobs before the chunk is there");

  release();
  await page.getByLabel("Provider", { exact: true }).waitFor({ timeout: 15000 });
  await tile(page, 0).waitFor({ timeout: 15000 });
  await page.waitForFunction(() => sessionStorage.getItem("reve-remix.job") !== null, null, { timeout: 15000 });
  await page.unroute(VIEWS);
  await page.reload();
  await statusMatches(page, /Completed on fal/, 40000);
  assert.equal(submits.length, 1, submits.join("\n"));
  await page.close();
});

const READ = "**/split-read-*.wasm";
const reason = (page) => page.locator("#remix-reason").textContent();

test("Remix waits for the input's checks, which come with the header reader's chunk, and the estimate with them", async () => {
  const page = await browser.newPage();
  const release = await holdBack(page, READ);
  const { problems } = await openAppIn(page, MOCK_QUERY);
  const remix = page.getByRole("button", { name: "Remix", exact: true });
  await remix.waitFor({ state: "visible", timeout: 15000 });
  await page.getByLabel("Provider", { exact: true }).waitFor({ timeout: 15000 });
  assert.match(await reason(page), /^Part of this page is still loading/);
  assert.ok(await remix.isDisabled(), "no run before the input is checked");
  assert.equal(await page.locator("#remix-cost").textContent(), "", "no estimate before the checks");
  assert.equal(await page.locator("#images-problem").textContent(), "", "no control has a problem yet");

  release();
  await page.waitForFunction(() => !/still loading/.test(document.querySelector("#remix-reason").textContent));
  assert.match(await reason(page), /image/i, "the empty board is why Remix waits now");
  await page.waitForFunction(() => document.querySelector("#remix-cost").textContent !== "");
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await tile(page, 0).waitFor({ timeout: 15000 });
  await page.getByLabel("Prompt", { exact: true }).fill("the cat from <img>0</img> in ink");
  await page.waitForFunction(() => document.querySelector("#remix-reason").textContent === "");
  assert.ok(await remix.isEnabled());
  assert.deepEqual(problems, []);
  await page.close();
});

test("a file added while the header reader's chunk cannot be fetched is turned away saying so, and added the next time", async () => {
  const page = await browser.newPage();
  await page.route(READ, (route) => route.abort("internetdisconnected"));
  await openAppIn(page, MOCK_QUERY);
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ state: "visible", timeout: 15000 });
  const input = page.getByLabel("Add reference images", { exact: true });
  await input.setInputFiles([fixture("png_rgb_64x48.png")]);
  await page.getByRole("alert").filter({ hasText: "png_rgb_64x48.png was not checked" }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator(".tile").count(), 0);

  assert.match(await reason(page), /^Part of this page is still loading/, "the input could not be checked");

  await page.unroute(READ);
  await input.setInputFiles([fixture("jpeg_baseline_80x60.jpg")]);
  await tile(page, 0).waitFor({ timeout: 15000 });
  assert.match(await page.locator(".tile").first().textContent(), /jpeg_baseline_80x60\.jpg/);
  // The chunk the add fetched checks the input too: Remix waits on the prompt now.
  await page.getByLabel("Prompt", { exact: true }).fill("the cat from <img>0</img> in ink");
  await page.waitForFunction(() => document.querySelector("#remix-reason").textContent === "");
  await page.close();
});

test("checks whose chunk could not be fetched are fetched again by themselves, with no file added", async () => {
  const page = await browser.newPage();
  let refused = 0;
  await page.route(READ, (route) => {
    refused += 1;
    return route.abort("internetdisconnected");
  });
  await openAppIn(page, MOCK_QUERY);
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ state: "visible", timeout: 15000 });
  // Every ask fails: as it mounts (to judge), once it is painted (the preload), and the judging's own retry.
  for (let waited = 0; refused < 2 && waited < 15000; waited += 100) await page.waitForTimeout(100);
  assert.ok(refused >= 2, `the page asked again for the header reader's chunk (${refused} asks)`);
  assert.match(await reason(page), /^Part of this page is still loading/);

  // The link comes back: nothing the person does fetches the chunk, yet the page checks its input.
  await page.unroute(READ);
  await page.waitForFunction(() => !/still loading/.test(document.querySelector("#remix-reason").textContent), null, {
    timeout: 20000,
  });
  assert.match(await reason(page), /image/i, "the empty board is why Remix waits now");
  await page.close();
});

test("a shrink whose chunk cannot be fetched says so on its entry, and shrinks the next time", async () => {
  const FIT = "**/split-fit-*.wasm";
  const page = await browser.newPage();
  await page.route(FIT, (route) => route.abort("internetdisconnected"));
  await openAppIn(page, MOCK_QUERY);
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ state: "visible", timeout: 15000 });
  // A real PNG padded past the 1.5 MB limit: the browser decodes it, so it can be shrunk.
  const big = Buffer.alloc(1_600_000);
  (await readFile(fixture("png_rgb_64x48.png"))).copy(big);
  const input = page.getByLabel("Add reference images", { exact: true });
  await input.setInputFiles([{ name: "big.png", mimeType: "image/png", buffer: big }]);
  await page.getByRole("button", { name: "Shrink and add big.png" }).click();
  await page.getByRole("alert").filter({ hasText: "big.png" }).filter({ hasText: "was not re-encoded" }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator(".tile").count(), 0);

  await page.unroute(FIT);
  await input.setInputFiles([{ name: "big.png", mimeType: "image/png", buffer: big }]);
  await page.getByRole("button", { name: "Shrink and add big.png" }).click();
  await tile(page, 0).waitFor({ timeout: 15000 });
  assert.equal(await page.locator(".tile").count(), 1);
  await page.close();
});
