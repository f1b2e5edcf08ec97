// "Model" beside "Provider", end to end against the mock: the app opens on
// fal with Reve 2.1 (eight references, written <frame>N</frame>), with
// guidance rather than errors on a form nobody touched; a comparison puts
// fal's Reve 2.1 beside inference.sh's Reve Remix through the proxy, each
// card naming its model and cost; a reload mid-run follows each card's job
// on its own model.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp, openSite, fixture, MOCK_URL, MOCK_QUERY, PROXY_URL, SITE_URL } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const card = (page, name) => page.getByRole("region", { name: `Result from ${name}`, exact: true });
const EIGHT = [
  "png_rgb_64x48.png", "jpeg_baseline_80x60.jpg", "jpeg_exif_120x90.jpg", "jpeg_gray_17x9.jpg",
  "jpeg_progressive_100x75.jpg", "png_rgb_64x48.png", "jpeg_baseline_80x60.jpg", "jpeg_exif_120x90.jpg",
].map(fixture);

test("the first screen: fal with Reve 2.1, guidance and no errors, Remix above the options on a phone", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${SITE_URL}/${MOCK_QUERY}`);
  const remix = page.getByRole("button", { name: "Remix", exact: true });
  await remix.waitFor({ timeout: 15000 });
  assert.equal(await page.getByLabel("Provider", { exact: true }).inputValue(), "fal");
  assert.equal(await page.getByLabel("Model", { exact: true }).inputValue(), "reve-2.1");
  assert.equal(await page.getByRole("checkbox", { name: "Use the local mock provider" }).isChecked(), true);
  // Nothing touched: what Remix needs is said, but as guidance.
  assert.match(await page.locator("#remix-reason").textContent(), /reference image/);
  assert.equal(await page.getByRole("alert").count(), 0);
  assert.equal(await page.locator('[aria-invalid="true"]').count(), 0);
  assert.equal(await page.getByRole("note").filter({ hasText: /wind down/ }).isVisible(), false, "no Reve notice on fal");
  // Remix and its status come before the provider's options.
  const [run, provider] = await Promise.all([remix.boundingBox(), page.getByLabel("Provider", { exact: true }).boundingBox()]);
  assert.ok(run.y < provider.y, `Remix at ${run.y}, Provider at ${provider.y}`);
  const panel = await page.getByRole("region", { name: "Run", exact: true }).boundingBox();
  assert.ok(panel.y + panel.height <= provider.y, `the run panel (with the status) ends at ${panel.y + panel.height}, Provider at ${provider.y}`);
  // Reve's reported retirement is a neutral note where Reve is picked.
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  const note = page.getByRole("note").filter({ hasText: /wind down/ });
  assert.equal(await note.isVisible(), true);
  assert.equal(await page.getByRole("alert").count(), 0);
  await context.close();
});

test("fal with Reve 2.1: eight references written <frame>N</frame>, its price, and a result", async () => {
  const { page, problems } = await openSite(browser);
  const posts = [];
  page.on("request", (r) => { if (r.method() === "POST" && r.url().startsWith(`${MOCK_URL}/fal/`)) posts.push(r.url()); });
  const model = page.getByLabel("Model", { exact: true });
  assert.deepEqual(await model.locator("option").allTextContents(), ["Reve Remix", "Reve 2.1, $0.25 per image"]);
  assert.match(await page.locator("#model-why").textContent(), /^Reve 2\.1 \(the newest model\) takes up to 8 references, written <frame>N<\/frame>/);

  await page.getByLabel("Add reference images", { exact: true }).setInputFiles(EIGHT);
  await page.getByRole("img", { name: "Reference 7", exact: true }).waitFor({ timeout: 15000 });
  assert.match(await page.locator("#board-limit").textContent(), /^8 of 8 images/);

  const prompt = page.getByLabel("Prompt", { exact: true });
  await prompt.fill("the cat from ");
  await page.getByRole("button", { name: "Insert reference 0 into prompt: <frame>0</frame>", exact: true }).click();
  await page.keyboard.type(" in the room of ");
  await page.getByRole("button", { name: "Insert reference 7 into prompt: <frame>7</frame>", exact: true }).click();
  assert.equal(await prompt.inputValue(), "the cat from <frame>0</frame> in the room of <frame>7</frame>");
  assert.equal(await page.getByRole("button", { name: /^Insert reference 3 into prompt/ }).textContent(), "+ <frame>3</frame>", "the name holds the visible text");
  assert.match(await page.locator("#remix-cost").textContent(), /^Estimated cost: \$0\.25 per image \(fal's list price/);

  // Reve Remix writes <img>N</img> and takes six: the prompt follows, the board says so.
  await model.selectOption("reve-remix");
  assert.equal(await prompt.inputValue(), "the cat from <img>0</img> in the room of <img>7</img>");
  assert.equal(await page.getByRole("button", { name: "Remix", exact: true }).isEnabled(), false);
  await model.selectOption("reve-2.1");
  assert.equal(await prompt.inputValue(), "the cat from <frame>0</frame> in the room of <frame>7</frame>");

  await page.getByRole("button", { name: "Remix", exact: true }).click();
  await page.getByRole("img", { name: "Remix result", exact: true }).waitFor({ timeout: 30000 });
  assert.match(await page.getByRole("status").textContent(), /^Completed on fal/);
  assert.equal(posts.length, 1, posts.join("\n"));
  assert.match(posts[0], /\/reve\/2\.1\//, "sent to Reve 2.1's route");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a comparison through the proxy puts fal's Reve 2.1 beside inference.sh's Reve Remix", async () => {
  const { page, problems } = await openApp(browser, `?proxy=${encodeURIComponent(PROXY_URL)}`);
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
  await page.getByRole("checkbox", { name: "Through the proxy" }).check();
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await page.getByLabel("Prompt", { exact: true }).fill("paint <frame>0</frame> in ink");
  assert.equal(await page.getByRole("checkbox", { name: "Run on fal (Reve 2.1)", exact: true }).isChecked(), true, "the pair picked is ticked");
  assert.equal(await page.getByRole("checkbox", { name: "Run on fal (Reve Remix)", exact: true }).isChecked(), false);
  await page.getByRole("checkbox", { name: "Run on inference.sh", exact: true }).check();

  const fal = card(page, "fal (Reve 2.1)");
  const inference = card(page, "inference.sh");
  await fal.waitFor();
  assert.match(await fal.textContent(), /Model: Reve 2\.1/);
  assert.match(await fal.textContent(), /Estimated cost: \$0\.25\./);
  assert.match(await inference.textContent(), /Model: Reve Remix/);
  assert.match(await inference.textContent(), /inference\.sh publishes no price per remix\./);
  assert.match(await page.locator("#remix-cost").textContent(), /^Estimated cost of this comparison: at least \$0\.25 \(fal \(Reve 2\.1\) \$0\.25\); inference\.sh publishes no price\.$/);

  await page.getByRole("button", { name: "Remix", exact: true }).click();
  await fal.getByRole("img", { name: "Remix result from fal (Reve 2.1)" }).waitFor({ timeout: 30000 });
  await inference.getByRole("img", { name: "Remix result from inference.sh" }).waitFor({ timeout: 30000 });
  assert.match(await fal.locator(".details").textContent(), /^fal · \d/);
  await page.waitForFunction(() => /^Comparing: fal \(Reve 2\.1\) done, inference\.sh done\.$/.test(document.querySelector('[role="status"]').textContent));
  assert.deepEqual(problems, []);
  await page.close();
});

test("a reload mid-run follows each card's job on its own model, not sent again", async () => {
  const { page, problems } = await openSite(browser);
  const sent = [];
  page.on("request", (r) => { if (r.method() === "POST" && r.url().startsWith(`${MOCK_URL}/fal/`)) sent.push(r.url()); });
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await page.getByLabel("Prompt", { exact: true }).fill("<frame>0</frame> at dusk");
  // mock-slow: fal's jobs take 16 s. Both of fal's models, side by side.
  await page.getByLabel("API key", { exact: true }).fill("mock-slow");
  await page.getByRole("checkbox", { name: "Run on fal (Reve Remix)", exact: true }).check();
  await page.getByRole("button", { name: "Remix", exact: true }).click();
  const kept = await page.waitForFunction(
    () => sessionStorage.getItem("reve-remix.job.fal") && sessionStorage.getItem("reve-remix.job.fal.reve-2.1"),
    null,
    { timeout: 10000 },
  );
  assert.match(await kept.jsonValue(), /reve-2\.1/, "the kept job names its model");
  await page.reload();
  for (const name of ["fal (Reve 2.1)", "fal (Reve Remix)"]) {
    await card(page, name).getByRole("img", { name: `Remix result from ${name}` }).waitFor({ timeout: 40000 });
  }
  assert.equal(sent.length, 2, `one submit per card, the reload included:\n${sent.join("\n")}`);
  assert.equal(sent.filter((u) => /\/reve\/2\.1\//.test(u)).length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});
