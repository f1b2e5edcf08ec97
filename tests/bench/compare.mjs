// Bench (issue 16): one comparison on the site, through the proxy, in front
// of the mock (jobs of 2 s): its wall time against the slowest provider run
// alone (fan-out may cost at most 10% over it), and the page's main-thread
// long tasks during the comparison. Pixazo takes only https URLs and the
// others (Reve) only files, so one board runs on the six that take files.
// Usage: SITE_URL=… PROXY_URL=… node bench/compare.mjs (from tests/)
import { launch, openApp, fixture, PROXY_URL } from "../e2e/browser.mjs";

const ALL = [
  ["reve", "Reve"],
  ["fal", "fal"],
  ["inference-sh", "inference.sh"],
  ["aimlapi", "AI/ML API"],
  ["onerouter", "OneRouter"],
  ["replicate", "Replicate"],
];
// BENCH_PROVIDERS=fal,replicate: only these (the first one is the picker's).
const only = process.env.BENCH_PROVIDERS ? process.env.BENCH_PROVIDERS.split(",") : null;
const PROVIDERS = only ? ALL.filter(([id]) => only.includes(id)) : ALL;
const BUDGET = 1.1;

const browser = await launch();
const { page } = await openApp(browser, `?proxy=${encodeURIComponent(PROXY_URL)}`);
await page.getByRole("button", { name: "Remix", exact: true }).waitFor({ timeout: 15000 });
await page.getByRole("checkbox", { name: "Through the proxy" }).check();
await page.getByLabel("Add reference images", { exact: true }).setInputFiles([fixture("png_rgb_64x48.png")]);
await page.getByLabel("Prompt", { exact: true }).fill("the cat from <img>0</img> in ink");

/** ms from the click on Remix until `done` holds in the page. */
async function timed(done, arg) {
  const started = Date.now();
  await page.getByRole("button", { name: "Remix", exact: true }).click();
  await page.waitForFunction(done, arg, { timeout: 60000, polling: "raf" });
  return Date.now() - started;
}

// Each provider alone (a warm-up run first, so nothing pays for a cold start).
const alone = {};
for (const [id, name] of [PROVIDERS[0], ...PROVIDERS]) {
  await page.getByLabel("Provider", { exact: true }).selectOption(id);
  alone[id] = await timed(
    (n) => (document.querySelector('[role="status"]')?.textContent ?? "").startsWith(`Completed on ${n}`),
    name,
  );
}

// All of them at once, watching the main thread.
for (const [, name] of PROVIDERS) await page.getByRole("checkbox", { name: `Run on ${name}`, exact: true }).check();
await page.evaluate(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({
    type: "longtask",
    buffered: false,
  });
});
const together = await timed(
  (n) => [...document.querySelectorAll(".card .status")].filter((s) => s.textContent.startsWith("Completed on")).length === n,
  PROVIDERS.length,
);
const longTasks = await page.evaluate(() => window.__longTasks);
await browser.close();

const [slowestId, slowest] = Object.entries(alone).sort((a, b) => b[1] - a[1])[0];
console.log("provider        alone (ms)");
for (const [id] of PROVIDERS) console.log(`${id.padEnd(15)} ${String(alone[id]).padStart(10)}`);
const ratio = together / slowest;
console.log(`\ncomparison of ${PROVIDERS.length} providers: ${together} ms; slowest alone: ${slowestId} ${slowest} ms`);
console.log(
  `  -> fan-out overhead ${((ratio - 1) * 100).toFixed(1)}%, budget 10%: ${ratio <= BUDGET ? "within" : "OVER"} budget`,
);
if (ratio > BUDGET) {
  console.log(
    "     (why: Chromium opens at most 6 HTTP/1.1 connections per origin, and every card's requests go to the one\n" +
      "      proxy origin; fal's SSE, inference.sh's stream and Replicate's Prefer: wait hold theirs for the whole job,\n" +
      "      so the other submits queue behind them. A proxy served over HTTP/2, as Workers are, multiplexes them;\n" +
      "      called directly, each provider is its own origin.)",
  );
}
const worst = longTasks.length ? Math.max(...longTasks) : 0;
console.log(
  `  main-thread long tasks (>50 ms) during it: ${longTasks.length}, longest ${worst.toFixed(0)} ms, total ${longTasks
    .reduce((a, b) => a + b, 0)
    .toFixed(0)} ms`,
);
