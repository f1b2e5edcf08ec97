// Every export of the package, typed: `tsc --noEmit --strict` (via
// tsconfig.json) fails if the generated .d.ts loses a type or turns one into
// `any`. Never run, only checked.
import init, {
  buildRequest,
  fitImage,
  initSync,
  inspectImage,
  providers,
  RemixClient,
  runAll,
  toDataUrl,
  type Cost,
  type FitResult,
  type Price,
  type RunAllEntry,
  type AspectRatio,
  type ClientConfig,
  type HttpRequest,
  type ImageInfo,
  type Job,
  type JobStatus,
  type JobUpdate,
  type ProviderId,
  type ProviderInfo,
  type RemixError,
  type RemixErrorCode,
  type RemixInput,
  type RemixResult,
  type RunOptions,
} from "../../target/pkg/reve_remix.js";

/** Fails to compile when `T` is `any` (so a lost type is caught). */
type NotAny<T> = 0 extends 1 & T ? never : T;
function typed<T>(value: NotAny<T>): T {
  return value;
}

export async function main(wasm: BufferSource, file: File, signal: AbortSignal): Promise<string> {
  await init();
  await init({ module_or_path: new URL("./reve_remix_bg.wasm", import.meta.url) });
  initSync({ module: wasm });

  const all: ProviderInfo[] = typed(providers());
  const reve: ProviderInfo | undefined = all.find((p) => p.id === "reve");
  const maxImages: number = typed(reve?.maxImages ?? 0);
  const ratios: AspectRatio[] = typed(reve?.aspectRatios ?? []);
  const transport: "base64" | "data-url" | "url" | "upload" | undefined = reve?.imageTransport;

  const bytes = new Uint8Array(await file.arrayBuffer());
  const info: ImageInfo = typed(inspectImage(bytes, file.name));
  const format: "png" | "jpeg" | "webp" | "avif" | "heif" = info.format;
  const dataUrl: string = typed(toDataUrl(bytes));

  const input: RemixInput = {
    prompt: "the cat from <img>0</img> in the hat from <img>1</img>",
    images: [bytes, file, "https://example.com/hat.png"],
    aspectRatio: "16:9",
    version: "latest",
    testTimeScaling: 2,
    upscaleFactor: 2,
    removeBackground: false,
    outputFormat: "png",
  };
  const config: ClientConfig = {
    provider: "fal",
    apiKey: "mock",
    baseUrl: "http://127.0.0.1:8787/fal",
    timeoutMs: 60_000,
    fetch: (url, init) => fetch(url, init),
  };
  const viaProxy: ClientConfig = { provider: "reve", proxyUrl: "https://example.com/remix-proxy" };
  const withGlobalFetch: ClientConfig = { provider: "replicate", fetch: globalThis.fetch };

  const request: HttpRequest = typed(buildRequest(input, config));
  const method: "GET" | "POST" | "PUT" = request.method;
  const headers: Record<string, string> = request.headers;
  const body: Uint8Array | undefined = request.body;

  const client = new RemixClient(config);
  const job: Job = typed(await client.submit(input));
  const job2: Job = typed(await client.submit(input, { signal }));
  const provider: ProviderId = job.provider;
  const update: JobUpdate = typed(await client.status(job));
  const update2: JobUpdate = typed(await client.status(job2, { signal }));
  const status: JobStatus = update.status;
  const queued: number | undefined = update2.queuePosition;
  const logs: string[] | undefined = update.logs;
  await client.cancel(job);

  const options: RunOptions = {
    signal,
    timeoutMs: 120_000,
    onUpdate: (u: JobUpdate) => console.log(u.status, u.queuePosition, u.error?.code, u.retryInMs satisfies number | undefined),
  };
  const result: RemixResult = typed(await client.run(input, options));
  const quick: RemixResult = typed(await new RemixClient(viaProxy).run(input));
  await new RemixClient(withGlobalFetch).run(input, { onUpdate: (u) => void u.status });
  const first = result.images[0];
  const src: string | undefined = first?.url ?? first?.dataUrl;
  const mime: string | undefined = first?.mime;
  const credits: number | undefined = quick.creditsUsed;
  const jobId: string | undefined = result.jobId;

  try {
    inspectImage(new Uint8Array(0));
  } catch (e) {
    const err = e as RemixError;
    const code: RemixErrorCode = err.code;
    const retryable: boolean = err.retryable;
    const httpStatus: number | undefined = err.status;
    const retryAfter: number | undefined = err.retryAfter;
    const requestId: string | undefined = err.requestId;
    const message: string = err.message;
    console.log(code, retryable, httpStatus, retryAfter, requestId, message);
    // A job the provider accepted comes back with the error: read it later.
    const accepted: Job | undefined = err.job;
    if (accepted) await client.status(accepted);
  }
  client.free();

  return [
    maxImages, ratios, transport, format, dataUrl, method, headers, body, provider, status,
    queued, logs, src, mime, credits, jobId,
  ].join(" ");
}

/** runAll, the list prices and the reported cost, typed. */
export async function compare(input: RemixInput, configs: ClientConfig[]): Promise<string> {
  const controller = new AbortController();
  const entries: RunAllEntry[] = await runAll(input, configs, {
    signal: controller.signal,
    timeoutMs: 60_000,
    onUpdate: (provider: ProviderId, update: JobUpdate) => console.log(provider, update.status),
  });
  const lines = entries.map((e) => {
    const ms: number = e.ms;
    if (e.ok) {
      const cost: Cost | undefined = e.result.cost;
      const left: number | undefined = cost?.remaining;
      return `${e.provider} ${ms} ${cost?.amount ?? "?"} ${cost?.unit ?? ""} ${left ?? ""}`;
    }
    const code: RemixErrorCode = e.error.code;
    return `${e.provider} ${ms} ${code}`;
  });
  const price: Price | null = providers()[0].price;
  const usd: number | undefined = price?.usd;
  const checked: string | undefined = price?.checked;
  return [...lines, usd, checked].join("\n");
}

/** fitImage and run's `fit`, typed. */
export async function fitted(file: File, client: RemixClient): Promise<string> {
  const fit: FitResult = typed(await fitImage(file, { maxBytes: 1_400_000, provider: "fal", model: "reve-2.1" }));
  const blob: Blob = fit.blob;
  const resized: boolean = fit.resized;
  const before: ImageInfo = fit.from;
  const again: FitResult = await fitImage(new Uint8Array(await blob.arrayBuffer()), { format: "jpeg", maxSide: 4096 });
  const result: RemixResult = await client.run(
    { prompt: "<img>0</img> at dusk", images: [file] },
    {
      fit: true,
      onUpdate: (u: JobUpdate) => {
        for (const f of u.fitted ?? []) console.log(f.index, f.from, f.to);
      },
    },
  );
  const entries: RunAllEntry[] = await runAll({ prompt: "<img>0</img>", images: [file] }, [{ provider: "reve" }], { fit: true });
  return [resized, before.bytes, again.info.width, result.provider, entries.length].join(" ");
}

// `reve-remix/checks` (package.json's "./checks"): the image checks and fitting alone.
import initChecks, {
  initSync as initChecksSync,
  inspectImage as checkImage,
  toDataUrl as checkedDataUrl,
  fitImage as fitChecked,
  type FitResult as CheckedFit,
  type ImageInfo as CheckedInfo,
} from "../../target/pkg/reve_remix_checks.js";

export async function checksOnly(wasm: BufferSource, file: File): Promise<string> {
  await initChecks();
  initChecksSync({ module: wasm });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const info: CheckedInfo = typed(checkImage(bytes, file.name));
  const same: ImageInfo = info;
  const url: string = typed(checkedDataUrl(bytes));
  const fitted: CheckedFit = await fitChecked(file, { provider: "fal", model: "reve-2.1", format: "webp" });
  const blob: Blob = fitted.blob;
  return `${same.format} ${url.length} ${blob.size}`;
}
