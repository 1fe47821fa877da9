// Carbon (@carbon/web-components): cds-toggle and cds-checkbox, saved from
// their `cds-toggle-changed` / `cds-checkbox-changed` events
// (https://web-components.carbondesignsystem.com/).
import '@carbon/web-components/es/components/toggle/index.js';
import '@carbon/web-components/es/components/checkbox/index.js';
import { save, onOff, wirePartners } from './common.js';

const LIB = 'carbon';

// cds-toggle's state is the `toggled` property; the server gives it as data-value.
for (const t of document.querySelectorAll('cds-toggle[data-value]')) {
  t.toggled = t.dataset.value === 'on';
  t.addEventListener('cds-toggle-changed', (e) => save(LIB, t.id, onOff(e.detail.toggled)));
}

wirePartners(LIB, 'cds-checkbox-changed', (_el, e) => e.detail.checked);
