// Material Web (@material/web): md-switch and md-checkbox, saved from their
// `change` events (https://material-web.dev/components/switch/,
// https://material-web.dev/components/checkbox/).
import '@material/web/switch/switch.js';
import '@material/web/checkbox/checkbox.js';
import { save, onOff, derive } from './common.js';

const LIB = 'material';
const $ = (id) => document.getElementById(id);

// md-switch's state is the `selected` property; the server gives it as data-value.
for (const sw of document.querySelectorAll('md-switch[data-value]')) {
  sw.selected = sw.dataset.value === 'on';
  sw.addEventListener('change', () => save(LIB, sw.id, onOff(sw.selected)));
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
  child.addEventListener('change', () => {
    save(LIB, child.id, onOff(child.checked));
    save(LIB, all.id, syncAll());
  });
}
all.addEventListener('change', () => {
  for (const child of children) {
    child.checked = all.checked;
    save(LIB, child.id, onOff(all.checked));
  }
  save(LIB, all.id, syncAll());
});
