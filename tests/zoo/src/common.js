// Shared page logic for the zoo's settings pages: how a change is saved,
// as a real site's script would (one request per change).

/** POSTs a setting's new value (`on`, `off` or `mixed`) to the replica server. */
export function save(lib, key, value) {
  const status = document.getElementById('status');
  return fetch(`/__replica/${lib}/state/${key}`, { method: 'POST', body: value })
    .then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      if (status) status.textContent = 'Saved';
    })
    .catch(() => {
      if (status) status.textContent = 'Could not save your change. Please try again.';
    });
}

export const onOff = (b) => (b ? 'on' : 'off');

/** The "all partners" value two child settings add up to. */
export function derive(a, b) {
  if (a && b) return 'on';
  if (!a && !b) return 'off';
  return 'mixed';
}

/**
 * Wires the page's tri-state group: `#partners-all` (mixed when its two
 * children differ) over `#partner-analytics` and `#partner-ads`, each change
 * saved. `event` is the library's change event; `checkedOf(element, event)`
 * the new value it reports (the `checked` property unless the library puts it
 * in the event's detail).
 */
export function wirePartners(lib, event, checkedOf = (el) => el.checked) {
  const all = document.getElementById('partners-all');
  const children = [document.getElementById('partner-analytics'), document.getElementById('partner-ads')];
  const syncAll = () => {
    const value = derive(children[0].checked, children[1].checked);
    all.checked = value === 'on';
    all.indeterminate = value === 'mixed';
    return value;
  };
  syncAll();
  for (const child of children) {
    child.addEventListener(event, (e) => {
      save(lib, child.id, onOff(checkedOf(child, e)));
      save(lib, all.id, syncAll());
    });
  }
  all.addEventListener(event, (e) => {
    const on = checkedOf(all, e);
    for (const child of children) {
      child.checked = on;
      save(lib, child.id, onOff(on));
    }
    save(lib, all.id, syncAll());
  });
}
