// Replica of the custom elements Reddit's settings pages are built from (see
// rules/reddit.toml). Reddit's own components are custom elements with OPEN
// shadow roots: a settings section renders its rows inside its shadow root,
// and every switch is a <faceplate-switch-input> whose host carries
// role="switch" and aria-checked (userscripts read `aria-checked` on it and
// click it), with the visible track inside its own shadow root. Text fields
// are <faceplate-text-input> with the real <input> inside the shadow root.
// Class names are opaque, like Reddit's generated ones.
(function () {
  'use strict';

  var SWITCH_CSS =
    ':host{display:inline-flex;cursor:pointer;outline:none}' +
    ':host(:focus-visible) .t8x{box-shadow:0 0 0 2px #0045ac}' +
    '.t8x{width:40px;height:24px;border-radius:12px;background:#d9dde1;position:relative;transition:background .1s}' +
    '.k2q{position:absolute;top:2px;left:2px;width:20px;height:20px;border-radius:50%;background:#fff;transition:left .1s}' +
    ':host([aria-checked="true"]) .t8x{background:#0a449b}' +
    ':host([aria-checked="true"]) .k2q{left:18px}' +
    ':host([disabled]){opacity:.5;cursor:default}';

  class FaceplateSwitchInput extends HTMLElement {
    constructor() {
      super();
      var root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<style>' + SWITCH_CSS + '</style><span class="t8x" part="track"><span class="k2q"></span></span>';
      this.addEventListener('click', this._toggle.bind(this));
      this.addEventListener('keydown', function (e) {
        if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); this._toggle(); }
      }.bind(this));
    }
    static get observedAttributes() { return ['checked']; }
    attributeChangedCallback() { this._sync(); }
    connectedCallback() {
      if (!this.hasAttribute('role')) this.setAttribute('role', 'switch');
      if (!this.hasAttribute('tabindex')) this.setAttribute('tabindex', '0');
      this._sync();
    }
    get checked() { return this.hasAttribute('checked'); }
    set checked(on) { if (on) this.setAttribute('checked', ''); else this.removeAttribute('checked'); }
    _sync() { this.setAttribute('aria-checked', this.checked ? 'true' : 'false'); }
    _toggle() {
      if (this.hasAttribute('disabled')) return;
      this.checked = !this.checked;
      this.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    }
  }

  class FaceplateTextInput extends HTMLElement {
    constructor() {
      super();
      var root = this.attachShadow({ mode: 'open' });
      var id = 'i' + Math.random().toString(36).slice(2, 8);
      root.innerHTML =
        '<style>label{display:block;font:12px/16px system-ui,sans-serif;color:#576f76;margin:12px 0 4px}' +
        'input{box-sizing:border-box;width:100%;height:48px;border-radius:20px;border:0;background:#eaedef;padding:0 16px;font:14px system-ui,sans-serif}</style>' +
        '<label for="' + id + '"></label><input id="' + id + '">';
      this._input = root.querySelector('input');
      this._label = root.querySelector('label');
    }
    connectedCallback() {
      this._label.textContent = this.getAttribute('label') || '';
      this._input.name = this.getAttribute('name') || '';
      this._input.type = this.getAttribute('type') || 'text';
      var auto = this.getAttribute('autocomplete');
      if (auto) this._input.setAttribute('autocomplete', auto);
    }
    get value() { return this._input.value; }
  }

  if (!customElements.get('faceplate-switch-input')) customElements.define('faceplate-switch-input', FaceplateSwitchInput);
  if (!customElements.get('faceplate-text-input')) customElements.define('faceplate-text-input', FaceplateTextInput);

  // Shared by the settings sections: save one setting the way Reddit's page
  // does, one request per change; a refused save flips the switch back and
  // shows an alert toast.
  window.__replicaSave = function (sw, key, toastHost) {
    var on = sw.checked;
    fetch('/__replica/reddit/state/' + key, { method: 'POST', body: on ? 'on' : 'off' })
      .then(function (r) {
        if (r.ok) return;
        sw.checked = !on;
        var toast = document.createElement('div');
        toast.setAttribute('role', 'alert');
        toast.className = 'q7ty';
        toast.textContent = 'Something went wrong. Please try again.';
        toastHost.appendChild(toast);
      });
  };
})();
