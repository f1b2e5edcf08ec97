// A proxy process of our own (the reve-remix-proxy binary, or the Worker
// under workerd) in front of the mock, for the tests that need one set up
// their way: its keys, options and log lines.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { SITE_URL, MOCK_URL, PROXY_BIN } from "./browser.mjs";

/** Every provider the mock serves, each behind `--upstream`. */
export const ALL_PROVIDERS = [
  "reve", "fal", "inference-sh", "aimlapi", "onerouter", "pixazo", "pixazo-edit", "replicate",
  "runware", "atlascloud", "wavespeed",
];
/** Every provider key variable the proxy reads. */
export const KEY_VARS = [
  "REVE_API_KEY", "FAL_KEY", "INFERENCE_API_KEY", "AIMLAPI_KEY", "ONEROUTER_API_KEY", "PIXAZO_API_KEY",
  "REPLICATE_API_TOKEN", "RUNWARE_API_KEY", "ATLASCLOUD_API_KEY", "WAVESPEED_API_KEY",
];

/**
 * A proxy of our own in front of the mock, with `keys` ({VAR: value}); its log lines are kept.
 * `command`: how to start it (the native binary, or the Worker under workerd), as words.
 */
export async function startProxy(keys = {}, extra = [], command = [PROXY_BIN]) {
  const args = [...command.slice(1), "--addr", "127.0.0.1:0", "--allow-origin", SITE_URL, ...extra];
  for (const id of ALL_PROVIDERS) args.push("--upstream", `${id}=${MOCK_URL}/${id}`);
  const env = { ...process.env };
  // Cleared, so only a test's own keys (and token secret) count.
  for (const v of [...KEY_VARS, "REMIX_PROXY_SECRET"]) delete env[v];
  Object.assign(env, keys);
  const child = spawn(command[0], args, { env, stdio: ["ignore", "pipe", "inherit"] });
  const lines = [];
  const rl = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    rl.once("line", (first) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(first);
      m ? resolve(m[1]) : reject(new Error(`the proxy printed ${first}`));
    });
    child.once("exit", (code) => reject(new Error(`the proxy exited (${code})`)));
  });
  rl.on("line", (l) => lines.push(l));
  return { url, lines, stop: () => child.kill() };
}

