// The package in a module Web Worker: the page posts a File and a prompt,
// the worker checks the image, runs the remix and posts every update back.
import init, { inspectImage, RemixClient } from "./pkg/reve_remix.js";

const ready = init(); // the wasm is fetched relative to reve_remix.js

self.onmessage = async ({ data: { file, prompt, provider, mock } }) => {
  try {
    await ready;
    const info = inspectImage(new Uint8Array(await file.arrayBuffer()), file.name);
    self.postMessage({ type: "info", info });
    const client = new RemixClient({ provider, apiKey: "mock", baseUrl: `${mock}/${provider}` });
    const result = await client.run(
      { prompt, images: [file] },
      { onUpdate: (update) => self.postMessage({ type: "update", update }) },
    );
    self.postMessage({ type: "result", result });
  } catch (e) {
    // A RemixError is an Error: send its fields, not the object.
    self.postMessage({ type: "error", code: e.code ?? "error", message: e.message });
  }
};
