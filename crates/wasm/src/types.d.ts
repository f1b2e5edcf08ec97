/** What a reference image is, read from its bytes (never from its name). */
export interface ImageInfo {
  format: "png" | "jpeg" | "webp" | "avif" | "heif";
  mime: string;
  width: number;
  height: number;
  bytes: number;
}

/** Every failure: a JS Error with a stable `code` (see the README). */
export interface RemixError extends Error {
  name: "RemixError";
  code: RemixErrorCode;
  status?: number;
  retryable: boolean;
  provider?: string;
  requestId?: string;
  /** Seconds the provider asked to wait before trying again. */
  retryAfter?: number;
  /**
   * Set by `run` when the provider had accepted the job but it could not be
   * followed to its end (the network went away): the job may still finish,
   * and may be paid for. Pass it to `status()` later.
   */
  job?: Job;
}

/** What a provider takes: drives forms and checks. */
export interface ProviderInfo {
  id: ProviderId;
  name: string;
  baseUrl: string;
  maxImages: number;
  maxImageBytes: number;
  formats: ImageInfo["format"][];
  promptMaxChars: number;
  aspectRatios: AspectRatio[];
  /** How the default model's prompts refer to images. */
  referenceSyntax: "img" | "frame";
  imageTransport: "base64" | "data-url" | "url" | "upload";
  asynchronous: boolean;
  options: ("aspectRatio" | "version" | "testTimeScaling" | "upscaleFactor" | "removeBackground" | "outputFormat")[];
  /** Whether browsers may call it directly ("no": use proxyUrl). */
  cors: "yes" | "no" | "unknown";
  /** The list price of one remix on this host, or null where none is published. */
  price: Price | null;
  /** The models it sells, its default first (the fields above describe the default). */
  models: ModelInfo[];
  /** What a person should know before picking it (Reve's reported retirement). */
  notice?: string;
}

export type ModelId = "reve-remix" | "reve-remix-fast" | "reve-2.1";

/** One model as one provider sells it. */
export interface ModelInfo {
  id: ModelId;
  name: "Reve Remix" | "Reve Remix Fast" | "Reve 2.1";
  maxImages: number;
  maxImageBytes: number;
  promptMaxChars: number;
  aspectRatios: AspectRatio[];
  /** How this model's prompts refer to images; the package rewrites `<img>N</img>` for it. */
  referenceSyntax: "img" | "frame";
  /** The list price of one image of it here, or null where none is published. */
  price: Price | null;
}

/** A list price, from the provider's public page. */
export interface Price {
  usd: number;
  per: "image";
  /** Where the figure comes from. */
  source: string;
  /** The month it was read there, "YYYY-MM". */
  checked: string;
  /** What the provider documents as raising it ("testTimeScaling above 1", upscaling), or "". */
  raisedBy: string;
}

/** What the provider reported a run cost, as it reported it. */
export interface Cost {
  amount: number;
  unit: "credits" | "usd";
  /** Left on the account after the run, when the provider says. */
  remaining?: number;
}

export type ProviderId =
  | "reve" | "fal" | "inference-sh" | "aimlapi" | "onerouter" | "pixazo" | "pixazo-edit" | "replicate"
  | "runware" | "atlascloud" | "wavespeed";
export type AspectRatio =
  | "16:9" | "9:16" | "3:2" | "2:3" | "4:3" | "3:4" | "1:1"
  | "auto" | "4:1" | "3:1" | "21:9" | "2:1" | "17:9" | "5:4" | "4:5" | "1:2" | "1:3" | "1:4";

/** What to make. `<img>N</img>` (or `<frame>N</frame>`) in the prompt refers to `images[N]`; each model is sent its own syntax. */
export interface RemixInput {
  prompt: string;
  /** Bytes of a local file (Blob/File too in submit/run), or a public https URL. */
  images: (Uint8Array | ArrayBuffer | Blob | string)[];
  aspectRatio?: AspectRatio;
  version?: string;
  testTimeScaling?: number;
  upscaleFactor?: number;
  removeBackground?: boolean;
  outputFormat?: string;
}

export interface ClientConfig {
  provider: ProviderId;
  /** One of `providers()[i].models`; omitted: the provider's default. Another is `unknown_model`. */
  model?: ModelId;
  /** Kept in memory only; never sent anywhere but the provider. Not needed with proxyUrl. */
  apiKey?: string;
  /** Replaces the provider's origin (may carry a path prefix). */
  baseUrl?: string;
  /** Send every request here, the real URL in `x-remix-target-url`, without the key. */
  proxyUrl?: string;
  /**
   * The token a proxy with REMIX_PROXY_SECRET asks for, sent as `x-remix-proxy-token` with every
   * request to it; a function is asked again once after the proxy answers `token_invalid`.
   */
  proxyToken?: string | (() => string | Promise<string>);
  /** Overall deadline of run(), in ms (default 300000). */
  timeoutMs?: number;
  /** A fetch-compatible function used instead of the global fetch. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/** A request as it would be sent (buildRequest never sends it). */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT";
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export type JobStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

/** A submitted job: pass it to status(), cancel() or keep it to look again later. */
export interface Job {
  id: string;
  provider: ProviderId;
  /** The model it runs on; a kept job resumes on it. */
  model: ModelId;
  status: JobStatus;
  requestId?: string;
  statusUrl?: string;
  resultUrl?: string;
  cancelUrl?: string;
  queuePosition?: number;
  logs?: string[];
  /** Set when the provider answered at once (synchronous providers). */
  result?: RemixResult;
}

export interface JobUpdate {
  status: JobStatus;
  queuePosition?: number;
  logs?: string[];
  result?: RemixResult;
  /** The failure, when `status` is "failed" or "cancelled"; with `retryInMs`, the failure about to be retried. */
  error?: RemixError;
  /** Set when a request failed in a way worth retrying (429 with its Retry-After, 502–504, a dropped status read): it is sent again after this many ms. */
  retryInMs?: number;
  /** With `fit: true`, once before the submit: the references that were fitted, their sizes in bytes before and after. */
  fitted?: { index: number; from: number; to: number }[];
}

export interface RemixResult {
  images: { url?: string; dataUrl?: string; mime?: string }[];
  jobId?: string;
  provider: ProviderId;
  model: ModelId;
  creditsUsed?: number;
  /** What the provider reported this run cost (Reve, AI/ML API, Runware). */
  cost?: Cost;
}

/** One provider's outcome in `runAll`, in the order of the configs. */
export type RunAllEntry =
  | { provider: ProviderId; model: ModelId; ok: true; result: RemixResult; ms: number }
  | { provider: ProviderId; model?: ModelId; ok: false; error: RemixError; ms: number };

export interface RunAllOptions {
  /** Cancels every run (each provider is asked to cancel where it can). */
  signal?: AbortSignal;
  onUpdate?: (provider: ProviderId, update: JobUpdate) => void;
  timeoutMs?: number;
  /** Fit each over-limit reference to each provider's model first (see `RunOptions.fit`). */
  fit?: boolean;
}

export interface RunOptions {
  signal?: AbortSignal;
  onUpdate?: (update: JobUpdate) => void;
  timeoutMs?: number;
  /**
   * Fit every reference given as bytes (Uint8Array, ArrayBuffer, Blob) that
   * is over the model's limits, as `fitImage` does, before the submit;
   * `onUpdate` hears `{ status: "queued", fitted }` first. Without it such
   * an image is refused (`image_too_large`, `image_dimensions`).
   */
  fit?: boolean;
}

/** What `fitImage` fits to: a provider's model's limits and formats (Reve's limits without one). */
export interface FitOptions {
  /** A file must be smaller than this many bytes (default: the model's, 1,500,000). */
  maxBytes?: number;
  /** Neither side may be longer (default: the model's, 8192). */
  maxSide?: number;
  /** The format to write (default: WebP, or JPEG for a model that refuses WebP; PNG or WebP keep transparency). */
  format?: "webp" | "jpeg" | "png";
  provider?: ProviderId;
  /** Needs `provider`. */
  model?: ModelId;
}

/** An image within the limits: the one given when it already was (`resized: false`). */
export interface FitResult {
  blob: Blob;
  info: ImageInfo;
  resized: boolean;
  /** The image given. */
  from: ImageInfo;
}

export type RemixErrorCode =
  | "unknown_provider" | "unknown_model" | "missing_api_key" | "empty_prompt" | "prompt_too_long" | "no_images"
  | "too_many_images" | "empty_image" | "unsupported_format" | "truncated_image" | "corrupt_image"
  | "image_too_large" | "image_dimensions" | "unknown_reference" | "invalid_option"
  | "unauthorized" | "insufficient_credits" | "rate_limited" | "content_violation"
  | "provider_rejected" | "provider_error" | "malformed_response" | "job_failed" | "network"
  | "timeout" | "cancelled"
  | "unsupported_environment" | "undecodable_image";
