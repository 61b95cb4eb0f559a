/**
 * The hosted connect page: a static HTML shell plus one stylesheet and one script (no inline code, so
 * the CSP can forbid it), and the link SDK script that opens the page in a popup. The assets are read
 * once at start; their content hash versions the URLs the shell refers to.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface Asset {
  body: string;
  type: string;
  etag: string;
  version: string;
}

function load(file: string, type: string): Asset {
  const body = fs.readFileSync(new URL(`./assets/${file}`, import.meta.url), 'utf8');
  const hash = createHash('sha256').update(body).digest('base64url');
  return { body, type, etag: `"${hash.slice(0, 32)}"`, version: hash.slice(0, 12) };
}

export const ASSETS: Record<string, Asset> = {
  'connect.css': load('connect.css', 'text/css; charset=utf-8'),
  'connect.js': load('connect.js', 'text/javascript; charset=utf-8'),
};

export const LINK_SDK = load('link-sdk.js', 'text/javascript; charset=utf-8');

/** Only this server's own files run or style the page; nothing may frame it or submit a form natively. */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'cache-control': 'no-store',
};

const css = ASSETS['connect.css']!;
const js = ASSETS['connect.js']!;

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>Connect your account</title>
<link rel="stylesheet" href="/connect/assets/connect.css?v=${css.version}">
<script src="/connect/assets/connect.js?v=${js.version}" defer></script>
</head>
<body>
<div class="shell">
<main id="main" class="card" aria-labelledby="title">
<noscript><h1 id="title">JavaScript is needed</h1><p>This page needs JavaScript to send your keys securely. Turn it on and reload the page.</p></noscript>
<div id="app"><p class="loading" role="status">Loading…</p></div>
</main>
<p class="footer">Your keys are sent over an encrypted connection and stored encrypted. They are never shown again.</p>
</div>
</body>
</html>
`;
