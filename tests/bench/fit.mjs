// Bench (issue 27): the package's fitImage on a 12-megapixel phone photo
// (4000×3000 JPEG, over the 1.5 MB limit, made in the page by Chromium's
// own encoder), in the page that imports the package (dist/examples/).
// Prints each run's time and the median, and what came out.
// Usage: SITE_URL=… node bench/fit.mjs (from tests/)
import { launch, openApp } from "../e2e/browser.mjs";

const RUNS = 5;

const browser = await launch();
const { page, problems } = await openApp(browser, "examples/");
const figures = await page.evaluate(async (runs) => {
  const pkg = await import("./pkg/reve_remix.js");
  await pkg.default();
  // A photo-like picture: smooth gradients under fine noise, so the JPEG
  // is the size a phone's is (several MB), not a flat colour's few KB.
  const [w, h] = [4000, 3000];
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext("2d");
  const sky = ctx.createLinearGradient(0, 0, w, h);
  sky.addColorStop(0, "#3a6ea5");
  sky.addColorStop(1, "#f2c14e");
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, w, h);
  const pixels = ctx.getImageData(0, 0, w, h);
  for (let i = 0; i < pixels.data.length; i += 4) {
    const n = (Math.random() - 0.5) * 60;
    pixels.data[i] += n;
    pixels.data[i + 1] += n;
    pixels.data[i + 2] += n;
  }
  ctx.putImageData(pixels, 0, 0);
  const photo = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.92 });
  const times = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    last = await pkg.fitImage(photo);
    times.push(performance.now() - start);
  }
  return {
    bytes: photo.size,
    times,
    to: last.blob.size,
    info: `${last.info.format} ${last.info.width}×${last.info.height}`,
    resized: last.resized,
  };
}, RUNS);
await browser.close();
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
const sorted = [...figures.times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(`fitImage, a 4000×3000 JPEG of ${(figures.bytes / 1e6).toFixed(2)} MB in Chromium:`);
console.log(`  runs: ${figures.times.map((t) => `${t.toFixed(0)} ms`).join(", ")}`);
console.log(`  median ${median.toFixed(0)} ms -> ${figures.info}, ${(figures.to / 1e6).toFixed(2)} MB (resized: ${figures.resized})`);
if (!figures.resized || figures.to > 1.5e6) {
  console.error("  the photo did not come out under 1.5 MB");
  process.exit(1);
}
