// The package's .d.ts against what the package really returns. The
// declarations are written by hand (serde at the JS boundary measured
// +11.4 KB gzipped, so the conversions are hand-written too); this test is
// what keeps the two from drifting apart. Real values (from every export,
// against the mock) are written out as TypeScript object literals typed by
// the .d.ts, and `tsc --strict --exactOptionalPropertyTypes` checks them:
// a field the runtime adds that the types lack (object literals get excess
// property checks), a required field it leaves out, or a value outside a
// declared union fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { remix, fixture, thrown, MOCK_URL, PKG } from "./pkg.mjs";

const png = fixture("png_rgb_64x48.png");
const input = { prompt: "the cat from <img>0</img>", images: [png] };
const config = (provider, apiKey = "test-key") => ({ provider, apiKey, baseUrl: `${MOCK_URL}/${provider}` });
const client = (provider, apiKey) => new remix.RemixClient(config(provider, apiKey));

/** A JS value as a TypeScript expression, keeping what JSON would lose. */
function literal(v) {
  if (v === undefined) return "undefined";
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (v instanceof Uint8Array) return `new Uint8Array(${v.length})`;
  if (Array.isArray(v)) return `[${v.map(literal).join(", ")}]`;
  // An Error's name and message are not own enumerable properties; its
  // stack is the engine's.
  const entries = v instanceof Error ? { name: v.name, message: v.message, ...v } : v;
  const fields = Object.entries(entries)
    .filter(([k]) => k !== "stack")
    .map(([k, x]) => `${JSON.stringify(k)}: ${literal(x)}`);
  return `{ ${fields.join(", ")} }`;
}

/** tsc on `values` ([type, value] pairs, each a typed constant); its exit status and output. */
function typecheck(values) {
  const dir = mkdtempSync(join(tmpdir(), "reve-remix-types-"));
  const types = [...new Set(values.map(([t]) => t.replace(/\[\]$/, "")))];
  const from = fileURLToPath(new URL("reve_remix.js", PKG));
  const lines = [`import type { ${types.join(", ")} } from ${JSON.stringify(from)};`];
  values.forEach(([type, value], i) => lines.push(`export const v${i}: ${type} = ${literal(value)};`));
  writeFileSync(join(dir, "values.ts"), lines.join("\n") + "\n");
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        exactOptionalPropertyTypes: true,
        target: "es2022",
        module: "esnext",
        moduleResolution: "bundler",
        lib: ["esnext", "dom"],
        types: [],
      },
      files: ["values.ts"],
    }),
  );
  const r = spawnSync("tsc", ["--project", dir], { encoding: "utf8" });
  assert.equal(r.error, undefined, `tsc could not start (cargo xtask setup installs it): ${r.error}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}\n--- values.ts\n${lines.join("\n")}` };
}

test("every value the package returns matches its declared type", async () => {
  const values = [];
  values.push(["ProviderInfo[]", remix.providers()]);
  values.push(["ImageInfo", remix.inspectImage(png)]);
  values.push(["HttpRequest", remix.buildRequest(input, config("reve"))]);
  values.push(["HttpRequest", remix.buildRequest(input, config("inference-sh"))]);

  // A queued provider: its Job, the status updates, a result by URL.
  const fal = client("fal");
  const job = await fal.submit(input);
  values.push(["Job", job]);
  values.push(["JobUpdate", await fal.status(job)]);
  const updates = [];
  values.push(["RemixResult", await fal.run(input, { onUpdate: (u) => updates.push(u) })]);
  // Reve answers at once, with its credits: a result with a cost.
  values.push(["RemixResult", await client("reve").run(input, { onUpdate: (u) => updates.push(u) })]);
  values.push(["JobUpdate[]", updates]);

  // Failures: a RemixError with a status and a provider, and a retry's update.
  values.push(["RemixError", await thrown(() => client("reve", "mock-401").run(input))]);
  values.push(["RemixError", await thrown(() => client("fal").run({ prompt: "", images: [png] }))]);
  const retrying = [];
  values.push([
    "RemixError",
    await thrown(() => client("reve", "mock-429").run(input, { timeoutMs: 2500, onUpdate: (u) => retrying.push(u) })),
  ]);
  values.push(["JobUpdate[]", retrying]);

  values.push(["RunAllEntry[]", await remix.runAll(input, [config("aimlapi"), config("onerouter", "mock-500")])]);

  assert.ok(updates.some((u) => u.queuePosition !== undefined), "a queued update was seen");
  assert.ok(retrying.some((u) => u.retryInMs !== undefined), "a retry was announced");
  const { status, output } = typecheck(values);
  assert.equal(status, 0, output);
});

// The check above can fail: values the declarations do not allow are
// refused, each on its own line, and the one that fits is not.
test("a value off its declared type fails the check", () => {
  const job = { id: "j", provider: "fal", model: "reve-remix", status: "queued" };
  const values = [
    ["Job", job],
    ["Job", { ...job, status: "done" }],
    ["Job", { ...job, queue_position: 3 }],
    ["Job", { id: "j", provider: "fal" }],
    ["Job", { ...job, requestId: undefined }],
  ];
  const { status, output } = typecheck(values);
  assert.notEqual(status, 0, output);
  // values.ts: the import, then value i on line i + 2.
  const lines = new Set([...output.matchAll(/values\.ts\((\d+),/g)].map((m) => Number(m[1]) - 2));
  assert.deepEqual([...lines].sort(), [1, 2, 3, 4], output);
});
