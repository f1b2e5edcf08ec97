// `reve-remix/checks`: the image checks alone, a small entry point of their
// own, loaded the way package.json's `exports` map resolves it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PKG, remix, fixture } from "./pkg.mjs";

const manifest = JSON.parse(readFileSync(new URL("package.json", PKG), "utf8"));
const entry = manifest.exports["./checks"];
const checks = await import(new URL(entry.default, PKG));
checks.initSync({ module: readFileSync(new URL("reve_remix_checks_bg.wasm", PKG)) });

test("package.json maps reve-remix/checks to files the package ships", () => {
  for (const file of [entry.default, entry.types, "./reve_remix_checks_bg.wasm"]) {
    assert.ok(manifest.files.includes(file.slice(2)), `${file} is in "files"`);
    assert.ok(readFileSync(new URL(file, PKG)).length > 0, `${file} exists`);
  }
});

/** What `lib` makes of a file: its ImageInfo and data URL, or its error. */
function judged(lib, bytes, name) {
  try {
    return { info: { ...lib.inspectImage(bytes, name) }, url: lib.toDataUrl(bytes) };
  } catch (e) {
    return { error: e.name, code: e.code, message: e.message };
  }
}

test("the checks entry judges images exactly as the whole package does", () => {
  for (const name of ["png_rgb_64x48.png", "png_named_as.jpg", "notes.gif"]) {
    const bytes = fixture(name);
    assert.deepEqual(judged(checks, bytes, name), judged(remix, bytes, name), name);
  }
  const gif = judged(checks, fixture("notes.gif"), "notes.gif");
  assert.equal(gif.error, "RemixError");
  assert.equal(gif.code, "unsupported_format");
  assert.ok(judged(checks, fixture("png_named_as.jpg")).url.startsWith("data:image/png;base64,"));
});

test("the checks entry is only the checks: no client, so none of its bytes", () => {
  assert.equal(typeof checks.inspectImage, "function");
  assert.equal(typeof checks.toDataUrl, "function");
  assert.equal(checks.RemixClient, undefined);
  assert.equal(checks.runAll, undefined);
  assert.equal(checks.fitImage, undefined);
});
