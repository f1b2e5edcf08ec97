// A reload keeps the work: a board of more than 5 MB of images (more than
// sessionStorage takes), their names and order, the prompt, and the result
// of a paid remix (IndexedDB, per tab session); and the settings and a
// remembered key an earlier version kept as JSON.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, openApp, openAppIn, tile, FIXTURES, MOCK_QUERY as MOCK } from "./browser.mjs";

const SIZE = 1_400_000;

let browser;
let dir;
before(async () => {
  browser = await launch();
  dir = await mkdtemp(join(tmpdir(), "reve-remix-persist-"));
});
after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Four PNGs of ~1.4 MB each: a real PNG's bytes, padded after IEND (the
// core reads headers only; the provider takes up to 1.5 MB).
async function bigImages() {
  const png = await readFile(join(FIXTURES, "png_rgb_64x48.png"));
  const paths = [];
  for (let i = 0; i < 4; i++) {
    const bytes = Buffer.alloc(SIZE, i + 1);
    png.copy(bytes);
    const path = join(dir, `big-${i}.png`);
    await writeFile(path, bytes);
    paths.push(path);
  }
  return paths;
}

// The app writes IndexedDB asynchronously: wait until the board (four
// images) and the result are stored before reloading.
async function waitForStored(page) {
  const deadline = Date.now() + 15000;
  while (!(await stored(page))) {
    assert.ok(Date.now() < deadline, "the board and the result reach IndexedDB within 15 s");
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stored(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open("reve-remix");
    // Never create the app's database here (the app would find it without its store).
    open.onupgradeneeded = () => open.transaction.abort();
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("records")) { db.close(); resolve(false); return; }
      const all = db.transaction("records").objectStore("records").getAll();
      all.onerror = () => { db.close(); resolve(false); };
      all.onsuccess = () => {
        db.close();
        const values = all.result;
        const board = values.some((v) => Array.isArray(v) && v.length === 4);
        const result = values.some((v) => v && !Array.isArray(v) && v.file_name);
        resolve(board && result);
      };
    };
  }));
}

test("a reload keeps a board of more than 5 MB, the prompt and the result", async () => {
  const files = await bigImages();
  const { page, problems } = await openApp(browser, MOCK);
  const remix = page.getByRole("button", { name: "Remix", exact: true });
  await remix.waitFor({ timeout: 15000 });
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles(files);
  await tile(page, 3).waitFor({ timeout: 15000 });
  const prompt = page.getByLabel("Prompt", { exact: true });
  const text = "<img>0</img> and <img>1</img> beside <img>2</img> under <img>3</img>";
  await prompt.fill(text);
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  await page.getByLabel("API key", { exact: true }).fill("");
  assert.equal(await remix.isEnabled(), true, `Remix is enabled (${await page.locator("#remix-reason").textContent()})`);
  await remix.click();
  await page.getByRole("img", { name: "Remix result" }).waitFor({ state: "visible", timeout: 20000 });
  const download = page.getByRole("link", { name: "Download", exact: true });
  const fileName = await download.getAttribute("download");
  assert.match(fileName, /^reve-remix-[a-z-]+-\d{8}-\d{6}\.(png|jpg|webp)$/);
  const details = await page.locator(".result .details").textContent();
  await waitForStored(page);

  await page.reload();
  await tile(page, 3).waitFor({ timeout: 15000 });
  for (let i = 0; i < 4; i++) {
    assert.match(await page.locator(".tile").nth(i).textContent(), new RegExp(`big-${i}\\.png`), `tile ${i} is big-${i}.png`);
    await tile(page, i).waitFor();
  }
  assert.equal(await page.locator(".tile").count(), 4);
  assert.equal(await prompt.inputValue(), text);
  const result = page.getByRole("img", { name: "Remix result" });
  await result.waitFor({ state: "visible", timeout: 15000 });
  await page.waitForFunction(() => {
    const img = document.querySelector('img[alt="Remix result"]');
    return img && img.complete && img.naturalWidth > 0;
  }, null, { timeout: 10000 });
  assert.equal(await download.getAttribute("download"), fileName);
  assert.ok(await download.getAttribute("href"), "Download has an address");
  assert.equal(await page.locator(".result .details").textContent(), details);
  assert.match(await page.getByRole("status").textContent(), /^Completed on Reve in \d/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("settings and a remembered key an earlier version kept as JSON come back, kept as lines from then on", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // An earlier version's storage, there before the app's first script runs.
  await page.addInitScript(() => {
    if (sessionStorage.getItem("seeded")) return;
    sessionStorage.setItem("seeded", "1");
    sessionStorage.setItem("reve-remix.options", JSON.stringify({
      provider: "fal", mock: true, base_url: "", proxy_url: "",
      options: { aspect_ratio: "", version: "", test_time_scaling: "", upscale_factor: "", remove_background: false, output_format: "" },
      models: [], compare: [],
    }));
    localStorage.setItem("reve-remix.key", JSON.stringify({ fal: "sk-earlier" }));
  });
  const { problems } = await openAppIn(page, MOCK);
  const key = page.getByLabel("API key", { exact: true });
  const cameBack = async () => {
    await key.waitFor({ timeout: 15000 });
    await page.waitForFunction(() => {
      const field = [...document.querySelectorAll("input")].find((i) => i.value === "sk-earlier");
      return field && document.querySelector("#provider")?.value === "fal";
    }, null, { timeout: 15000 });
    assert.equal(await page.getByLabel("Provider", { exact: true }).inputValue(), "fal");
    assert.equal(await key.inputValue(), "sk-earlier");
    assert.equal(await page.getByLabel("Remember on this device").isChecked(), true);
  };
  await cameBack();
  // Kept as this version writes them, which its first screen reads.
  await page.waitForFunction(() => sessionStorage.getItem("reve-remix.options")?.startsWith("reve-remix/2\n")
    && localStorage.getItem("reve-remix.key")?.startsWith("reve-remix/2\n"), null, { timeout: 15000 });
  await page.reload();
  await cameBack();
  assert.deepEqual(problems, []);
  await context.close();
});
