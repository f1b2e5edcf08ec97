// Shared launch for the browser tests: Debian's Chromium, quiet on a closed
// network (playwright gives each launch a fresh profile of its own).
import { chromium } from "playwright-core";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const SITE_URL = process.env.SITE_URL ?? "http://127.0.0.1:8080";
export const MOCK_URL = process.env.MOCK_URL ?? "http://127.0.0.1:8787";
/** The proxy the harness runs in front of the mock (every provider, the site allowed). */
export const PROXY_URL = process.env.PROXY_URL ?? "http://127.0.0.1:8788";
/** The same proxy over HTTPS (HTTP/2), with a certificate made for the run. */
export const PROXY_TLS_URL = process.env.PROXY_TLS_URL;
/** The proxy's binary, for tests that start their own. */
export const PROXY_BIN = process.env.PROXY_BIN ?? join(dirname(fileURLToPath(import.meta.url)), "../../target/release/reve-remix-proxy");
export const ARTIFACTS = process.env.ARTIFACTS ?? join(tmpdir(), "reve-remix-artifacts");
/** The query that points a page at the mock. */
export const MOCK_QUERY = `?mock=${encodeURIComponent(MOCK_URL)}`;
/** The fixture images (fixtures/images): the folder, and a fixture's path. */
export { FIXTURES, fixture } from "../../fixtures/fixtures.mjs";
/** Reference image `n` on the board, by its accessible name. */
export const tile = (page, n) => page.getByRole("img", { name: `Reference ${n}`, exact: true });

/**
 * Debian's Chromium. Every page it opens is watched for the site's
 * Content-Security-Policy: a violation on any state a suite visits fails
 * that suite's file when it closes the browser (`watchPolicy: false` for a
 * test that provokes one on purpose). `args`: more Chromium flags.
 */
export async function launch({ watchPolicy = true, args = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...args,
    ],
  });
  if (watchPolicy) watchForPolicyViolations(browser);
  return browser;
}

function watchForPolicyViolations(browser) {
  const violations = [];
  const watch = (page) =>
    page.on("console", (m) => {
      if (m.text().includes("Content Security Policy")) violations.push(`${page.url()}: ${m.text()}`);
    });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on("page", watch);
    return context;
  };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    watch(page);
    return page;
  };
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await close();
    if (violations.length) throw new Error(`Content-Security-Policy violations:\n${violations.join("\n")}`);
  };
}

// A page whose console errors and uncaught exceptions fail the test.
// `options` go to playwright's newPage (e.g. ignoreHTTPSErrors, for the
// proxy's HTTPS with the harness's own certificate).
export async function openApp(browser, query = "", options = {}) {
  return openAppIn(await browser.newPage(options), query);
}

// openApp in a page the caller made (to listen to it from the first request).
export async function openAppIn(page, query = "") {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400 && r.url().startsWith(SITE_URL)) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("console", (m) => {
    // A failed fetch is reported by the response handler with its URL.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      problems.push(`console.error: ${m.text()}`);
    }
  });
  await page.goto(`${SITE_URL}/${query}`);
  return { page, problems };
}

// The site against the mock, once its Remix button is there.
export async function openSite(browser) {
  const opened = await openApp(browser, MOCK_QUERY);
  await opened.page.getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
  return opened;
}

/**
 * Pick, in the page, a photo-sized PNG of noise (`width` × `height`, from the
 * browser's own encoder: too large to carry over the DevTools protocol
 * quickly) named `name`, with a small GIF beside it when `gif` is set.
 */
export async function pickNoisePng(page, { name, width, height, gif = false }) {
  await page.getByLabel("Add reference images", { exact: true }).evaluate(
    async (input, { name, width, height, gif }) => {
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext("2d");
      const pixels = ctx.createImageData(width, height);
      for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = i % 4 === 3 ? 255 : (Math.random() * 256) | 0;
      ctx.putImageData(pixels, 0, 0);
      const picked = new DataTransfer();
      picked.items.add(new File([await canvas.convertToBlob({ type: "image/png" })], name, { type: "image/png" }));
      if (gif) {
        const bytes = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0, 0x3b]);
        picked.items.add(new File([bytes], "notes.gif", { type: "image/gif" }));
      }
      input.files = picked.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    },
    { name, width, height, gif },
  );
}
