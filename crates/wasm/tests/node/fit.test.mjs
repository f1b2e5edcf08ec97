// fitImage in Node: no createImageBitmap, no OffscreenCanvas. An image that
// already fits comes back as it was; one that must be re-encoded is refused
// with unsupported_environment and a message that says what to do. The
// browser side is tests/fit.rs (Chromium).
import { test } from "node:test";
import assert from "node:assert/strict";
import { remix, fixture, thrown, MOCK_URL } from "./pkg.mjs";

test("an image that must be re-encoded is unsupported_environment in Node, saying what to do", async () => {
  const big = fixture("square_6000x6000.png");
  const e = await thrown(() => remix.fitImage(big));
  assert.equal(e.name, "RemixError");
  assert.equal(e.code, "unsupported_environment");
  assert.equal(e.retryable, false);
  assert.match(e.message, /browser page or a Worker/);
  assert.match(e.message, /in Node, resize the image with an image library/);
});

test("an image that already fits comes back unchanged, even in Node", async () => {
  const png = fixture("png_rgb_64x48.png");
  const fit = await remix.fitImage(png.buffer.slice(png.byteOffset, png.byteOffset + png.length));
  assert.equal(fit.resized, false);
  assert.deepEqual({ ...fit.info }, { ...fit.from });
  assert.equal(fit.blob.type, "image/png");
  assert.deepEqual(new Uint8Array(await fit.blob.arrayBuffer()), png);
});

test("fitImage checks its options and its image", async () => {
  const png = fixture("png_rgb_64x48.png");
  const cases = [
    [() => remix.fitImage(png, { format: "gif" }), "invalid_option"],
    [() => remix.fitImage(png, { maxBytes: 0 }), "invalid_option"],
    [() => remix.fitImage(png, { model: "reve-2.1" }), "invalid_option"],
    [() => remix.fitImage(png, { provider: "nope" }), "unknown_provider"],
    [() => remix.fitImage(png, { provider: "reve", model: "reve-2.1" }), "unknown_model"],
    [() => remix.fitImage("cat.png"), "invalid_option"],
    [() => remix.fitImage(fixture("notes.gif")), "unsupported_format"],
  ];
  for (const [call, code] of cases) assert.equal((await thrown(call)).code, code);
  // maxBytes below the image's size: it would need re-encoding.
  assert.equal((await thrown(() => remix.fitImage(png, { maxBytes: 100 }))).code, "unsupported_environment");
});

test("run with fit leaves images that fit alone; without a canvas, an over-limit one fails before any request", async () => {
  let requests = 0;
  const fetch = (url, init) => {
    requests += 1;
    return globalThis.fetch(url, init);
  };
  const client = new remix.RemixClient({ provider: "reve", apiKey: "test-key", baseUrl: `${MOCK_URL}/reve`, fetch });
  const updates = [];
  const png = fixture("png_rgb_64x48.png");
  const result = await client.run({ prompt: "<img>0</img>", images: [png] }, { fit: true, onUpdate: (u) => updates.push(u) });
  assert.equal(result.provider, "reve");
  assert.ok(updates.every((u) => u.fitted === undefined), "nothing was fitted");
  requests = 0;
  const e = await thrown(() =>
    client.run({ prompt: "<img>0</img>", images: [fixture("square_6000x6000.png")] }, { fit: true }),
  );
  assert.equal(e.code, "unsupported_environment");
  assert.equal(requests, 0);
  // Without fit, the same image is refused as before.
  const refused = await thrown(() =>
    client.run({ prompt: "<img>0</img>", images: [fixture("square_6000x6000.png")] }),
  );
  assert.equal(refused.code, "image_dimensions");
});
