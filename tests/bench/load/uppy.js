// The peer page of the first-load bench (issue 25): an Uppy 6 dashboard,
// inline in the page, with the plugins a remix client would use (the
// compressor for big photos, XHR upload), its CSS bundled beside it.
// Built by build.mjs (esbuild --bundle --minify); nothing is uploaded.
import Uppy from "@uppy/core";
import Dashboard from "@uppy/dashboard";
import Compressor from "@uppy/compressor";
import XHRUpload from "@uppy/xhr-upload";
import "@uppy/core/css/style.min.css";
import "@uppy/dashboard/css/style.min.css";

const uppy = new Uppy({ restrictions: { maxNumberOfFiles: 6, allowedFileTypes: ["image/*"] } })
  .use(Dashboard, { inline: true, target: "#uppy", proudlyDisplayPoweredByUppy: false })
  .use(Compressor)
  .use(XHRUpload, { endpoint: "/upload" });

// Readiness, for a person reading the page; the bench itself waits for
// the dashboard's "browse files" button to be visible.
document.documentElement.dataset.uppyReady = String(performance.now());
globalThis.uppy = uppy;
