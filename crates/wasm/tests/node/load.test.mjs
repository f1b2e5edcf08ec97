// The npm package (target/pkg, built by `cargo xtask package`) loads in Node
// with initSync, the way the README shows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const pkg = new URL("../../../../target/pkg/", import.meta.url);

test("package.json names the package and its entry points", () => {
  const manifest = JSON.parse(readFileSync(new URL("package.json", pkg)));
  assert.equal(manifest.name, "reve-remix");
  assert.equal(manifest.type, "module");
  for (const file of [manifest.main, manifest.types, "./reve_remix_bg.wasm"]) {
    assert.ok(readFileSync(new URL(file, pkg)).length > 0, `${file} is in the package`);
  }
});

test("the wasm loads in Node with initSync", async () => {
  const mod = await import(new URL("reve_remix.js", pkg));
  assert.equal(typeof mod.default, "function", "default export init()");
  assert.equal(typeof mod.initSync, "function");
  const exports = mod.initSync({ module: readFileSync(new URL("reve_remix_bg.wasm", pkg)) });
  assert.ok(exports.memory instanceof WebAssembly.Memory);
});
