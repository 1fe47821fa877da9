// Ionic (@ionic/core, custom-elements build): ion-toggle and ion-checkbox,
// saved from their `ionChange` events (https://ionicframework.com/docs/api/toggle,
// https://ionicframework.com/docs/api/checkbox).
import { initialize } from '@ionic/core/components';
import { defineCustomElement as defineToggle } from '@ionic/core/components/ion-toggle.js';
import { defineCustomElement as defineCheckbox } from '@ionic/core/components/ion-checkbox.js';
import { save, onOff, wirePartners } from './common.js';

initialize();
defineToggle();
defineCheckbox();

const LIB = 'ionic';

for (const t of document.querySelectorAll('ion-toggle')) {
  t.addEventListener('ionChange', (e) => save(LIB, t.id, onOff(e.detail.checked)));
}

wirePartners(LIB, 'ionChange', (_el, e) => e.detail.checked);
