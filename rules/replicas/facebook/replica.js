// Replica behaviour shared by the Accounts Center pages of this platform (see
// the rule file for sources). Accounts Center is a script-rendered app: the
// page shell arrives first and the settings later; each ad setting opens in a
// dialog whose content also arrives late. Saved values live on the replica
// server: POST /__replica/<platform>/state/<setting-id>.
(function () {
  var platform = location.pathname.split('/')[1];
  var seq = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  // The server renders each kept value into a hidden element's attributes.
  function stateOf(key) {
    var holder = document.getElementById('replica-state');
    return holder ? holder.getAttribute('data-' + key) || '' : '';
  }

  function save(key, value) {
    return fetch('/__replica/' + platform + '/state/' + key, { method: 'POST', body: value })
      .then(function (r) {
        var holder = document.getElementById('replica-state');
        if (r.ok && holder) holder.setAttribute('data-' + key, value);
        return r.ok;
      });
  }

  // A Meta-style button: a div with role=button, named by its text.
  function button(text, cls) {
    var b = el('div', { role: 'button', tabindex: '0', class: cls || 'x1i10hfl x1ja2u2z' }, text);
    b.addEventListener('keydown', function (e) { if (e.key === 'Enter') b.click(); });
    return b;
  }

  // Native radios inside a role=radiogroup named by `labelId`.
  function radioGroup(labelId, options, current, onChange) {
    var group = el('div', { role: 'radiogroup', 'aria-labelledby': labelId, class: 'x78zum5 xeuugli' });
    var name = 'r' + (++seq);
    options.forEach(function (opt) {
      var row = el('label', { class: 'xjbqb8w x1n2onr7' });
      var input = el('input', { type: 'radio', name: name, value: opt, class: 'x1i10hfx' });
      input.checked = (opt === current);
      input.addEventListener('change', function () { if (input.checked && onChange) onChange(opt); });
      row.appendChild(input);
      row.appendChild(el('span', { class: 'x193iq5w' }, opt));
      group.appendChild(row);
    });
    return group;
  }

  function checkedIn(group) {
    var c = group.querySelector('input[type=radio]:checked');
    return c ? c.value : null;
  }

  // Opens a modal dialog; its body is built after a short "loading" pause.
  function openDialog(title, build) {
    var overlay = el('div', { class: 'x1n2onr6' });
    var titleId = 'dlg' + (++seq);
    var dialog = el('div', { role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, class: 'xw2csxc x1yztbdb' });
    dialog.appendChild(el('h2', { id: titleId, class: 'x1s688f' }, title));
    var body = el('div', { class: 'x78zum5' });
    body.appendChild(el('div', { role: 'progressbar', 'aria-label': 'Loading...', class: 'xo1l8bm' }, 'Loading…'));
    dialog.appendChild(body);
    var status = el('div', { role: 'status', class: 'x1e56ztr' });
    dialog.appendChild(status);
    var close = button('Close', 'x1c4vz4f');
    close.addEventListener('click', function () { overlay.remove(); });
    dialog.appendChild(close);
    overlay.appendChild(dialog);
    document.body.appendChild(overlay);
    setTimeout(function () { body.textContent = ''; build(body, titleId, status); }, 350);
  }

  // An ad setting whose choice is saved as soon as it is picked.
  function instantChoice(entry) {
    openDialog(entry.title, function (body, titleId, status) {
      body.appendChild(el('p', { class: 'xo1l8bm' }, entry.text));
      body.appendChild(radioGroup(titleId, entry.options, stateOf(entry.key), function (value) {
        save(entry.key, value).then(function (ok) { status.textContent = ok ? 'Your choice has been saved.' : 'Something went wrong. Please try again.'; });
      }));
    });
  }

  // An ad setting that shows a summary first: "Review setting" reveals the
  // choice, and nothing is saved until "Confirm".
  function reviewChoice(entry) {
    openDialog(entry.title, function (body, titleId, status) {
      body.appendChild(el('p', { class: 'xo1l8bm' }, entry.text));
      var review = button('Review setting', 'x1q0g3np');
      body.appendChild(review);
      review.addEventListener('click', function () {
        body.textContent = '';
        setTimeout(function () {
          var group = radioGroup(titleId, entry.options, stateOf(entry.key));
          body.appendChild(group);
          var confirm = button('Confirm', 'x1q0g3np');
          confirm.addEventListener('click', function () {
            var value = checkedIn(group);
            if (!value) return;
            save(entry.key, value).then(function (ok) { status.textContent = ok ? 'Your choice has been saved.' : 'Something went wrong. Please try again.'; });
          });
          body.appendChild(confirm);
        }, 300);
      });
    });
  }

  // Ad preferences: a tab list ("Customize ads", "Manage info") rendered late.
  function renderAdPreferences(config) {
    setTimeout(function () {
      var root = document.getElementById('ac-root');
      root.textContent = '';
      var tabs = el('div', { role: 'tablist', class: 'x6s0dn4' });
      var panels = [];
      config.tabs.forEach(function (tab, i) {
        var t = el('div', { role: 'tab', tabindex: '0', 'aria-selected': i === 0 ? 'true' : 'false', id: 'tab' + i, 'aria-controls': 'panel' + i, class: 'x1ypdohk' }, tab.name);
        var p = el('div', { role: 'tabpanel', id: 'panel' + i, 'aria-labelledby': 'tab' + i, class: 'x1yztbdb' });
        if (i !== 0) p.hidden = true;
        t.addEventListener('click', function () {
          tabs.querySelectorAll('[role=tab]').forEach(function (x) { x.setAttribute('aria-selected', 'false'); });
          t.setAttribute('aria-selected', 'true');
          panels.forEach(function (x) { x.hidden = (x !== p); });
          if (!p.dataset.filled) { p.dataset.filled = '1'; setTimeout(function () { tab.fill(p); }, 250); }
        });
        tabs.appendChild(t);
        panels.push(p);
      });
      root.appendChild(tabs);
      panels.forEach(function (p) { root.appendChild(p); });
      panels[0].dataset.filled = '1';
      config.tabs[0].fill(panels[0]);
    }, 700);
  }

  // A list of entries, each opening its dialog.
  function entryList(panel, entries) {
    entries.forEach(function (entry) {
      var b = button(entry.title);
      b.addEventListener('click', function () {
        if (entry.kind === 'review') reviewChoice(entry);
        else if (entry.kind === 'instant') instantChoice(entry);
      });
      panel.appendChild(b);
    });
  }

  window.AccountsCenterReplica = {
    el: el, button: button, save: save, stateOf: stateOf, radioGroup: radioGroup,
    renderAdPreferences: renderAdPreferences, entryList: entryList
  };
})();
