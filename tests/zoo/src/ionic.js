// Ionic (@ionic/core, custom-elements build): ion-toggle and ion-checkbox,
// saved from their `ionChange` events (https://ionicframework.com/docs/api/toggle,
// https://ionicframework.com/docs/api/checkbox).
import { initialize } from '@ionic/core/components';
import { defineCustomElement as defineToggle } from '@ionic/core/components/ion-toggle.js';
import { defineCustomElement as defineCheckbox } from '@ionic/core/components/ion-checkbox.js';
import { save, onOff, derive } from './common.js';

initialize();
defineToggle();
defineCheckbox();

const LIB = 'ionic';
const $ = (id) => document.getElementById(id);

for (const t of document.querySelectorAll('ion-toggle')) {
  t.addEventListener('ionChange', (e) => save(LIB, t.id, onOff(e.detail.checked)));
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
  child.addEventListener('ionChange', (e) => {
    save(LIB, child.id, onOff(e.detail.checked));
    save(LIB, all.id, syncAll());
  });
}
all.addEventListener('ionChange', (e) => {
  for (const child of children) {
    child.checked = e.detail.checked;
    save(LIB, child.id, onOff(e.detail.checked));
  }
  save(LIB, all.id, syncAll());
});
