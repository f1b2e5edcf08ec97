// "Compare providers" end to end, against the mock: one board and one
// prompt run on three providers at once, each in its own card, with a key
// typed for each (one of them a fault key); what the comparison should cost
// before, what each run took and cost after; a reload in the middle follows
// the queued job again instead of paying for it twice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openSite, fixture, MOCK_URL } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const card = (page, name) => page.getByRole("region", { name: `Result from ${name}`, exact: true });

/** The submits (POSTs) the page sends to each provider on the mock, reloads included. */
function submits(page) {
  const by = {};
  page.on("request", (r) => {
    if (r.method() !== "POST" || !r.url().startsWith(`${MOCK_URL}/`)) return;
    const provider = r.url().slice(MOCK_URL.length + 1).split("/")[0];
    by[provider] = (by[provider] ?? 0) + 1;
  });
  return by;
}

test("three providers side by side: two images, one error in words, costs, and a reload mid-run", async () => {
  const { page, problems } = await openSite(browser);
  const sent = submits(page);
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await page.getByLabel("Prompt", { exact: true }).fill("the cat from <img>0</img> in ink");

  // The picked provider is ticked; ticking two more makes it a comparison.
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  assert.equal(await page.getByRole("checkbox", { name: "Run on Reve", exact: true }).isChecked(), true);
  assert.equal(await page.getByRole("region", { name: /^Result from / }).count(), 0, "no cards for one provider");
  await page.getByRole("checkbox", { name: "Run on fal (Reve Remix)", exact: true }).check();
  await page.getByRole("checkbox", { name: "Run on OneRouter", exact: true }).check();
  for (const name of ["Reve", "fal (Reve Remix)", "OneRouter"]) await card(page, name).waitFor();
  assert.equal(await page.getByRole("region", { name: /^Result from / }).count(), 3);

  // A key for each provider, typed with that provider picked: fal's job is
  // slow (16 s), OneRouter's key is refused.
  const provider = page.getByLabel("Provider", { exact: true });
  const key = page.getByLabel("API key", { exact: true });
  await provider.selectOption("fal");
  await key.fill("mock-slow");
  await provider.selectOption("onerouter");
  await key.fill("mock-401");
  await provider.selectOption("reve");
  assert.equal(await key.inputValue(), "", "each provider has its own key");
  assert.equal(await page.getByRole("checkbox", { name: "Run on fal (Reve Remix)", exact: true }).isChecked(), true, "the ticks stay");

  // Before: what the whole comparison and each card should cost.
  assert.equal(
    await page.locator("#remix-cost").textContent(),
    "Estimated cost of this comparison: at least $0.057 (Reve $0.057); fal (Reve Remix), OneRouter publish no price.",
  );
  assert.equal(await card(page, "Reve").getByText("Estimated cost: $0.057.").count(), 1);
  assert.equal(await card(page, "fal (Reve Remix)").getByText("fal publishes no price per remix.").count(), 1);

  await page.getByRole("button", { name: "Remix", exact: true }).click();
  // Reve answers at once; OneRouter refuses the key; fal is still queued.
  const reveImage = card(page, "Reve").getByRole("img", { name: "Remix result from Reve" });
  await reveImage.waitFor({ timeout: 20000 });
  await card(page, "OneRouter").getByText(/key/i).first().waitFor({ timeout: 15000 });
  const oneRouterText = await card(page, "OneRouter").textContent();
  assert.match(oneRouterText, /Failed/);
  assert.doesNotMatch(oneRouterText, /unauthorized\b|provider_/, "words, not codes");
  assert.match(await card(page, "fal (Reve Remix)").textContent(), /Queued on fal|Running on fal|Sending to fal/);
  // The page's status line (the live region) says the whole comparison's state.
  assert.match(
    await page.locator('[role="status"]').textContent(),
    /^Comparing: Reve done, fal \(Reve Remix\) (queued|running|sending), OneRouter failed\.$/,
  );
  assert.equal(await card(page, "fal (Reve Remix)").getByRole("button", { name: "Cancel" }).isVisible(), true);
  assert.match(await card(page, "Reve").locator(".details").textContent(), /^Reve · \d/);
  assert.match(await card(page, "Reve").locator(".details").textContent(), /credits/, "what Reve reported it cost");
  // Reve's result is kept before the reload.
  await page.waitForFunction(
    () => new Promise((resolve) => {
      const open = indexedDB.open("reve-remix");
      open.onsuccess = () => {
        const db = open.result;
        const names = [...db.objectStoreNames];
        if (!names.length) return resolve(false);
        const req = db.transaction(names[0]).objectStore(names[0]).getAllKeys();
        req.onsuccess = () => resolve(req.result.some((k) => String(k).endsWith(".lane.reve")));
        req.onerror = () => resolve(false);
      };
      open.onerror = () => resolve(false);
    }),
    null,
    { timeout: 10000 },
  );

  // A reload in the middle: fal's job is followed again, not sent again.
  await page.reload();
  await card(page, "fal (Reve Remix)").waitFor({ timeout: 15000 });
  await card(page, "fal (Reve Remix)").getByRole("img", { name: "Remix result from fal (Reve Remix)" }).waitFor({ timeout: 40000 });
  await card(page, "Reve").getByRole("img", { name: "Remix result from Reve" }).waitFor({ timeout: 10000 });
  assert.match(await card(page, "fal (Reve Remix)").locator(".details").textContent(), /^fal · \d/);
  await page.waitForFunction(() => /Comparing: .*fal \(Reve Remix\) done/.test(document.querySelector('[role="status"]').textContent));
  // Download and "Use as reference" from a card.
  const download = card(page, "fal (Reve Remix)").getByRole("link", { name: "Download", exact: true });
  assert.match(await download.getAttribute("download"), /^reve-remix-fal-\d{8}-\d{6}\.(png|jpg|webp)$/);
  await card(page, "fal (Reve Remix)").getByRole("button", { name: "Use as reference", exact: true }).click();
  await page.getByRole("img", { name: "Reference 1", exact: true }).waitFor();

  assert.deepEqual(sent, { reve: 1, fal: 1, onerouter: 1 }, "one submit per provider, the reload included");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a cancel touches only its own card, and the focus stays on that card", async () => {
  const { page, problems } = await openSite(browser);
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await page.getByLabel("Prompt", { exact: true }).fill("<img>0</img> at dusk");
  // The app opens on fal with Reve 2.1; this test compares from Reve.
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  await page.getByRole("checkbox", { name: "Run on fal (Reve Remix)", exact: true }).check();
  await page.getByRole("checkbox", { name: "Run on Replicate (Reve Remix)", exact: true }).check();
  await page.getByRole("checkbox", { name: "Run on Reve", exact: true }).uncheck();
  await page.getByLabel("Provider", { exact: true }).selectOption("fal");
  await page.getByLabel("API key", { exact: true }).fill("mock-slow");
  await page.getByRole("button", { name: "Remix", exact: true }).click();
  await card(page, "fal (Reve Remix)").getByRole("button", { name: "Cancel on fal (Reve Remix)", exact: true }).click();
  await card(page, "fal (Reve Remix)").getByText(/Cancelled/).waitFor({ timeout: 10000 });
  // Its Cancel hid as it was used: the focus is on its card, not lost to the page.
  assert.equal(
    await page.evaluate(() => {
      const a = document.activeElement;
      return a?.matches("section.card") ? a.querySelector("h3").textContent : a?.tagName;
    }),
    "Result from fal (Reve Remix)",
  );
  await card(page, "Replicate (Reve Remix)").getByRole("img", { name: "Remix result from Replicate (Reve Remix)" }).waitFor({ timeout: 30000 });
  assert.doesNotMatch(await card(page, "Replicate (Reve Remix)").textContent(), /Cancelled/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the page's Cancel stops every card still running, and the focus follows", async () => {
  const { page, problems } = await openSite(browser);
  const cancels = [];
  page.on("request", (r) => {
    if (r.url().startsWith(`${MOCK_URL}/`) && /\/cancel$/.test(r.url())) {
      cancels.push(r.url().slice(MOCK_URL.length + 1).split("/")[0]);
    }
  });
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  const prompt = page.getByLabel("Prompt", { exact: true });
  await prompt.fill("<img>0</img> under snow");
  // The app opens on fal with Reve 2.1; this test compares from Reve.
  await page.getByLabel("Provider", { exact: true }).selectOption("reve");
  await page.getByRole("checkbox", { name: "Run on fal (Reve Remix)", exact: true }).check();
  await page.getByRole("checkbox", { name: "Run on inference.sh", exact: true }).check();
  // Reve answers at once; fal and inference.sh are slow, so both are
  // still running (their jobs queued, so each can be cancelled on its
  // provider) when the comparison is cancelled.
  const provider = page.getByLabel("Provider", { exact: true });
  const key = page.getByLabel("API key", { exact: true });
  for (const id of ["fal", "inference-sh"]) {
    await provider.selectOption(id);
    await key.fill("mock-slow");
  }
  await provider.selectOption("reve");

  const remix = page.getByRole("button", { name: "Remix", exact: true });
  const cancel = page.getByRole("button", { name: "Cancel", exact: true });
  assert.equal(await cancel.isVisible(), false, "no Cancel before a run");
  await remix.click();
  // Remix is disabled: the focus moves to the page's Cancel.
  await page.waitForFunction(() => document.activeElement?.matches(".run .cancel:not([hidden])"), null, { timeout: 5000 });
  assert.equal(await remix.isDisabled(), true);
  assert.equal(await card(page, "fal (Reve Remix)").getByRole("button", { name: "Cancel on fal (Reve Remix)", exact: true }).isVisible(), true, "each card's own Cancel is named apart");

  await card(page, "Reve").getByRole("img", { name: "Remix result from Reve" }).waitFor({ timeout: 20000 });
  for (const name of ["fal (Reve Remix)", "inference.sh"]) {
    assert.match(await card(page, name).locator(".status").textContent(), /^(Queued on|Running on|Sending to) /, `${name} still running`);
  }
  await cancel.click();

  for (const name of ["fal (Reve Remix)", "inference.sh"]) {
    await card(page, name).getByText(/^Cancelled\./).waitFor({ timeout: 10000 });
    assert.equal(await card(page, name).getByRole("img", { name: `Remix result from ${name}` }).isVisible(), false);
  }
  // What had finished is kept, and so are the board and the prompt.
  assert.doesNotMatch(await card(page, "Reve").textContent(), /Cancelled/);
  assert.equal(await card(page, "Reve").getByRole("img", { name: "Remix result from Reve" }).isVisible(), true);
  assert.equal(await card(page, "Reve").getByRole("link", { name: "Download", exact: true }).isVisible(), true);
  assert.equal(await page.getByRole("img", { name: "Reference 0", exact: true }).count(), 1);
  assert.equal(await prompt.inputValue(), "<img>0</img> under snow");
  assert.equal(
    await page.locator('[role="status"]').textContent(),
    "Comparing: Reve done, fal (Reve Remix) cancelled, inference.sh cancelled.",
  );
  // Remix is back; Cancel hid, and the focus went to the result there is.
  await page.waitForFunction(() => !document.querySelector("button.remix").disabled, null, { timeout: 5000 });
  assert.equal(await cancel.isVisible(), false);
  await page.waitForFunction(
    () => document.activeElement?.matches('.card[aria-labelledby="card-reve"] a[download]'),
    null,
    { timeout: 5000 },
  );
  // Each provider still running was asked to cancel its job.
  assert.deepEqual([...cancels].sort(), ["fal", "inference-sh"]);
  assert.deepEqual(problems, []);
  await page.close();
});
