// The first-load bench's builds (issue 25), with esbuild from this folder's
// node_modules (`npm ci` here first; `cargo xtask bench` does it):
//
//   node build.mjs uppy OUT_DIR
//     The Uppy page: uppy.js bundled and minified (esbuild --bundle
//     --minify), its CSS bundled and minified beside it, and uppy.html as
//     index.html: OUT_DIR/{index.html,uppy.js,uppy.css}.
//
//   node build.mjs peers NODE_MODULES_DIR...
//     The providers' JS clients the package replaces (fal's, inference.sh's,
//     Replicate's), each bundled for the browser and minified, gzipped at
//     level 9: one line per client, `name version raw gz`, or
//     `name - missing -` when no folder given has it.
import * as esbuild from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const [what, ...rest] = process.argv.slice(2);

/** The clients, as the issue names them. */
const PEERS = ["@fal-ai/client", "@inferencesh/sdk", "replicate"];

if (what === "uppy" && rest.length === 1) {
  const out = rest[0];
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    absWorkingDir: here,
    entryPoints: { uppy: "uppy.js" },
    bundle: true,
    minify: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    outdir: out,
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
  copyFileSync(join(here, "uppy.html"), join(out, "index.html"));
  for (const f of ["index.html", "uppy.js", "uppy.css"]) {
    const bytes = readFileSync(join(out, f));
    console.log(`  ${f.padEnd(12)} ${String(bytes.length).padStart(9)} B ${String(gzipSync(bytes, { level: 9 }).length).padStart(9)} B gz`);
  }
} else if (what === "peers" && rest.length > 0) {
  for (const name of PEERS) {
    const modules = rest.find((d) => existsSync(join(d, name, "package.json")));
    if (!modules) {
      console.log(`${name} - missing -`);
      continue;
    }
    const dir = join(modules, name);
    const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const result = await esbuild.build({
      // Resolved from the folder that holds it, as an app of its own would.
      stdin: { contents: `export * from ${JSON.stringify(name)};`, resolveDir: dirname(modules), loader: "js" },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2020",
      write: false,
      legalComments: "none",
      define: { "process.env.NODE_ENV": '"production"' },
      logLevel: "error",
    });
    const code = result.outputFiles[0].contents;
    console.log(`${name} ${version} ${code.length} ${gzipSync(code, { level: 9 }).length}`);
  }
} else {
  console.error("usage: node build.mjs uppy OUT_DIR | node build.mjs peers NODE_MODULES_DIR...");
  process.exit(2);
}
