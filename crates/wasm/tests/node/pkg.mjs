// Load the built npm package (target/pkg) the way the README shows for Node.
import { readFileSync } from "node:fs";

export const PKG = new URL("../../../../target/pkg/", import.meta.url);
/** The fixture images (fixtures/images): real files from real encoders. */
export { FIXTURES } from "../../../../fixtures/fixtures.mjs";
import { fixtureBytes } from "../../../../fixtures/fixtures.mjs";
export const MOCK_URL = process.env.MOCK_URL ?? "http://127.0.0.1:8787";

export const remix = await import(new URL("reve_remix.js", PKG));
remix.initSync({ module: readFileSync(new URL("reve_remix_bg.wasm", PKG)) });

/** A fixture's bytes. */
export const fixture = fixtureBytes;

/** The RemixError thrown by `fn`, failing the test if nothing is thrown. */
export async function thrown(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a RemixError, nothing was thrown");
}
