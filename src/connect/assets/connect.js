/*
 * Switchboard hosted connect page. Reads the link token from the URL fragment (never sent to a server),
 * removes it from the address bar, and talks to Switchboard with the token in an Authorization header.
 * Builds every view with DOM APIs (no HTML strings), so the page runs under a strict CSP with
 * Trusted Types. On success it tells its opener (link SDK) with postMessage to a known origin only, and/or
 * sends the customer to the redirect_uri.
 */

(() => {
  const STORE_KEY = 'switchboard.link';
  const AUTO = 'auto';
  const app = document.getElementById('app');

  /** @type {{ token?: string, origin?: string | null, integration?: string | null }} */
  let state = {};
  const fragment = new URLSearchParams(location.hash.slice(1));
  // Back from the vendor's consent page: the outcome is read with a one-time handle, the token restored.
  const oauthResult = fragment.get('oauth_result');
  if (oauthResult) history.replaceState(null, '', location.pathname);
  if (fragment.get('link_token')) {
    state = {
      token: fragment.get('link_token'),
      origin: fragment.get('origin'),
      integration: fragment.get('integration'),
    };
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch {
      // Storage may be disabled; the page still works until it is reloaded.
    }
    history.replaceState(null, '', location.pathname);
  } else {
    try {
      state = JSON.parse(sessionStorage.getItem(STORE_KEY) || '{}') || {};
    } catch {
      state = {};
    }
  }

  let session = null;
  let pickerShown = false;
  let uid = 0;

  // ---------------------------------------------------------------- helpers

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  function nextId(prefix) {
    uid += 1;
    return `${prefix}-${uid}`;
  }

  function brand() {
    return h(
      'p',
      { class: 'brand' },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, 'S'),
      'Switchboard',
    );
  }

  /** Replaces the view and moves focus to its heading (or another element) for screen readers. */
  function show(nodes, title, focusTarget) {
    app.replaceChildren(...nodes);
    document.title = `${title} · Switchboard`;
    const target = focusTarget || app.querySelector('h1');
    if (target) {
      if (!target.hasAttribute('tabindex') && target.tagName === 'H1') target.setAttribute('tabindex', '-1');
      target.focus();
    }
  }

  function validOrigin(value) {
    if (!value) return null;
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value ? value : null;
    } catch {
      return null;
    }
  }

  /** Posts to the opener only at an origin Switchboard or the SDK named, never '*'. */
  function notifyOpener(message) {
    if (!window.opener || window.opener === window) return;
    const target = session?.opener_origin || validOrigin(state.origin);
    if (!target) return;
    try {
      window.opener.postMessage(message, target);
    } catch {
      // The opener went away; nothing to tell.
    }
  }

  async function api(method, path, body, bearer) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${bearer || state.token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      return { ok: false, status: 0, data: null };
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    return { ok: response.ok, status: response.status, data };
  }

  function errorType(data) {
    return data?.details?.error_type || null;
  }

  // ---------------------------------------------------------------- views

  function showInvalid(message) {
    try {
      sessionStorage.removeItem(STORE_KEY);
    } catch {}
    show(
      [
        brand(),
        h(
          'div',
          { class: 'status' },
          h('span', { class: 'badge bad', 'aria-hidden': 'true' }, '!'),
          h('h1', { id: 'title' }, 'This link can’t be used'),
          h('p', { class: 'lead', 'data-state': 'invalid' }, message),
        ),
      ],
      'Link not valid',
    );
    notifyOpener({ type: 'switchboard:error', error_type: 'invalid_token', message, final: true });
  }

  function showFatal(message) {
    show(
      [
        brand(),
        h('h1', { id: 'title' }, 'Something went wrong'),
        h('p', { class: 'lead' }, message),
        h('button', { class: 'button secondary', type: 'button', onclick: () => start() }, 'Try again'),
      ],
      'Something went wrong',
    );
  }

  function showPicker() {
    pickerShown = true;
    const items = session.integrations.map((integration) =>
      h(
        'li',
        null,
        h(
          'button',
          { class: 'button choice', type: 'button', onclick: () => showForm(integration) },
          h('span', null, integration.label),
          h('span', { 'aria-hidden': 'true' }, '→'),
        ),
      ),
    );
    show(
      [
        brand(),
        h('h1', { id: 'title' }, 'Choose the app to connect'),
        h('p', { class: 'lead' }, 'Pick the app whose account you want to link.'),
        h('ul', { class: 'choices' }, items),
      ],
      'Choose the app to connect',
    );
  }

  function fieldControl(field, integration) {
    const id = nextId(`f-${field.name}`);
    const helpId = `${id}-help`;
    const errorId = `${id}-error`;
    const isHost = field.type === 'select' && field.options && field.options.some((o) => o.value === AUTO);
    const helpText = isHost
      ? `${field.help || ''} Auto-detect asks ${integration.label} which region your account is in.`.trim()
      : field.help;
    const common = {
      id,
      name: field.name,
      required: field.required,
      'aria-required': field.required ? 'true' : null,
      'aria-describedby': [helpText ? helpId : '', errorId].filter(Boolean).join(' '),
    };
    let control;
    if (field.type === 'select') {
      control = h(
        'select',
        common,
        (field.options || []).map((option) => h('option', { value: option.value }, option.label)),
      );
    } else {
      control = h('input', {
        ...common,
        type: field.type === 'password' ? 'password' : 'text',
        autocomplete: 'off',
        autocapitalize: 'none',
        spellcheck: 'false',
        placeholder: field.placeholder || null,
      });
    }
    let input = control;
    if (field.type === 'password') {
      const toggle = h(
        'button',
        {
          class: 'button secondary',
          type: 'button',
          'aria-controls': id,
          'aria-pressed': 'false',
          'aria-label': `Show ${field.label}`,
        },
        'Show',
      );
      toggle.addEventListener('click', () => {
        const visible = control.type === 'password';
        control.type = visible ? 'text' : 'password';
        toggle.textContent = visible ? 'Hide' : 'Show';
        toggle.setAttribute('aria-pressed', String(visible));
        toggle.setAttribute('aria-label', `${visible ? 'Hide' : 'Show'} ${field.label}`);
      });
      input = h('div', { class: 'with-toggle' }, control, toggle);
    }
    const error = h('span', { id: errorId, class: 'field-error', hidden: true });
    const wrapper = h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: id },
        field.label,
        field.required ? null : h('span', { class: 'required' }, ' (optional)'),
      ),
      input,
      helpText ? h('span', { id: helpId, class: 'help' }, helpText) : null,
      error,
    );
    return {
      field,
      control,
      wrapper,
      setError(message) {
        if (message) {
          error.textContent = message;
          error.hidden = false;
          control.setAttribute('aria-invalid', 'true');
        } else {
          error.textContent = '';
          error.hidden = true;
          control.removeAttribute('aria-invalid');
        }
      },
    };
  }

  function showForm(integration, alert) {
    if (integration.oauth && !integration.useKeys) return showOAuth(integration, alert);
    const reconnect = session.reconnect;
    const verb = reconnect ? 'Reconnect' : 'Connect';
    const controls = integration.fields.map((field) => fieldControl(field, integration));
    const alertSlot = h('div');
    const status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    const submitLabel = h('span', null, verb);
    const submit = h('button', { class: 'button primary', type: 'submit' }, submitLabel);
    const form = h('form', { novalidate: true, 'aria-labelledby': 'title' }, alertSlot);
    for (const c of controls) form.append(c.wrapper);
    form.append(submit, status);

    function setBusy(busy) {
      submit.disabled = busy;
      form.setAttribute('aria-busy', String(busy));
      submit.replaceChildren(
        ...(busy
          ? [h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, 'Checking your keys…')]
          : [h('span', null, verb)]),
      );
      status.textContent = busy ? `Checking your keys with ${integration.label}…` : '';
    }

    function showAlert(title, message, action) {
      const box = h(
        'div',
        { class: 'alert', role: 'alert', tabindex: '-1', 'data-state': 'error' },
        h('strong', null, title),
        h('p', null, message),
        action || null,
      );
      alertSlot.replaceChildren(box);
      box.focus();
      return box;
    }

    function clearErrors() {
      alertSlot.replaceChildren();
      for (const c of controls) c.setError(null);
    }

    function values() {
      const context = {};
      for (const c of controls) context[c.field.name] = c.control.value.trim();
      return context;
    }

    function checkRequired() {
      let first = null;
      for (const c of controls) {
        if (c.field.required && c.control.value.trim() === '') {
          c.setError(`${c.field.type === 'select' ? 'Choose' : 'Enter'} your ${c.field.label}.`);
          first = first || c.control;
        }
      }
      if (first) first.focus();
      return first === null;
    }

    async function submitForm() {
      clearErrors();
      if (!checkRequired()) return;
      setBusy(true);
      const result = await api('POST', '/connect/link', { integration: integration.name, context: values() });
      setBusy(false);
      if (result.ok) return showSuccess(integration, result.data);
      const data = result.data || {};
      const type = errorType(data);
      const message = data.message || 'Unexpected answer from Switchboard.';
      if (result.status === 0) {
        showAlert(
          'Switchboard could not be reached',
          'Check your internet connection and try again.',
          h('button', { class: 'button secondary', type: 'button', onclick: submitForm }, 'Try again'),
        );
        return;
      }
      if (type === 'invalid_token') return showInvalid(message);
      notifyOpener({
        type: 'switchboard:error',
        error_type: type || 'validation_error',
        message,
        final: false,
      });
      const reason = data.details?.reason;
      if (data.code === 'MISSING_REQUIRED_FIELDS' || (data.details?.fields && !reason)) {
        let first = null;
        for (const c of controls) {
          if ((data.details.fields || []).includes(c.field.name)) {
            c.setError(message);
            first = first || c.control;
          }
        }
        if (first) return first.focus();
      }
      if (reason === 'wrong_region') {
        const { suggested_value: value, suggested_label: label, field } = data.details;
        const host = controls.find((c) => c.field.name === field);
        const action =
          host && value
            ? h(
                'button',
                {
                  class: 'button secondary',
                  type: 'button',
                  onclick: () => {
                    if (![...host.control.options].some((o) => o.value === value)) {
                      host.control.append(h('option', { value }, label || value));
                    }
                    host.control.value = value;
                    submitForm();
                  },
                },
                `Use ${label || value} and ${verb.toLowerCase()}`,
              )
            : null;
        if (host) host.setError('This region does not match your keys.');
        showAlert('These keys belong to another region', message, action);
        return;
      }
      if (reason === 'invalid_credentials') {
        showAlert(
          'Those keys didn’t work',
          `${message} Copy both keys again from ${integration.label}; the keys of a deactivated user stop working.`,
        );
        return;
      }
      if (type === 'connection_error' || result.status >= 500 || result.status === 429) {
        showAlert(
          `We couldn’t reach ${integration.label}`,
          message,
          h('button', { class: 'button secondary', type: 'button', onclick: submitForm }, 'Try again'),
        );
        return;
      }
      showAlert('Please check the form', message);
    }

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!submit.disabled) submitForm();
    });

    const nodes = [brand()];
    if (pickerShown) {
      nodes.push(
        h(
          'p',
          { class: 'back' },
          h('button', { class: 'link-button', type: 'button', onclick: showPicker }, '← Choose another app'),
        ),
      );
    }
    nodes.push(
      h('h1', { id: 'title' }, `${verb} your ${integration.label} account`),
      h(
        'p',
        { class: 'lead' },
        reconnect
          ? `Enter new API keys for your ${integration.label} account. Switchboard checks them with ${integration.label} before replacing the old ones.`
          : `Enter your ${integration.label} API keys. Switchboard checks them with ${integration.label} before saving anything.`,
      ),
      form,
    );
    if (integration.oauth) {
      nodes.push(
        h(
          'p',
          { class: 'back' },
          h(
            'button',
            {
              class: 'link-button',
              type: 'button',
              onclick: () => showForm({ ...integration, useKeys: false }),
            },
            `${integration.oauth.label} instead`,
          ),
        ),
      );
    }
    show(nodes, `${verb} ${integration.label}`);
    if (alert) showAlert(alert.title, alert.message);
  }

  /** "Connect with <vendor>": the fields asked before the redirect, then off to the vendor's consent page. */
  function showOAuth(integration, alert) {
    const reconnect = session.reconnect;
    const verb = reconnect ? 'Reconnect' : 'Connect';
    const controls = integration.oauth.fields.map((field) => fieldControl(field, integration));
    const alertSlot = h('div');
    const status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    const submit = h(
      'button',
      { class: 'button primary', type: 'submit', id: 'oauth-connect' },
      integration.oauth.label,
    );
    const form = h('form', { novalidate: true, 'aria-labelledby': 'title' }, alertSlot);
    for (const c of controls) form.append(c.wrapper);
    form.append(submit, status);

    function showAlert(title, message) {
      const box = h(
        'div',
        { class: 'alert', role: 'alert', tabindex: '-1', 'data-state': 'error' },
        h('strong', null, title),
        h('p', null, message),
      );
      alertSlot.replaceChildren(box);
      box.focus();
    }

    async function go() {
      alertSlot.replaceChildren();
      let missing = null;
      const context = {};
      for (const c of controls) {
        c.setError(null);
        context[c.field.name] = c.control.value.trim();
        if (c.field.required && !context[c.field.name]) {
          c.setError(`Enter your ${c.field.label}.`);
          missing = missing || c.control;
        }
      }
      if (missing) return missing.focus();
      submit.disabled = true;
      status.textContent = `Opening ${integration.label}…`;
      const result = await api('POST', '/connect/oauth/start', { integration: integration.name, context });
      submit.disabled = false;
      status.textContent = '';
      const data = result.data || {};
      if (result.ok && data.authorize_url) {
        try {
          sessionStorage.setItem(STORE_KEY, JSON.stringify({ ...state, integration: integration.name }));
        } catch {}
        return location.assign(data.authorize_url);
      }
      if (result.ok) return showSuccess(integration, data);
      if (errorType(data) === 'invalid_token') return showInvalid(data.message);
      showAlert(
        result.status === 0 ? 'Switchboard could not be reached' : `We couldn’t connect ${integration.label}`,
        result.status === 0 ? 'Check your internet connection and try again.' : data.message || 'Try again.',
      );
    }

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!submit.disabled) go();
    });
    const nodes = [brand()];
    if (pickerShown) {
      nodes.push(
        h(
          'p',
          { class: 'back' },
          h('button', { class: 'link-button', type: 'button', onclick: showPicker }, '← Choose another app'),
        ),
      );
    }
    nodes.push(
      h('h1', { id: 'title' }, `${verb} your ${integration.label} account`),
      h(
        'p',
        { class: 'lead' },
        `You will sign in to ${integration.label} and approve access there. Switchboard never sees your password.`,
      ),
      form,
    );
    if (integration.fields.length > 0) {
      nodes.push(
        h(
          'p',
          { class: 'back' },
          h(
            'button',
            {
              class: 'link-button',
              type: 'button',
              onclick: () => showForm({ ...integration, useKeys: true }),
            },
            `Use ${integration.api_key?.label || 'an API key'} instead`,
          ),
        ),
      );
    }
    show(nodes, `${verb} ${integration.label}`);
    if (alert) showAlert(alert.title, alert.message);
  }

  function showSuccess(integration, result) {
    try {
      sessionStorage.removeItem(STORE_KEY);
    } catch {}
    const facts = h('dl', { class: 'facts' });
    if (result.account_name) facts.append(h('dt', null, 'Account'), h('dd', null, result.account_name));
    if (result.api_host) facts.append(h('dt', null, 'API host'), h('dd', null, result.api_host));
    const hasOpener = Boolean(window.opener && window.opener !== window);
    const next = [];
    if (result.redirect_url) {
      next.push(
        h('p', null, `Taking you back to ${session.redirect_host}…`),
        h('a', { class: 'button primary', href: result.redirect_url }, 'Continue'),
      );
    } else if (hasOpener) {
      next.push(
        h('p', null, 'You can close this window now.'),
        h(
          'button',
          { class: 'button secondary', type: 'button', onclick: () => window.close() },
          'Close window',
        ),
      );
    } else {
      next.push(h('p', null, 'You can close this page now.'));
    }
    const heading = `${integration.label} is ${result.reconnected ? 'reconnected' : 'connected'}`;
    show(
      [
        brand(),
        h(
          'div',
          { class: 'status', 'data-state': 'linked' },
          h('span', { class: 'badge ok', 'aria-hidden': 'true' }, '✓'),
          h('h1', { id: 'title' }, heading),
          h(
            'p',
            { class: 'lead' },
            'Your account is linked. Your keys are stored encrypted and will not be shown again.',
          ),
          facts.childElementCount > 0 ? facts : null,
          next,
        ),
      ],
      heading,
    );
    notifyOpener({
      type: 'switchboard:linked',
      integrated_account_id: result.integrated_account_id,
      integration: result.integration,
    });
    if (result.redirect_url) setTimeout(() => location.assign(result.redirect_url), 1500);
  }

  /** The outcome of the vendor's redirect: linked, or the form again with what went wrong. */
  async function finishOAuth(handle) {
    app.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Finishing…'));
    const result = await api('GET', '/connect/oauth/result', undefined, handle);
    const data = result.data || {};
    if (result.ok) {
      session = { opener_origin: data.opener_origin, redirect_host: data.redirect_host };
      return showSuccess({ label: data.integration_label || data.integration }, data);
    }
    if (errorType(data) === 'invalid_token' || !state.token) {
      return showInvalid(data.message || 'This sign-in has expired. Start again from the app.');
    }
    notifyOpener({
      type: 'switchboard:error',
      error_type: errorType(data) || 'connection_error',
      message: data.message,
      final: false,
    });
    return start({ title: 'The connection was not completed', message: data.message || 'Try again.' });
  }

  async function start(alert) {
    if (!state.token) {
      showInvalid('This page needs a link token. Open it from the link the app gave you.');
      return;
    }
    app.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Loading…'));
    const result = await api('GET', '/connect/session');
    if (!result.ok) {
      const data = result.data || {};
      if (errorType(data) === 'invalid_token') return showInvalid(data.message);
      return showFatal(
        result.status === 0
          ? 'Switchboard could not be reached. Check your internet connection and try again.'
          : data.message || 'Unexpected answer from Switchboard.',
      );
    }
    session = result.data;
    const wanted = session.integration || state.integration;
    const integration = session.integrations.find((i) => i.name === wanted);
    if (integration) return showForm(integration, alert);
    if (session.integrations.length === 0) return showFatal('No integration is available on this server.');
    return showPicker();
  }

  if (oauthResult) finishOAuth(oauthResult);
  else start();
})();
