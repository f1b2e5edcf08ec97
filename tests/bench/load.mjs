// The first-load bench (issue 25): how soon the site's page is usable beside
// an Uppy 6 dashboard page, side by side in Chromium with DevTools network
// emulation.
//
//   node tests/bench/load.mjs DIST_DIR UPPY_DIR
//
// DIST_DIR: the built site (`cargo xtask build`); UPPY_DIR: the Uppy page
// (`node tests/bench/load/build.mjs uppy UPPY_DIR`). `cargo xtask bench load`
// builds both and runs this.
//
// One local Node http server serves both, every compressible file compressed
// once on start, as a static host serving precompressed files would: brotli
// (quality 11) to a browser that accepts it, as Chromium does, else gzip -9;
// LOAD_ENCODING=gzip serves gzip only (the issue's first figures). The site at `/`, the
// Uppy page at `/uppy/`. Per link profile, each page is loaded RUNS times,
// interleaved (ours, uppy, ours, uppy …), each in a fresh browser context (no
// cache), with the link emulated by CDP `Network.emulateNetworkConditions`.
// LOAD_RUNS sets RUNS (7); LOAD_LINKS=none,fast-3g measures those links alone.
//
// "Usable", measured in the page from navigation start (performance.now(),
// whose origin is performance.timeOrigin): for the site, its button named
// "Remix" is visible (the signal the e2e tests wait for: the app mounts it,
// so it is there once the app is mounted); for Uppy, the dashboard's
// "browse files" button is visible. Bytes: the sum of CDP
// Network.loadingFinished's encodedDataLength (headers and bodies as sent)
// over the load's HTTP requests, counted until the network is quiet: those
// sent before the page was usable, and apart those sent after (the site's
// chunks, which it fetches once it is usable).
//
// Chromium resolves no host name (--host-resolver-rules): nothing a page
// asks for can leave the machine; such a request is reported as failed.
import { createServer } from "node:http";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { launch } from "../e2e/browser.mjs";

const RUNS = Number(process.env.LOAD_RUNS ?? 7);
const ENCODING = process.env.LOAD_ENCODING ?? "br";
if (!["br", "gzip"].includes(ENCODING)) throw new Error(`LOAD_ENCODING is br or gzip, not ${ENCODING}`);
const LOAD_TIMEOUT_MS = 60_000;
/** The whole bench, whatever happens: a hung browser must not hang the bench. */
const WATCHDOG_MS = Number(process.env.LOAD_WATCHDOG_MS ?? 20 * 60_000);

/**
 * The links. Throughputs in bytes per second, as CDP takes them.
 * - fast-3g: the issue's figures (150 ms, 1.6 Mbit/s down, 750 kbit/s up),
 *   used as given: DevTools' own Fast 3G (now called Slow 4G) multiplies the
 *   latency by 3.75 and the throughputs by 0.9.
 * - slow-4g: Chrome DevTools' "Slow 4G" preset (NetworkManager.ts, the same
 *   numbers in Puppeteer's PredefinedNetworkConditions): 150 ms × 3.75 =
 *   562.5 ms, 1.6 Mbit/s × 0.9 down, 750 kbit/s × 0.9 up.
 * - fast-4g: DevTools' "Fast 4G": 60 ms × 2.75 = 165 ms, 9 Mbit/s × 0.9
 *   down, 1.5 Mbit/s × 0.9 up.
 * - none: no emulation (loopback).
 */
const mbit = (n) => (n * 1_000_000) / 8;
const LINKS = [
  { name: "fast-3g", about: "issue: 150 ms, 1.6/0.75 Mbit/s", latency: 150, down: mbit(1.6), up: mbit(0.75) },
  { name: "slow-4g", about: "DevTools: 562.5 ms, 1.44/0.675 Mbit/s", latency: 562.5, down: mbit(1.6) * 0.9, up: mbit(0.75) * 0.9 },
  { name: "fast-4g", about: "DevTools: 165 ms, 8.1/1.35 Mbit/s", latency: 165, down: mbit(9) * 0.9, up: mbit(1.5) * 0.9 },
  { name: "none", about: "no emulation (loopback)", latency: 0, down: -1, up: -1 },
];
const GOAL_LINK = "fast-3g";
/** `LOAD_LINKS=none,fast-3g` measures those links alone (a lever tried on one link); all by default. */
const CHOSEN = process.env.LOAD_LINKS?.split(",").map((l) => l.trim());
for (const name of CHOSEN ?? []) {
  if (!LINKS.some((l) => l.name === name)) throw new Error(`LOAD_LINKS: no link named ${name} (${LINKS.map((l) => l.name).join(", ")})`);
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".map": "application/json",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
};
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".wasm", ".json", ".svg", ".txt", ".ts", ".map"]);

/** The pages: where each is served from, and what makes it usable. */
const PAGES = {
  ours: { path: "/", button: "Remix" },
  uppy: { path: "/uppy/", button: "browse files" },
};

function fail(message) {
  console.error(`load bench: ${message}`);
  process.exit(1);
}

/** Every file under `dir`, by URL path under `prefix`, compressed once (gzip, and brotli unless LOAD_ENCODING=gzip). */
function precompress(dir, prefix, files = new Map()) {
  const walk = (d, url) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path, `${url}${entry.name}/`);
      else if (entry.isFile()) {
        const ext = extname(entry.name);
        const raw = readFileSync(path);
        const packed = COMPRESSIBLE.has(ext);
        const gz = packed ? gzipSync(raw, { level: 9 }) : null;
        const br = packed && ENCODING === "br"
          ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
          : null;
        files.set(`${url}${entry.name}`, { type: TYPES[ext] ?? "application/octet-stream", raw, gz, br });
      }
    }
  };
  walk(dir, prefix);
  return files;
}

function serve(files) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path.endsWith("/")) path += "index.html";
    const file = files.get(path);
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const accepts = req.headers["accept-encoding"] ?? "";
    const encoding = file.br && /\bbr\b/.test(accepts) ? "br" : file.gz && /\bgzip\b/.test(accepts) ? "gzip" : null;
    const body = encoding === "br" ? file.br : encoding === "gzip" ? file.gz : file.raw;
    const headers = { "content-type": file.type, "content-length": body.length, "cache-control": "no-cache", vary: "accept-encoding" };
    if (encoding) headers["content-encoding"] = encoding;
    res.writeHead(200, headers).end(req.method === "HEAD" ? undefined : body);
  });
  return new Promise((ok, err) => {
    server.once("error", err);
    server.listen(0, "127.0.0.1", () => ok(server));
  });
}

/** Installed before any page script: records performance.now() the first time `button` is visible. */
function watchUsable(button) {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  };
  const named = (b) => {
    const label = b.getAttribute("aria-label");
    return (label ?? b.textContent).trim() === button;
  };
  let observer;
  const check = () => {
    if (window.__usableAt !== undefined) return true;
    for (const b of document.getElementsByTagName("button")) {
      if (named(b) && visible(b)) {
        window.__usableAt = performance.now();
        observer?.disconnect();
        return true;
      }
    }
    return false;
  };
  observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  // Styles arriving change no node: a frame loop sees those.
  const frame = () => {
    if (!check()) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** One load of `page` over `link`, in a fresh context: { ms, bytes, later, requests, failed }. */
async function loadOnce(browser, origin, which, link) {
  const context = await browser.newContext();
  try {
    await context.addInitScript(watchUsable, PAGES[which].button);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const requests = new Map();
    // Per request: when it was sent (ms since the epoch) and its bytes.
    const sentAt = new Map();
    const sizes = new Map();
    let done = 0;
    const failed = [];
    cdp.on("Network.requestWillBeSent", (e) => {
      if (/^https?:/.test(e.request.url) && !requests.has(e.requestId)) {
        requests.set(e.requestId, e.request.url);
        sentAt.set(e.requestId, e.wallTime * 1000);
      }
    });
    cdp.on("Network.loadingFinished", (e) => {
      if (!requests.has(e.requestId)) return;
      sizes.set(e.requestId, e.encodedDataLength);
      done++;
    });
    cdp.on("Network.loadingFailed", (e) => {
      if (!requests.has(e.requestId)) return;
      failed.push(`${requests.get(e.requestId)} (${e.errorText})`);
      done++;
    });
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    if (link.latency > 0 || link.down > 0) {
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: link.latency,
        downloadThroughput: link.down,
        uploadThroughput: link.up,
      });
    }
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}${PAGES[which].path}`, { waitUntil: "commit", timeout: LOAD_TIMEOUT_MS });
    try {
      await page.waitForFunction(() => window.__usableAt !== undefined, null, { timeout: LOAD_TIMEOUT_MS, polling: 50 });
    } catch (e) {
      throw new Error(`${which} over ${link.name}: not usable within ${LOAD_TIMEOUT_MS / 1000} s (${errors.join("; ") || e.message})`);
    }
    const [ms, usableWall] = await page.evaluate(() => [window.__usableAt, performance.timeOrigin + window.__usableAt]);
    // Whatever the page still fetches belongs to the load: wait for quiet.
    const until = Date.now() + 15_000;
    let quietSince = Date.now();
    let seen = -1;
    while (Date.now() < until) {
      if (done < requests.size || seen !== requests.size) {
        seen = requests.size;
        quietSince = Date.now();
      } else if (Date.now() - quietSince > 300) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (errors.length) throw new Error(`${which} over ${link.name}: page error: ${errors.join("; ")}`);
    let bytes = 0;
    let later = 0;
    for (const [id, size] of sizes) {
      if (sentAt.get(id) > usableWall) later += size;
      else bytes += size;
    }
    return { ms, bytes, later, requests: requests.size, failed };
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const pad = (s, n) => String(s).padStart(n);

async function main() {
  const [dist, uppy] = process.argv.slice(2).map((p) => resolve(p));
  if (!dist || !uppy) fail("usage: node tests/bench/load.mjs DIST_DIR UPPY_DIR");
  for (const [dir, what] of [[join(dist, "index.html"), "the site (cargo xtask build)"], [join(uppy, "index.html"), "the Uppy page (tests/bench/load/build.mjs)"]]) {
    try {
      statSync(dir);
    } catch {
      fail(`${dir} is missing: build ${what} first`);
    }
  }
  const files = precompress(dist, "/");
  precompress(uppy, "/uppy/", files);
  const server = await serve(files);
  const origin = `http://127.0.0.1:${server.address().port}`;

  let browser;
  try {
    browser = await launch({
      watchPolicy: false,
      // Nothing but loopback: a page asking for a host name gets an error.
      args: ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
    });
  } catch (e) {
    server.close();
    fail(`Chromium does not start (${process.env.CHROMIUM ?? "/usr/bin/chromium"}; \`cargo xtask setup\` installs it): ${e.message.split("\n")[0]}`);
  }

  const results = [];
  const failedRequests = new Set();
  try {
    console.log(`Served ${ENCODING === "br" ? "brotli (quality 11) where accepted, else gzip -9" : "gzipped (level 9)"} from ${origin}; ${RUNS} interleaved loads per page and link, fresh context each.`);
    // One unmeasured load of each first: the browser's own start-up is no page's cost.
    for (const which of Object.keys(PAGES)) await loadOnce(browser, origin, which, LINKS.at(-1));
    for (const link of LINKS.filter((l) => !CHOSEN || CHOSEN.includes(l.name))) {
      const runs = { ours: [], uppy: [] };
      for (let i = 0; i < RUNS; i++) {
        for (const which of ["ours", "uppy"]) {
          const r = await loadOnce(browser, origin, which, link);
          runs[which].push(r);
          for (const f of r.failed) failedRequests.add(`${which}: ${f}`);
        }
      }
      const sum = (which) => ({
        ms: median(runs[which].map((r) => r.ms)),
        spread: [Math.min(...runs[which].map((r) => r.ms)), Math.max(...runs[which].map((r) => r.ms))],
        bytes: median(runs[which].map((r) => r.bytes)),
        later: median(runs[which].map((r) => r.later)),
        requests: median(runs[which].map((r) => r.requests)),
      });
      const row = { link, ours: sum("ours"), uppy: sum("uppy") };
      results.push(row);
      console.log(
        `  ${link.name}: ours ${runs.ours.map((r) => Math.round(r.ms)).join(", ")} ms; uppy ${runs.uppy.map((r) => Math.round(r.ms)).join(", ")} ms`,
      );
    }
  } finally {
    await browser.close().catch(() => {});
    server.close();
  }

  console.log(`\nPage usable (median of ${RUNS}, from navigation start), bytes over the wire (${ENCODING === "br" ? "brotli" : "gzip"}) sent before it was usable, and after (chunks), requests:`);
  console.log(
    `  ${"link".padEnd(8)} ${"ours ms".padStart(8)} ${"uppy ms".padStart(8)} ${"ours/uppy".padStart(9)} ${"ours bytes".padStart(11)} ${"ours after".padStart(11)} ${"uppy bytes".padStart(11)} ${"requests".padStart(9)}   link`,
  );
  for (const { link, ours, uppy } of results) {
    console.log(
      `  ${link.name.padEnd(8)} ${pad(Math.round(ours.ms), 8)} ${pad(Math.round(uppy.ms), 8)} ${pad((ours.ms / uppy.ms).toFixed(2), 9)} ${pad(kb(ours.bytes), 11)} ${pad(kb(ours.later), 11)} ${pad(kb(uppy.bytes + uppy.later), 11)} ${pad(`${ours.requests} / ${uppy.requests}`, 9)}   ${link.about}`,
    );
  }
  console.log(`  (ranges, ms: ${results.map(({ link, ours, uppy }) => `${link.name} ours ${ours.spread.map(Math.round).join("–")}, uppy ${uppy.spread.map(Math.round).join("–")}`).join("; ")})`);
  if (failedRequests.size) console.log(`  requests that failed (nothing may leave the machine): ${[...failedRequests].join(", ")}`);
  const goal = results.find((r) => r.link.name === GOAL_LINK);
  if (!goal) return console.log(`  (no ${GOAL_LINK} run: LOAD_LINKS left it out, so no goal is judged)`);
  const ratio = goal.ours.ms / goal.uppy.ms;
  console.log(
    `  -> page usable on Fast-3G no later than Uppy's: ratio ${ratio.toFixed(2)} (${Math.round(goal.ours.ms)} ms against ${Math.round(goal.uppy.ms)} ms), goal ≤ 1.0: ${ratio <= 1 ? "meets goal" : "misses goal"}`,
  );
}

const watchdog = setTimeout(() => fail(`gave up after ${WATCHDOG_MS / 60_000} minutes`), WATCHDOG_MS);
watchdog.unref();
main().then(
  () => process.exit(0),
  (e) => fail(e.stack ?? String(e)),
);
