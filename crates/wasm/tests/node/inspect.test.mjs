// inspectImage / toDataUrl from Node: what the core finds in a file's bytes
// reaches JS as DESIGN.md's ImageInfo, or as a RemixError with its code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { remix, fixture, thrown } from "./pkg.mjs";

// Which format and size each file has is the core's to prove
// (tests/images/, every fixture); here, once, that what it finds reaches
// JS as DESIGN.md's ImageInfo.
test("inspectImage answers with the ImageInfo of DESIGN.md", () => {
  const bytes = fixture("png_rgb_64x48.png");
  const info = remix.inspectImage(bytes, "png_rgb_64x48.png");
  assert.deepEqual(
    { ...info },
    { format: "png", mime: "image/png", width: 64, height: 48, bytes: bytes.length },
  );
});

// Which files are refused, and why, is the core's to prove (tests/images/,
// every code, GIF included); here, once, that a refusal reaches JS as a real
// Error with its code, naming the file.
test("a refused file throws a RemixError with its code, naming the file", async () => {
  const e = await thrown(() => remix.inspectImage(fixture("notes.gif"), "notes.gif"));
  assert.ok(e instanceof Error, "a real Error");
  assert.equal(e.name, "RemixError");
  assert.equal(e.code, "unsupported_format");
  assert.equal(e.retryable, false);
  assert.match(e.message, /^notes\.gif is a GIF/);
});

test("toDataUrl uses the sniffed MIME type, never the file name's", () => {
  const bytes = fixture("png_named_as.jpg");
  const url = remix.toDataUrl(bytes);
  assert.ok(url.startsWith("data:image/png;base64,"));
  assert.deepEqual(Buffer.from(url.split(",")[1], "base64"), Buffer.from(bytes));
});

test("providers() lists every provider with its limits", () => {
  const list = remix.providers();
  assert.deepEqual(
    list.map((p) => p.id),
    ["reve", "fal", "inference-sh", "aimlapi", "onerouter", "pixazo", "pixazo-edit", "replicate", "runware", "atlascloud", "wavespeed"],
  );
  const reve = list.find((p) => p.id === "reve");
  assert.equal(reve.maxImages, 6);
  assert.equal(reve.maxImageBytes, 1_500_000);
  assert.equal(reve.imageTransport, "base64");
  assert.equal(reve.asynchronous, false);
  assert.equal(list.find((p) => p.id === "replicate").cors, "no");
  assert.equal(list.find((p) => p.id === "pixazo-edit").maxImages, 1);
});
