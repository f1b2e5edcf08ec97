// fal's own Express proxy (@fal-ai/server-proxy), set up the way its README
// says (express.json() and the handler on its route), as the baseline that
// `cargo xtask bench` compares reve-remix-proxy with.
//
// Only two things differ from a production setup, both for the bench:
// - allowedUrlPatterns also accepts the loopback upstream (127.0.0.1 on any
//   port, the bench's fake provider), besides fal's own default hosts;
// - express.json() takes bodies up to 20 MB (its default is 100 kB), so the
//   12 MB request body of the bench gets through.
//
// FAL_KEY comes from the environment. Listens on 127.0.0.1 (port: argv[2] or
// PORT, default 0 = a free one) and prints `listening on http://HOST:PORT` first.
"use strict";

const express = require("express");
const falProxy = require("@fal-ai/server-proxy/express");
const { DEFAULT_ALLOWED_URL_PATTERNS } = require("@fal-ai/server-proxy");

const app = express();
app.disable("x-powered-by");
app.use(express.json({ limit: "20mb" }));
app.all(
  falProxy.route,
  falProxy.createHandler({
    allowedUrlPatterns: [...DEFAULT_ALLOWED_URL_PATTERNS, "127.0.0.1:*/**"],
    allowedEndpoints: ["v1/**"],
    allowUnauthorizedRequests: true,
  }),
);

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const server = app.listen(port, "127.0.0.1", () => {
  const { address, port: bound } = server.address();
  console.log(`listening on http://${address}:${bound}`);
});
