import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openApp } from "./browser.mjs";

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
