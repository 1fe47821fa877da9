// Shoelace (@shoelace-style/shoelace): sl-switch and sl-checkbox, cherry-picked
// and saved from their `sl-change` events (https://shoelace.style/components/switch,
// https://shoelace.style/components/checkbox).
import '@shoelace-style/shoelace/dist/components/switch/switch.js';
import '@shoelace-style/shoelace/dist/components/checkbox/checkbox.js';
import { save, onOff, derive } from './common.js';

const LIB = 'shoelace';
const $ = (id) => document.getElementById(id);

for (const sw of document.querySelectorAll('sl-switch')) {
  sw.addEventListener('sl-change', () => save(LIB, sw.id, onOff(sw.checked)));
}

const all = $('partners-all');
const children = [$('partner-analytics'), $('partner-ads')];

function syncAll() {
  const value = derive(children[0].checked, children[1].checked);
  all.checked = value === 'on';
  all.indeterminate = value === 'mixed';
  return value;
}
syncAll();

for (const child of children) {
  child.addEventListener('sl-change', () => {
    save(LIB, child.id, onOff(child.checked));
    save(LIB, all.id, syncAll());
  });
}
all.addEventListener('sl-change', () => {
  for (const child of children) {
    child.checked = all.checked;
    save(LIB, child.id, onOff(all.checked));
  }
  save(LIB, all.id, syncAll());
});
