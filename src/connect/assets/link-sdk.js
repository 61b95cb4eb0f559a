/*
 * Switchboard link SDK. Load it with <script src="https://<switchboard>/link-sdk.js"></script>, then call
 * from a click handler (popups need a user gesture):
 *
 *   const { integrated_account_id, integration } = await SwitchboardLink.authenticate(linkToken);
 *
 * Same shape as Truto's link SDK. Opens the hosted connect page in a popup and resolves when the customer
 * has linked an account. Rejects with a SwitchboardLinkError whose `error_type` is
 *   'closed'            the window was closed before an account was linked,
 *   'blocked'           the browser refused to open the popup,
 *   'invalid_token'     the link token is unknown, expired or already used,
 *   'validation_error'  the window was closed after the vendor refused the keys (wrong keys or region),
 *   'connection_error'  the window was closed after the vendor could not be reached.
 * Options: baseUrl (default: where this script was loaded from), integration (skip the picker),
 * width, height.
 */
(() => {
  const script = document.currentScript;
  const scriptBase = script?.src ? new URL('.', script.src).href : null;

  class SwitchboardLinkError extends Error {
    constructor(errorType, message) {
      super(message);
      this.name = 'SwitchboardLinkError';
      this.error_type = errorType;
    }
  }

  function authenticate(linkToken, options = {}) {
    return new Promise((resolve, reject) => {
      if (typeof linkToken !== 'string' || linkToken === '') {
        reject(new SwitchboardLinkError('invalid_token', 'authenticate() needs the link token as a string'));
        return;
      }
      const base = new URL(options.baseUrl || scriptBase || location.href);
      const pageUrl = new URL(`${base.href.replace(/\/+$/, '')}/connect`);
      const fragment = new URLSearchParams({ link_token: linkToken, origin: location.origin });
      if (options.integration) fragment.set('integration', options.integration);
      pageUrl.hash = fragment.toString();

      const width = options.width || 480;
      const height = options.height || 720;
      const left = Math.max(0, window.screenX + (window.outerWidth - width) / 2);
      const top = Math.max(0, window.screenY + (window.outerHeight - height) / 2);
      const popup = window.open(
        pageUrl.href,
        'switchboard-link',
        `popup=yes,width=${width},height=${height},left=${Math.round(left)},top=${Math.round(top)}`,
      );
      if (!popup) {
        reject(
          new SwitchboardLinkError(
            'blocked',
            'the browser blocked the popup: call authenticate() from a click or key handler',
          ),
        );
        return;
      }
      popup.focus();

      let lastError = null;
      let settled = false;
      const settle = (outcome) => {
        if (settled) return;
        settled = true;
        window.removeEventListener('message', onMessage);
        clearInterval(watcher);
        outcome();
      };
      const onMessage = (event) => {
        if (event.source !== popup || event.origin !== pageUrl.origin) return;
        const data = event.data;
        if (!data || typeof data !== 'object') return;
        if (data.type === 'switchboard:linked') {
          settle(() =>
            resolve({ integrated_account_id: data.integrated_account_id, integration: data.integration }),
          );
          // Let the customer see the confirmation for a moment.
          setTimeout(() => {
            if (!popup.closed) popup.close();
          }, 1200);
        } else if (data.type === 'switchboard:error') {
          lastError = data;
          if (data.final) settle(() => reject(new SwitchboardLinkError(data.error_type, data.message)));
        }
      };
      window.addEventListener('message', onMessage);
      const watcher = setInterval(() => {
        if (!popup.closed) return;
        settle(() =>
          reject(
            lastError
              ? new SwitchboardLinkError(lastError.error_type, lastError.message)
              : new SwitchboardLinkError('closed', 'the window was closed before an account was linked'),
          ),
        );
      }, 300);
    });
  }

  window.SwitchboardLink = { authenticate, SwitchboardLinkError };
})();
