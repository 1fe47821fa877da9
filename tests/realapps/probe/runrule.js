// Replays a privaudit rule file against a running real app the way
// privaudit does it: AX-tree lookup (role + exact collapsed name, name_regex,
// or CSS), clicks at the centre of the element's content box through CDP,
// typing by Input.insertText, "settled" = nothing in flight for 300 ms counted
// from the action (or no network event for 1 s). It is the harness that
// verified the facts in ../README.md, not part of privaudit's test suite.
//
// Needs playwright-core and smol-toml installed OUTSIDE the repo, e.g.
//   mkdir -p /tmp/realapps-probe && cd /tmp/realapps-probe &&
//   npm init -y && npm install playwright-core@1.65.1 smol-toml@1.9.1
// (no browser download: it drives /usr/bin/chromium). Usage:
//   NODE_PATH=/tmp/realapps-probe/node_modules node runrule.js \
//       RULE.toml BASE_URL READ_SH CACHE_DIR DATA_DIR [SETTING_ID...]
// Env: LOGIN_OVERRIDE='{"password":{...},"submit":{...}}' adds form locators
// a rule cannot carry (JupyterLab's password-only form); BLOCK=1 aborts
// image/font/media requests as privaudit does by default.
// Exit 0 when every setting reached private_value on the page after a fresh
// load AND in the app's storage (read.sh).
const fs = require('fs');
const { parse } = require('smol-toml');
const { chromium } = require('playwright-core');
const { execFileSync } = require('child_process');
const [ruleFile, base, readSh, cache, data, ...only] = process.argv.slice(2);
const rule = parse(fs.readFileSync(ruleFile, 'utf8'));
const USER = 'privaudit', PASS = 'correct horse battery staple';
const t0 = Date.now(); const T = () => ((Date.now() - t0) / 1000).toFixed(1).padStart(5) + 's';
const log = (...a) => console.log(T(), ...a);
const collapse = s => (s || '').replace(/\s+/g, ' ').trim();
let problems = 0;
const fail = m => { problems++; log('PROBLEM:', m); };

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await (await browser.newContext()).newPage();
  let blocked = 0;
  if (process.env.BLOCK) await page.route('**/*', r => ['image', 'font', 'media'].includes(r.request().resourceType()) ? (blocked++, r.abort()) : r.continue());
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable'); await cdp.send('Accessibility.enable');
  const foreign = new Set(); let inflight = 0, lastNet = Date.now();
  page.on('request', r => { inflight++; lastNet = Date.now(); const u = new URL(r.url()); if (/^https?:$/.test(u.protocol) && !['127.0.0.1', 'localhost'].includes(u.hostname)) foreign.add(r.url()); });
  const done = () => { inflight = Math.max(0, inflight - 1); lastNet = Date.now(); };
  page.on('requestfinished', done); page.on('requestfailed', done);
  page.on('dialog', d => { log('DIALOG', d.type(), JSON.stringify(d.message())); d.accept(); });
  page.on('framenavigated', f => { if (f === page.mainFrame()) log('url ->', f.url()); });

  let lastSnapMs = 0, lastSnapNodes = 0;
  async function snapshot() {
    const s = Date.now();
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    lastSnapMs = Date.now() - s; lastSnapNodes = nodes.length;
    return nodes.map(n => {
      const o = { ignored: n.ignored, role: n.role && n.role.value, name: collapse(n.name && n.name.value), backend: n.backendDOMNodeId };
      for (const p of n.properties || []) o[p.name] = p.value && p.value.value;
      return o;
    });
  }
  const matches = (loc, n) => !n.ignored && (!loc.role || (n.role || '').toLowerCase() === loc.role.toLowerCase()) &&
    (loc.name !== undefined ? n.name === loc.name : loc.name_regex !== undefined ? new RegExp(loc.name_regex).test(n.name) : true);
  const show = l => l.css ? `css ${l.css}` : `${l.role} ${JSON.stringify(l.name ?? '/' + l.name_regex + '/')}`;
  async function find(loc) {
    if (loc.css) {
      const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: loc.css });
      if (!nodeId) return [];
      const { node } = await cdp.send('DOM.describeNode', { nodeId });
      return [{ backend: node.backendNodeId, role: 'css', name: loc.css }];
    }
    return (await snapshot()).filter(n => matches(loc, n));
  }
  async function appear(loc, ms = 20000) {
    const end = Date.now() + ms;
    for (;;) {
      const f = await find(loc);
      if (f.length) { if (f.length > 1) log(`  note: ${f.length} nodes match ${show(loc)}; using the first`); return f[0]; }
      if (Date.now() > end) throw new Error(`${show(loc)} did not appear in ${ms / 1000}s`);
      await page.waitForTimeout(200);
    }
  }
  async function click(node) {
    await cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: node.backend });
    const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId: node.backend });
    const q = model.content; const x = (q[0] + q[2] + q[4] + q[6]) / 4, y = (q[1] + q[3] + q[5] + q[7]) / 4;
    await page.mouse.click(x, y);
  }
  async function typeInto(node, text) {
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: node.backend });
    await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: 'function(){this.focus(); if (this.select) this.select();}' });
    await cdp.send('Input.insertText', { text });
  }
  // privaudit's rule (src/browser/network.rs): quiet counted from the action
  // at the earliest; settled when nothing is pending for 300 ms, or no
  // network event at all for 1 s.
  async function settle(since = Date.now(), ms = 15000) {
    const end = Date.now() + ms;
    for (;;) {
      const quiet = Math.min(Date.now() - lastNet, Date.now() - since);
      if ((inflight === 0 && quiet >= 300) || quiet >= 1000 || Date.now() > end) return;
      await page.waitForTimeout(50);
    }
  }
  const value = n => n.checked === 'true' ? 'on' : n.checked === 'false' ? 'off' : n.checked ?? (n.pressed === 'true' ? 'on' : n.pressed === 'false' ? 'off' : n.value);
  const readStored = id => execFileSync(readSh, [cache, data, id]).toString().trim();
  const goto = async p => { await page.goto(base + p, { waitUntil: 'load' }); };

  // ---- sign in
  const L = rule.login; const form = Object.assign({}, L, JSON.parse(process.env.LOGIN_OVERRIDE || '{}'));
  await goto(L.url);
  log('login page', page.url());
  if (form.username) await typeInto(await appear(form.username), USER);
  await typeInto(await appear(form.password), PASS);
  const sub = await appear(form.submit);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click(sub)]);
  await settle();
  if (L.signed_in) { const s = await appear(L.signed_in, 30000).catch(e => null); s ? log('signed in: found', show(L.signed_in)) : fail('signed_in probe not found'); }

  // ---- settings
  for (const s of rule.setting) {
    if (only.length && !only.includes(s.id)) continue;
    log(`== ${s.id}: page ${s.page}`);
    const locate = async () => {
      await goto(s.page); await settle();
      for (const o of s.open || []) { const n = await appear(o); log('  open: click', show(o)); await click(n); await settle(); }
      const c = await appear(s.control);
      return c;
    };
    const stored0 = readStored(s.id);
    let c = await locate();
    log(`  control ${show(s.control)}: role=${c.role} name=${JSON.stringify(c.name)} checked=${c.checked} disabled=${!!c.disabled} -> UI ${value(c)}; stored ${stored0}; AX snapshot ${lastSnapNodes} nodes in ${lastSnapMs} ms`);
    const steps = s.apply && s.apply.length ? s.apply : [{ click: 'control' }];
    for (const st of steps) {
      const [kind, arg] = Object.entries(st)[0];
      const tgt = async () => arg === 'control' ? await appear(s.control) : await appear(arg);
      if (kind === 'click') { await click(await tgt()); }
      else if (kind === 'check' || kind === 'uncheck') { const n = await tgt(); if (value(n) !== (kind === 'check' ? 'on' : 'off')) await click(n); }
      else if (kind === 'save') {
        const end = Date.now() + 20000; let b;
        for (;;) { b = await appear(arg); if (!b.disabled || Date.now() > end) break; await page.waitForTimeout(200); }
        if (b.disabled) fail('save button stayed disabled');
        await click(b);
      }
      else if (kind === 'wait_for' || kind === 'expect') { await appear(arg, kind === 'expect' ? 5000 : 20000); }
      else if (kind === 'confirm') { await click(await appear(arg)); }
      log(`  apply: ${kind} ${arg === 'control' ? 'control' : show(arg)}`);
      await settle();
    }
    c = await appear(s.control).catch(() => null);
    log(`  after apply (same page): UI ${c ? value(c) : '(control gone)'}, url ${page.url()}`);
    c = await locate();
    const ui = value(c), stored = readStored(s.id);
    log(`  after reload: UI ${ui}; stored ${stored}; want ${s.private_value}`);
    if (ui !== s.private_value) fail(`${s.id}: UI shows ${ui}, want ${s.private_value}`);
    if (stored !== s.private_value) fail(`${s.id}: app stored ${stored}, want ${s.private_value}`);
  }
  log('requests to other hosts:', JSON.stringify([...foreign]), process.env.BLOCK ? `; blocked ${blocked} image/font/media requests` : '');
  await browser.close();
  log(problems ? `${problems} PROBLEM(S)` : 'ALL OK');
  process.exit(problems ? 1 : 0);
})().catch(e => { console.error(T(), 'ERROR', e.message); process.exit(2); });
