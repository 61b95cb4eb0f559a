/** `GET /openapi.json` (generated from the route schemas) and a small docs page that renders it. */
import type { App } from '../app.ts';

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Switchboard API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code{background:#f3f3f3;padding:0 .25rem;border-radius:3px}.op{border-top:1px solid #ddd;padding:.5rem 0}
.m{display:inline-block;min-width:4.5rem;font-weight:600}</style></head>
<body><h1>Switchboard API</h1><p>The machine-readable spec is at <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI 3.1).
Every route except <code>/health</code>, <code>/metrics</code> and the docs needs <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<div id="ops">Loading…</div>
<script>
fetch('/openapi.json').then(r => r.json()).then(spec => {
  const ops = document.getElementById('ops'); ops.textContent = '';
  for (const [path, methods] of Object.entries(spec.paths)) for (const [method, op] of Object.entries(methods)) {
    const div = document.createElement('div'); div.className = 'op';
    const m = document.createElement('span'); m.className = 'm'; m.textContent = method.toUpperCase();
    const p = document.createElement('code'); p.textContent = path;
    div.append(m, p, document.createTextNode(op.summary ? ' — ' + op.summary : '')); ops.append(div);
  }
});
</script></body></html>`;

export function registerDocsRoutes(app: App): void {
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  app.get('/docs', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    reply.header(
      'content-security-policy',
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
    );
    return reply.type('text/html; charset=utf-8').send(DOCS_PAGE);
  });
}
