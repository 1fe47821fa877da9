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
