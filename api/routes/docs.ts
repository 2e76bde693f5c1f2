import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { defineRoute } from '../route';

/** Scalar's browser bundle, one file in the npm package (no CDN); read once, on the first request. */
const bundlePath = path.join(path.dirname(require.resolve('@scalar/api-reference')), 'browser', 'standalone.js');
let bundle: Promise<Buffer> | undefined;

const bundleUrl = '/docs/assets/scalar.js';
const initUrl = '/docs/assets/init.js';

/** No font, telemetry or AI agent from Scalar's servers: the page talks to Herald only. */
const init = `Scalar.createApiReference('#docs', ${JSON.stringify({
  url: '/openapi.json', withDefaultFonts: false, telemetry: false, agent: { disabled: true }, showDeveloperTools: 'never',
})});\n`;

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Herald API</title>
</head>
<body>
<div id="docs"></div>
<script src="${bundleUrl}"></script>
<script src="${initUrl}"></script>
</body>
</html>
`;

/** Scripts from Herald only; the renderer sets inline styles and calls the API it documents ("Try it"). */
const pageHeaders = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};
const assetHeaders = { 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' };

export const docsRoutes = [
  defineRoute({
    method: 'get',
    path: '/docs',
    summary: 'This API\'s documentation, rendered from /openapi.json by Scalar (HTML)',
    tags: ['system'],
    responses: { 200: { description: 'The page', contentType: 'text/html' } },
    async handler() {
      return { body: page, contentType: 'text/html; charset=utf-8', headers: pageHeaders };
    },
  }),
  defineRoute({
    method: 'get',
    path: bundleUrl,
    summary: 'The documentation page\'s renderer: Scalar\'s browser bundle (@scalar/api-reference)',
    tags: ['system'],
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
    async handler() {
      bundle ??= readFile(bundlePath);
      return { body: await bundle, contentType: 'text/javascript; charset=utf-8', headers: assetHeaders };
    },
  }),
  defineRoute({
    method: 'get',
    path: initUrl,
    summary: 'The documentation page\'s script: points the renderer at /openapi.json',
    tags: ['system'],
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
    async handler() {
      return { body: init, contentType: 'text/javascript; charset=utf-8', headers: assetHeaders };
    },
  }),
];
