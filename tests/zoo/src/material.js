// Material Web (@material/web): md-switch and md-checkbox, saved from their
// `change` events (https://material-web.dev/components/switch/,
// https://material-web.dev/components/checkbox/).
import '@material/web/switch/switch.js';
import '@material/web/checkbox/checkbox.js';
import { save, onOff, wirePartners } from './common.js';

const LIB = 'material';

// md-switch's state is the `selected` property; the server gives it as data-value.
for (const sw of document.querySelectorAll('md-switch[data-value]')) {
  sw.selected = sw.dataset.value === 'on';
  sw.addEventListener('change', () => save(LIB, sw.id, onOff(sw.selected)));
}

wirePartners(LIB, 'change');
