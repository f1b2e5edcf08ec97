// The site through a proxy that asks for a token (issue 26): "Proxy token",
// beside "Proxy URL", rides in x-remix-proxy-token with every request to
// the proxy (as the package's proxyToken does), never in a URL or in
// localStorage; a refusal of the proxy's own (no token, a spent budget)
// shows in the page in words.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { launch, openApp, fixture, PROXY_BIN } from "./browser.mjs";
import { startProxy } from "./proxy_process.mjs";

const SECRET = "the-site-secret";
/** A token minted by the proxy's own command, as a site's backend would. */
const mint = (ttl) =>
  execFileSync(PROXY_BIN, ["token", "--ttl", String(ttl)], { env: { ...process.env, REMIX_PROXY_SECRET: SECRET } })
    .toString()
    .trim();

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The site with "Through the proxy" ticked (to `proxy`), one image and a prompt. */
async function throughProxy(proxy) {
  const opened = await openApp(browser, `?proxy=${encodeURIComponent(proxy.url)}`);
  const { page } = opened;
  await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
  await page.getByRole("checkbox", { name: "Through the proxy" }).check();
  await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
  await page.getByLabel("Prompt", { exact: true }).fill("paint <img>0</img> in ink");
  return opened;
}

/** Press Remix and wait for the status line to finish, failed or not. */
async function remixAndWait(page) {
  await page.getByRole("button", { name: "Remix", exact: true }).click();
  await page.waitForFunction(
    () => /Completed|Failed/.test(document.querySelector('[role="status"]')?.textContent ?? ""),
    null,
    { timeout: 30000 },
  );
  return page.getByRole("status").textContent();
}

test("with a \"Proxy token\" the site runs through a proxy that asks for one; without, it says so", async () => {
  const proxy = await startProxy({ FAL_KEY: "mock", REMIX_PROXY_SECRET: SECRET });
  try {
    const { page, problems } = await throughProxy(proxy);
    const sent = [];
    page.on("request", (r) => {
      if (r.url().startsWith(proxy.url) && r.method() !== "OPTIONS") sent.push({ url: r.url(), token: r.headers()["x-remix-proxy-token"] });
    });
    const refused = await remixAndWait(page);
    assert.match(refused, /Failed/);
    assert.match(refused, /token_missing/);
    assert.match(refused, /Proxy token/, refused);

    const token = mint(600);
    await page.getByText("Advanced", { exact: true }).click();
    await page.getByLabel("Proxy token", { exact: true }).fill(token);
    sent.length = 0;
    const done = await remixAndWait(page);
    assert.match(done, /Completed/, done);
    await page.getByRole("img", { name: "Remix result" }).waitFor({ state: "visible" });
    assert.ok(sent.length >= 2, JSON.stringify(sent));
    assert.ok(sent.every((s) => s.token === token), "every proxied request carries the token");
    assert.ok(sent.every((s) => !s.url.includes(token)), "never in a URL");
    assert.equal(await page.evaluate((t) => JSON.stringify(localStorage).includes(t), token), false, "not in localStorage");
    assert.ok(!proxy.lines.some((l) => l.includes(token)), "not in the proxy's log");
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    proxy.stop();
  }
});

test("a spent budget reaches the page in the proxy's words", async () => {
  // fal's Reve 2.1 (the site's first choice) costs $0.25: past $0.10 at once.
  const proxy = await startProxy({ FAL_KEY: "mock" }, ["--daily-budget", "0.10"]);
  try {
    const { page, problems } = await throughProxy(proxy);
    const said = await remixAndWait(page);
    assert.match(said, /Failed/);
    assert.match(said, /daily budget \(\$0\.1\) is spent; it resets in \d+ (h|min)/, said);
    assert.doesNotMatch(said, /API key/, said);
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    proxy.stop();
  }
});
