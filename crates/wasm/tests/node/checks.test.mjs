// `reve-remix/checks`: the image checks and fitting alone, a small entry
// point of their own, loaded the way package.json's `exports` map resolves it.
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

test("fitImage is there too, and in Node says what the whole package says", async () => {
  const png = fixture("png_rgb_64x48.png");
  const mine = await checks.fitImage(png, { maxBytes: 10 }).catch((e) => e);
  const whole = await remix.fitImage(png, { maxBytes: 10 }).catch((e) => e);
  assert.equal(mine.code, "unsupported_environment");
  assert.deepEqual({ code: mine.code, message: mine.message }, { code: whole.code, message: whole.message });
  const wrong = await checks.fitImage(png, { maxSide: 0 }).catch((e) => e);
  assert.equal(wrong.code, "invalid_option");
});

test("the checks entry is only the checks: no client, so none of its bytes", () => {
  for (const name of ["inspectImage", "toDataUrl", "fitImage"]) assert.equal(typeof checks[name], "function", name);
  for (const name of ["RemixClient", "runAll", "buildRequest", "providers"]) assert.equal(checks[name], undefined, name);
});
