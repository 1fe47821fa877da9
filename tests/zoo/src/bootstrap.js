// Bootstrap (CSS only): native checkboxes styled by .form-check / .form-switch
// (https://getbootstrap.com/docs/5.3/forms/checks-radios/), saved from `change`.
import { save, onOff, derive } from './common.js';

const LIB = 'bootstrap';
const $ = (id) => document.getElementById(id);

for (const sw of document.querySelectorAll('input[role="switch"]')) {
  sw.addEventListener('change', () => save(LIB, sw.id, onOff(sw.checked)));
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
