// <reve-remix-board>: the Reve Remix board, prompt, run and result in any page.
//
//   <script type="module" src="https://your-copy-of-the-site/reve-remix-widget.js"></script>
//   <reve-remix-board provider="reve" proxy-url="https://your-proxy/remix"></reve-remix-board>
//
// Attributes (README, "Embed the widget"): provider, model (e.g. "reve-2.1"; one the
// provider does not sell is an `unknown_model` problem and nothing is sent),
// base-url, proxy-url, proxy-token (sent to the proxy only, as the package's
// ClientConfig.proxyToken), api-key, prompt, aspect-ratio, max-images, and
// auto-fit (images over the limits are shrunk without asking).
//
// `cargo xtask build` writes this file to the root of dist/, with the names of
// the widget's own wasm and JS (in dist/widget/, built from
// web/src/bin/reve-remix-widget.rs) and of the app's stylesheet filled in, all
// hashed; they are found relative to this script (import.meta.url), whatever
// page or path loads it.
const APP_JS = "%APP_JS%";
const APP_WASM = "%APP_WASM%";
const APP_CSS = "%APP_CSS%";
const TAG = "reve-remix-board";
const ATTRIBUTES = [
  "provider", "model", "base-url", "proxy-url", "proxy-token", "aspect-ratio", "prompt", "max-images", "api-key",
  "auto-fit",
];

// Inside the shadow root: the app's stylesheet (its `:root` variables on the
// host, so the page can override --accent, --radius, --font, --font-size,
// ...) and a reset that keeps the page's inherited styles out. The widget
// has its own base size (--font-size, 16px as on the site): the app's `rem`
// would otherwise be the host page's root size (62.5% on many sites).
const WIDGET_CSS = `
:host { display: block !important; contain: content; --font-size: 16px; }
:host([hidden]) { display: none !important; }
.root {
  all: initial; display: block; box-sizing: border-box; font-size: var(--font-size);
  font-family: var(--font); line-height: 1.45; color: var(--text);
  background: var(--bg); border-radius: var(--radius); color-scheme: light dark;
}
.root .app { max-width: none; padding: 1rem; margin: 0; }
.root .layout { grid-template-columns: minmax(0, 1fr); grid-template-areas: none; }
.root .layout > * { grid-area: auto; }
`;

/** `1.5rem` → `calc(1.5 * var(--font-size))`: sizes from the widget's base, not the page's root. */
function ownSizes(css) {
  return css.replace(/(-?(?:\d+\.?\d*|\.\d+))rem\b/g, "calc($1 * var(--font-size))");
}

let loading = null;

/** The widget's module (its wasm initialised once) and the app's stylesheet. */
function load() {
  loading ??= (async () => {
    const here = (name) => new URL(name, import.meta.url).href;
    const [app, css] = await Promise.all([
      import(here(APP_JS)),
      fetch(here(APP_CSS)).then((r) => {
        if (!r.ok) throw new Error(`reve-remix-widget: ${APP_CSS} answered ${r.status}`);
        return r.text();
      }),
    ]);
    await app.default({ module_or_path: here(APP_WASM) });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(ownSizes(css.replaceAll(":root", ":host") + WIDGET_CSS));
    return { app, sheet };
  })();
  return loading;
}

class ReveRemixBoard extends HTMLElement {
  static observedAttributes = ATTRIBUTES;
  #board = null;
  #mounting = null;

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
  }

  connectedCallback() {
    if (this.#board || this.#mounting) return;
    const mounting = load().then(({ app, sheet }) => {
      if (this.#mounting !== mounting || !this.isConnected) return null;
      this.shadowRoot.adoptedStyleSheets = [sheet];
      const root = document.createElement("div");
      root.className = "root";
      this.shadowRoot.replaceChildren(root);
      const emit = (type, detail) =>
        this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
      this.#board = app.mountBoard(root, emit);
      for (const name of ATTRIBUTES) {
        if (this.hasAttribute(name)) this.#board.set(name, this.getAttribute(name));
      }
      this.#mounting = null;
      return this.#board;
    });
    this.#mounting = mounting;
    mounting.catch((e) => console.error("reve-remix-widget: cannot start", e));
  }

  disconnectedCallback() {
    this.#mounting = null;
    if (this.#board) {
      // Stops its run (and so its polling), timers and listeners.
      this.#board.unmount();
      this.#board.free();
      this.#board = null;
    }
    this.shadowRoot.replaceChildren();
  }

  attributeChangedCallback(name, _old, value) {
    this.#board?.set(name, value);
  }

  /** Resolves once the board is mounted (it mounts when the element joins a page). */
  get ready() {
    return this.#board ? Promise.resolve(this) : (this.#mounting ?? load()).then(() => this);
  }

  async #mounted() {
    const board = this.#board ?? (await this.#mounting);
    if (!board) throw new Error("<reve-remix-board> is not in a page");
    return board;
  }

  /** Add a reference image: a Blob or File (checked like a picked file), or a public image URL. */
  async addImage(image) {
    if (typeof image === "string" || image instanceof URL) {
      return (await this.#mounted()).addUrl(String(image));
    }
    if (image instanceof Blob) {
      const bytes = new Uint8Array(await image.arrayBuffer());
      return (await this.#mounted()).addBytes(image.name || "image", bytes);
    }
    throw new TypeError("addImage takes a Blob, a File or an image URL");
  }

  /** Start a remix with what the board holds (events tell how it goes). */
  async run() {
    (await this.#mounted()).run();
  }

  /** Empty the board, the prompt and the results. */
  async clear() {
    (await this.#mounted()).clear();
  }
}

// A second copy of this script (another URL, another tag) must not throw.
if (!customElements.get(TAG)) customElements.define(TAG, ReveRemixBoard);
