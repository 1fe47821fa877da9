// Looks at the zoo's pages the way privaudit does, in the real Chromium:
// dumps the CDP full accessibility tree, records each widget's role, name and
// state, then clicks each one (a real mouse click at the centre of its box)
// and checks that the server-side state and the AX state both changed.
//
//   python3 tools/serve.py --port 8765 --quiet &
//   node tools/probe.mjs [lib ...]          # default: every site/<lib>
//
// Needs playwright-core (not a zoo dependency; no browser download):
//   npm i --prefix /tmp/zoo-probe playwright-core
//   PLAYWRIGHT_CORE=/tmp/zoo-probe/node_modules/playwright-core (the default)
// Writes out/<lib>.json (AX dump + findings) and out/<lib>.png next to this file.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || '/tmp/zoo-probe/node_modules/playwright-core');
const BASE = process.env.ZOO_URL || 'http://127.0.0.1:8765';
const OUT = path.join(here, 'out');
fs.mkdirSync(OUT, { recursive: true });

const KEYS = ['ads', 'ai-training', 'location-history', 'partners-all', 'partner-analytics', 'partner-ads'];
const INTERESTING = new Set(['switch', 'checkbox', 'button', 'menuitemcheckbox', 'radio']);
const libs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : fs.readdirSync(path.join(here, '..', 'site')).filter((d) => fs.existsSync(path.join(here, '..', 'site', d, 'settings.html')));

const prop = (n, name) => {
  const p = (n.properties || []).find((p) => p.name === name);
  return p ? p.value.value : undefined;
};
const simplify = (n) => ({
  id: n.nodeId,
  parent: n.parentId,
  ignored: n.ignored,
  role: n.role && n.role.value,
  name: n.name && n.name.value,
  checked: prop(n, 'checked'),
  pressed: prop(n, 'pressed'),
  disabled: prop(n, 'disabled'),
  backend: n.backendDOMNodeId,
});

async function serverState(lib) {
  return (await fetch(`${BASE}/__zoo/${lib}/state`)).json();
}
async function reset(lib) {
  await fetch(`${BASE}/__zoo/${lib}/reset`, { method: 'POST' });
}

/** Where a DOM node sits: its tag, the setting id it belongs to, its shadow host. */
const WHERE = `function (keys) {
  let el = this.nodeType === 1 ? this : this.parentElement;
  const tag = el ? el.tagName.toLowerCase() : '#' + this.nodeName;
  const root = this.getRootNode();
  const host = root instanceof ShadowRoot ? root.host.tagName.toLowerCase() + (root.host.id ? '#' + root.host.id : '') : null;
  let key = null;
  for (let e = el; e; e = e.parentElement || (e.getRootNode() instanceof ShadowRoot ? e.getRootNode().host : null)) {
    if (keys.includes(e.id)) { key = e.id; break; }
  }
  const r = el ? el.getBoundingClientRect() : null;
  const style = el ? getComputedStyle(el) : null;
  return { tag, host, key, rect: r && { x: r.x, y: r.y, w: r.width, h: r.height },
           display: style && style.display, opacity: style && style.opacity,
           pointerEvents: style && style.pointerEvents };
}`;

async function describe(cdp, backendNodeId) {
  try {
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId });
    const { result } = await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId,
      functionDeclaration: WHERE,
      arguments: [{ value: KEYS }],
      returnByValue: true,
    });
    return result.value;
  } catch (e) {
    return { error: String(e.message || e) };
  }
}

async function snapshot(cdp) {
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  return nodes.map(simplify);
}

/** The AX nodes (not ignored, toggle-like roles) that belong to each setting. */
async function widgets(cdp) {
  const nodes = await snapshot(cdp);
  const out = [];
  for (const n of nodes) {
    if (n.ignored || !INTERESTING.has(n.role) || !n.backend) continue;
    const where = await describe(cdp, n.backend);
    out.push({ ...n, ...where });
  }
  return { nodes, widgets: out };
}

/** The AX node of a setting's host element (by id), ignored or not. */
async function hostNode(cdp, key) {
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: `#${CSS_escape(key)}` });
  if (!nodeId) return null;
  const { node } = await cdp.send('DOM.describeNode', { nodeId });
  const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { backendNodeId: node.backendNodeId, fetchRelatives: false });
  const n = nodes.find((x) => x.backendDOMNodeId === node.backendNodeId) || nodes[0];
  return { tag: node.nodeName.toLowerCase(), backend: node.backendNodeId, ax: n ? simplify(n) : null };
}
const CSS_escape = (s) => s.replace(/[^a-zA-Z0-9_-]/g, (c) => '\\' + c);

/** Centre of a node's content box, as privaudit's click computes it. */
async function contentCentre(cdp, backendNodeId) {
  await cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId }).catch(() => {});
  const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId });
  const q = model.content;
  return { x: (q[0] + q[2] + q[4] + q[6]) / 4, y: (q[1] + q[3] + q[5] + q[7]) / 4 };
}

async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(400);
}

async function open(context, lib) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure() && r.failure().errorText}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(BASE) && !r.url().startsWith('data:')) problems.push(`offsite request: ${r.url()}`);
  });
  await page.goto(`${BASE}/${lib}/settings`);
  await settle(page);
  const cdp = await context.newCDPSession(page);
  return { page, cdp, problems };
}

async function probe(browser, lib) {
  await reset(lib);
  const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
  const { page, cdp, problems } = await open(context, lib);
  const title = await page.title();
  const { nodes, widgets: found } = await widgets(cdp);
  await page.screenshot({ path: path.join(OUT, `${lib}.png`), fullPage: true });
  const hosts = {};
  for (const key of KEYS) hosts[key] = await hostNode(cdp, key);
  const before = await serverState(lib);
  await page.close();

  // Clicks: once at the centre of the AX node's own box (what privaudit does),
  // once at the centre of the host element's box; each on a fresh page.
  const clicks = {};
  for (const key of KEYS) {
    const ax = found.filter((w) => w.key === key);
    clicks[key] = {};
    for (const how of ['ax-node', 'host']) {
      await reset(lib);
      const { page, cdp } = await open(context, lib);
      const w0 = (await widgets(cdp)).widgets.filter((w) => w.key === key);
      let target = null;
      try {
        if (how === 'ax-node') {
          if (!w0.length) throw new Error('no AX widget node');
          target = await contentCentre(cdp, w0[0].backend);
        } else {
          const h = await hostNode(cdp, key);
          if (!h) throw new Error('no host element');
          target = await contentCentre(cdp, h.backend);
        }
      } catch (e) {
        clicks[key][how] = { error: String(e.message || e) };
        await page.close();
        continue;
      }
      const s0 = await serverState(lib);
      const hit = await page.evaluate(({ x, y }) => {
        let e = document.elementFromPoint(x, y);
        const chain = [];
        while (e && e.shadowRoot) {
          const inner = e.shadowRoot.elementFromPoint(x, y);
          if (!inner || inner === e) break;
          chain.push(e.tagName.toLowerCase());
          e = inner;
        }
        return chain.concat(e ? [e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '')] : []).join(' > ');
      }, target);
      await page.mouse.click(target.x, target.y);
      await settle(page);
      const s1 = await serverState(lib);
      const w1 = (await widgets(cdp)).widgets.filter((w) => w.key === key);
      const changedServer = Object.fromEntries(Object.keys(s1).filter((k) => s1[k] !== s0[k]).map((k) => [k, `${s0[k]} -> ${s1[k]}`]));
      await page.reload();
      await settle(page);
      const w2 = (await widgets(cdp)).widgets.filter((w) => w.key === key);
      clicks[key][how] = {
        at: { x: Math.round(target.x), y: Math.round(target.y) },
        hit,
        server: changedServer,
        ax_before: w0.map((w) => w.checked ?? w.pressed),
        ax_after: w1.map((w) => w.checked ?? w.pressed),
        ax_after_reload: w2.map((w) => w.checked ?? w.pressed),
      };
      await page.close();
    }
  }
  await context.close();
  await reset(lib);
  const result = { lib, title, problems, state: before, hosts, widgets: found, clicks, ax: nodes };
  fs.writeFileSync(path.join(OUT, `${lib}.json`), JSON.stringify(result, null, 1));
  return result;
}

function report(r) {
  const lines = [`## ${r.lib} — "${r.title}"`];
  if (r.problems.length) lines.push('problems:', ...r.problems.map((p) => `  ${p}`));
  for (const key of KEYS) {
    const ws = r.widgets.filter((w) => w.key === key);
    const h = r.hosts[key];
    lines.push(`- ${key}: host <${h && h.tag}> ax=${h && h.ax ? `${h.ax.role}${h.ax.ignored ? '(ignored)' : ''} "${h.ax.name ?? ''}" checked=${h.ax.checked}` : 'none'}`);
    for (const w of ws) {
      lines.push(`    AX ${w.role} "${w.name}" checked=${w.checked} pressed=${w.pressed} disabled=${w.disabled} <${w.tag}> shadow=${w.host || 'no'} box=${w.rect && `${Math.round(w.rect.w)}x${Math.round(w.rect.h)}`} display=${w.display} opacity=${w.opacity}`);
    }
    if (!ws.length) lines.push('    (no toggle-like AX node)');
    for (const [how, c] of Object.entries(r.clicks[key] || {})) {
      lines.push(`    click ${how}: ${c.error ? 'ERROR ' + c.error : `hit=${c.hit} server=${JSON.stringify(c.server)} ax ${JSON.stringify(c.ax_before)} -> ${JSON.stringify(c.ax_after)} (reload ${JSON.stringify(c.ax_after_reload)})`}`);
    }
  }
  const stray = r.widgets.filter((w) => !w.key);
  for (const w of stray) lines.push(`- (unowned) AX ${w.role} "${w.name}" checked=${w.checked} <${w.tag}> shadow=${w.host || 'no'}`);
  return lines.join('\n');
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const lib of libs) {
    const r = await probe(browser, lib);
    console.log(report(r) + '\n');
  }
  console.log(`chromium ${browser.version()}`);
} finally {
  await browser.close();
}
