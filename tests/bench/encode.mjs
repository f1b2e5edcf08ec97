// Bench (issue 3): six 1.45 MB reference images → request body ready, in
// headless Chromium, on the same bytes in one run:
//   ours:       buildRequest() — checks every image, base64 into the JSON body, in wasm
//   toBase64:   Uint8Array.prototype.toBase64 + JSON.stringify (where the browser has it)
//   FileReader: readAsDataURL per image + JSON.stringify
// Prints the median of several runs and the ratios. Usage: node encode.mjs <pkg dir>
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { launch } from "../e2e/browser.mjs";
import { fixtureBytes } from "../../fixtures/fixtures.mjs";

const pkg = resolve(process.argv[2] ?? "../../target/pkg");
const ORIGIN = "http://bench.invalid";
const files = {
  "/reve_remix.js": ["text/javascript", readFileSync(join(pkg, "reve_remix.js"))],
  "/reve_remix_bg.wasm": ["application/wasm", readFileSync(join(pkg, "reve_remix_bg.wasm"))],
  "/": ["text/html", Buffer.from("<!doctype html><title>bench</title>")],
};

const browser = await launch();
const page = await browser.newPage();
await page.route(`${ORIGIN}/**`, (route) => {
  const path = new URL(route.request().url()).pathname;
  const [type, body] = files[path] ?? ["text/plain", Buffer.from("")];
  route.fulfill({ status: files[path] ? 200 : 404, contentType: type, body });
});
await page.goto(`${ORIGIN}/`);

// A real PNG's header; the rest of each image is filler the checks never read.
const png = [...fixtureBytes("png_rgb_64x48.png")];

const result = await page.evaluate(async ([origin, png]) => {
  const remix = await import(`${origin}/reve_remix.js`);
  await remix.default({ module_or_path: `${origin}/reve_remix_bg.wasm` });

  // Six distinct valid PNGs of 1.45 MB: a real header, then filler chunks.
  const SIZE = 1_450_000;
  const header = Uint8Array.from(png);
  const images = [];
  for (let n = 0; n < 6; n++) {
    const bytes = new Uint8Array(SIZE);
    bytes.set(header);
    for (let i = header.length; i < SIZE; i++) bytes[i] = (i * 31 + n * 7) & 0xff;
    images.push(bytes);
  }
  const prompt = "the cat from <img>0</img> in the room of <img>1</img>";
  const blobs = images.map((b) => new Blob([b], { type: "image/png" }));

  const ours = () => {
    const req = remix.buildRequest({ prompt, images }, { provider: "reve", apiKey: "bench" });
    return req.body.length;
  };
  const nativeToBase64 = typeof Uint8Array.prototype.toBase64 === "function"
    ? () => JSON.stringify({ prompt, reference_images: images.map((b) => b.toBase64()) }).length
    : null;
  const fileReader = async () => {
    const urls = await Promise.all(blobs.map((blob) => new Promise((res, rej) => {
      const r = new FileReader();
      r.onload = () => res(r.result);
      r.onerror = () => rej(r.error);
      r.readAsDataURL(blob);
    })));
    return JSON.stringify({ prompt, reference_images: urls.map((u) => u.slice(u.indexOf(",") + 1)) }).length;
  };

  async function time(fn, runs = 15) {
    await fn(); // warm up
    const ms = [];
    let size = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      size = await fn();
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return { ms: ms[runs >> 1], size };
  }
  return {
    ours: await time(ours),
    toBase64: nativeToBase64 ? await time(nativeToBase64) : null,
    fileReader: await time(fileReader),
  };
}, [ORIGIN, png]);
await browser.close();

const f = (x) => x.toFixed(1).padStart(8);
console.log("six 1.45 MB images → request body ready (median of 15, headless Chromium):");
console.log(`  reve-remix buildRequest (checks + base64 + JSON, wasm) ${f(result.ours.ms)} ms  body ${result.ours.size} B`);
if (result.toBase64) {
  console.log(`  Uint8Array.prototype.toBase64 + JSON.stringify         ${f(result.toBase64.ms)} ms`);
} else {
  console.log("  Uint8Array.prototype.toBase64: not in this browser");
}
console.log(`  FileReader.readAsDataURL + JSON.stringify               ${f(result.fileReader.ms)} ms`);
const vsReader = result.fileReader.ms / result.ours.ms;
console.log(`  -> ${vsReader.toFixed(1)}x faster than FileReader (budget: at least 5x): ${vsReader >= 5 ? "within" : "OVER"} budget`);
if (result.toBase64) {
  const vsNative = result.toBase64.ms / result.ours.ms;
  console.log(`  -> ${vsNative.toFixed(2)}x the speed of native toBase64 (budget: at least 1x): ${vsNative >= 1 ? "within" : "OVER"} budget`);
}
