// The site's Content-Security-Policy (written by `cargo xtask build` into
// dist/index.html): the app loads and runs under it, and a script that was
// not shipped with the site (inline, as a provider's string slipped into
// the page would be) does not run. Every other suite's pages are watched
// for violations too (browser.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openSite, fixture } from "./browser.mjs";

let browser;
before(async () => { browser = await launch({ watchPolicy: false }); });
after(async () => { await browser?.close(); });

test("the site runs under its policy and refuses a script it did not ship", async () => {
  const { page, problems } = await openSite(browser);
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+';/);
  assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'/);

  // A run on the mock: the app's fetches, previews and result all allowed.
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles(fixture("png_rgb_64x48.png"));
  await page.getByLabel("Prompt", { exact: true }).fill("as a watercolour");
  await page.getByRole("button", { name: "Remix", exact: true }).click();
  await page.getByRole("img", { name: "Remix result", exact: true }).waitFor({ timeout: 20000 });
  assert.deepEqual(problems, []);

  // An injected inline script does not run,
  // and the browser reports why.
  const outcome = await page.evaluate(async () => {
    const seen = [];
    document.addEventListener("securitypolicyviolation", (e) => seen.push(e.effectiveDirective));
    const script = document.createElement("script");
    script.textContent = "window.injected = true;";
    document.body.append(script);
    await new Promise((r) => setTimeout(r, 100));
    return { ran: window.injected === true, seen };
  });
  assert.equal(outcome.ran, false);
  assert.deepEqual(outcome.seen, ["script-src-elem"]);
  await page.close();
});
