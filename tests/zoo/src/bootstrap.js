// Bootstrap (CSS only): native checkboxes styled by .form-check / .form-switch
// (https://getbootstrap.com/docs/5.3/forms/checks-radios/), saved from `change`.
import { save, onOff, wirePartners } from './common.js';

const LIB = 'bootstrap';

for (const sw of document.querySelectorAll('input[role="switch"]')) {
  sw.addEventListener('change', () => save(LIB, sw.id, onOff(sw.checked)));
}

wirePartners(LIB, 'change');
