// inspectImage / toDataUrl from Node: every file a user could pick is judged
// the way DESIGN.md says, from its bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { remix, fixture, thrown } from "./pkg.mjs";

const good = [
  ["png_rgb_64x48.png", "png", "image/png", 64, 48],
  ["jpeg_exif_120x90.jpg", "jpeg", "image/jpeg", 120, 90],
  ["jpeg_progressive_100x75.jpg", "jpeg", "image/jpeg", 100, 75],
  ["webp_lossy_70x50.webp", "webp", "image/webp", 70, 50],
  ["webp_lossless_33x17.webp", "webp", "image/webp", 33, 17],
  ["webp_alpha_40x30.webp", "webp", "image/webp", 40, 30],
  ["avif_64x40.avif", "avif", "image/avif", 64, 40],
  ["heic_64x40.heic", "heif", "image/heic", 64, 40],
  ["png_named_as.jpg", "png", "image/png", null, null],
];

for (const [name, format, mime, width, height] of good) {
  test(`${name} is a ${format}`, () => {
    const bytes = fixture(name);
    const info = remix.inspectImage(bytes, name);
    assert.equal(info.format, format);
    assert.equal(info.mime, mime);
    assert.equal(info.bytes, bytes.length);
    if (width !== null) assert.deepEqual([info.width, info.height], [width, height]);
  });
}

const bad = [
  ["empty.png", "empty_image"],
  ["notes.gif", "unsupported_format"],
  ["scan.bmp", "unsupported_format"],
  ["scan.tiff", "unsupported_format"],
  ["logo.svg", "unsupported_format"],
  ["doc.pdf", "unsupported_format"],
  ["readme.txt", "unsupported_format"],
  ["sound.wav", "unsupported_format"],
  ["clip.mp4", "unsupported_format"],
  ["sig_only.png", "truncated_image"],
  ["cut_header.webp", "truncated_image"],
  ["cut_in_meta.heic", "truncated_image"],
  ["zero_width.png", "corrupt_image"],
  ["huge_100000x100000.png", "image_dimensions"],
  ["wide_9000x10.png", "image_dimensions"],
];

for (const [name, code] of bad) {
  test(`${name} is refused with ${code}, naming the file`, async () => {
    const e = await thrown(() => remix.inspectImage(fixture(name), name));
    assert.ok(e instanceof Error, "a real Error");
    assert.equal(e.name, "RemixError");
    assert.equal(e.code, code);
    assert.equal(e.retryable, false);
    assert.match(e.message, new RegExp(name.replace(".", "\\.")));
  });
}

test("a file of 1.5 MB or more is image_too_large, with its size in the message", async () => {
  const png = fixture("png_rgb_64x48.png");
  const big = new Uint8Array(1_600_000);
  big.set(png);
  const e = await thrown(() => remix.inspectImage(big, "cat.png"));
  assert.equal(e.code, "image_too_large");
  assert.match(e.message, /cat\.png is 1\.6 MB; references must be under 1\.5 MB/);
  const justUnder = new Uint8Array(1_499_999);
  justUnder.set(png);
  assert.equal(remix.inspectImage(justUnder).bytes, 1_499_999);
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
    ["reve", "fal", "inference-sh", "aimlapi", "onerouter", "pixazo", "pixazo-edit", "replicate"],
  );
  const reve = list.find((p) => p.id === "reve");
  assert.equal(reve.maxImages, 6);
  assert.equal(reve.maxImageBytes, 1_500_000);
  assert.equal(reve.imageTransport, "base64");
  assert.equal(reve.asynchronous, false);
  assert.equal(list.find((p) => p.id === "replicate").cors, "no");
  assert.equal(list.find((p) => p.id === "pixazo-edit").maxImages, 1);
});
