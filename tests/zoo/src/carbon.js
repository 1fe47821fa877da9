// Carbon (@carbon/web-components): cds-toggle and cds-checkbox, saved from
// their `cds-toggle-changed` / `cds-checkbox-changed` events
// (https://web-components.carbondesignsystem.com/).
import '@carbon/web-components/es/components/toggle/index.js';
import '@carbon/web-components/es/components/checkbox/index.js';
import { save, onOff, derive } from './common.js';

const LIB = 'carbon';
const $ = (id) => document.getElementById(id);

// cds-toggle's state is the `toggled` property; the server gives it as data-value.
for (const t of document.querySelectorAll('cds-toggle[data-value]')) {
  t.toggled = t.dataset.value === 'on';
  t.addEventListener('cds-toggle-changed', (e) => save(LIB, t.id, onOff(e.detail.toggled)));
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
  child.addEventListener('cds-checkbox-changed', (e) => {
    save(LIB, child.id, onOff(e.detail.checked));
    save(LIB, all.id, syncAll());
  });
}
all.addEventListener('cds-checkbox-changed', (e) => {
  for (const child of children) {
    child.checked = e.detail.checked;
    save(LIB, child.id, onOff(e.detail.checked));
  }
  save(LIB, all.id, syncAll());
});
