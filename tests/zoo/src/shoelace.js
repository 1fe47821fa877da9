// Shoelace (@shoelace-style/shoelace): sl-switch and sl-checkbox, cherry-picked
// and saved from their `sl-change` events (https://shoelace.style/components/switch,
// https://shoelace.style/components/checkbox).
import '@shoelace-style/shoelace/dist/components/switch/switch.js';
import '@shoelace-style/shoelace/dist/components/checkbox/checkbox.js';
import { save, onOff, wirePartners } from './common.js';

const LIB = 'shoelace';

for (const sw of document.querySelectorAll('sl-switch')) {
  sw.addEventListener('sl-change', () => save(LIB, sw.id, onOff(sw.checked)));
}

wirePartners(LIB, 'sl-change');
