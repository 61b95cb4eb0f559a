/**
 * The authorize endpoint's pages: a consent page naming the client and scopes with Allow and Deny
 * buttons (a form POST back to the authorize path), and an error page for requests that must not be
 * redirected (unknown client, unregistered redirect_uri). Self-contained HTML: no scripts, no external
 * assets. Element ids are stable for browser tests: `#oauth-consent`, `#oauth-client`, `#oauth-scopes`,
 * `#oauth-account`, `#oauth-allow`, `#oauth-deny`, `#oauth-error`.
 */
import type { OAuthAccount } from './types.ts';

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;justify-content:center}
main{background:#fff;margin:48px 16px;padding:28px 32px;border-radius:8px;max-width:440px;width:100%;box-shadow:0 1px 4px #0002}
h1{font-size:20px;margin:0 0 12px}ul{padding-left:20px}code{background:#eef;padding:1px 4px;border-radius:3px}
.actions{display:flex;gap:12px;margin-top:20px}button{font:inherit;padding:8px 18px;border-radius:6px;border:1px solid #888;cursor:pointer}
#oauth-allow{background:#1a73e8;border-color:#1a73e8;color:#fff}label{display:block;margin-top:12px}select{font:inherit;margin-top:4px}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export interface ConsentView {
  vendorName: string;
  clientName: string;
  scopes: string[];
  accounts: readonly OAuthAccount[];
  /** Where the form posts (the authorize path). */
  action: string;
  requestId: string;
}

export function consentPage(view: ConsentView): string {
  const scopes =
    view.scopes.length > 0
      ? `<ul id="oauth-scopes">${view.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('')}</ul>`
      : '<p id="oauth-scopes">No specific permissions requested.</p>';
  const accounts =
    view.accounts.length > 1
      ? `<label for="oauth-account">Account<br><select id="oauth-account" name="account">${view.accounts
          .map((a) => `<option value="${escapeHtml(a.id)}">${escapeHtml(a.name ?? a.id)}</option>`)
          .join('')}</select></label>`
      : `<input type="hidden" name="account" value="${escapeHtml(view.accounts[0]?.id ?? '')}">`;
  return page(
    `Authorize ${view.clientName}`,
    `<form id="oauth-consent" method="post" action="${escapeHtml(view.action)}">
<h1>${escapeHtml(view.vendorName)}: authorize <span id="oauth-client">${escapeHtml(view.clientName)}</span></h1>
<p><strong>${escapeHtml(view.clientName)}</strong> asks to access your account with these permissions:</p>
${scopes}${accounts}
<input type="hidden" name="request_id" value="${escapeHtml(view.requestId)}">
<div class="actions"><button id="oauth-allow" type="submit" name="decision" value="allow">Allow</button>
<button id="oauth-deny" type="submit" name="decision" value="deny">Deny</button></div></form>`,
  );
}

export function errorPage(vendorName: string, message: string): string {
  return page(
    `${vendorName}: authorization error`,
    `<h1>Authorization error</h1><p id="oauth-error">${escapeHtml(message)}</p>`,
  );
}
