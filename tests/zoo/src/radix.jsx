// Radix Primitives (@radix-ui/react-switch, @radix-ui/react-checkbox) in React,
// saved from `onCheckedChange` (https://www.radix-ui.com/primitives/docs/components/switch,
// https://www.radix-ui.com/primitives/docs/components/checkbox).
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import * as Switch from '@radix-ui/react-switch';
import * as Checkbox from '@radix-ui/react-checkbox';
import { save, onOff, derive } from './common.js';

const LIB = 'radix';
const initial = JSON.parse(document.getElementById('state').textContent);

function SwitchRow({ id, label, disabled }) {
  const [checked, setChecked] = useState(initial[id] === 'on');
  return (
    <div className="row">
      <label htmlFor={id}>{label}</label>
      <Switch.Root
        className="SwitchRoot"
        id={id}
        checked={checked}
        disabled={disabled}
        onCheckedChange={(on) => {
          setChecked(on);
          save(LIB, id, onOff(on));
        }}
      >
        <Switch.Thumb className="SwitchThumb" />
      </Switch.Root>
    </div>
  );
}

function CheckRow({ id, label, checked, onChange, child }) {
  return (
    <div className={child ? 'row child' : 'row'}>
      <span>
        <Checkbox.Root className="CheckboxRoot" id={id} checked={checked} onCheckedChange={onChange}>
          <Checkbox.Indicator>{checked === 'indeterminate' ? '–' : '✓'}</Checkbox.Indicator>
        </Checkbox.Root>
        <label htmlFor={id}>{label}</label>
      </span>
    </div>
  );
}

function Partners() {
  const [analytics, setAnalytics] = useState(initial['partner-analytics'] === 'on');
  const [ads, setAds] = useState(initial['partner-ads'] === 'on');
  const all = derive(analytics, ads);
  const allChecked = all === 'mixed' ? 'indeterminate' : all === 'on';
  const child = (id, set, other) => (on) => {
    set(on === true);
    save(LIB, id, onOff(on === true));
    save(LIB, 'partners-all', derive(id === 'partner-analytics' ? on === true : other, id === 'partner-ads' ? on === true : other));
  };
  return (
    <fieldset>
      <legend>Data sharing</legend>
      <CheckRow
        id="partners-all"
        label="Share with all partners"
        checked={allChecked}
        onChange={(on) => {
          const v = on === true;
          setAnalytics(v);
          setAds(v);
          save(LIB, 'partner-analytics', onOff(v));
          save(LIB, 'partner-ads', onOff(v));
          save(LIB, 'partners-all', onOff(v));
        }}
      />
      <CheckRow id="partner-analytics" label="Analytics partners" checked={analytics} onChange={child('partner-analytics', setAnalytics, ads)} child />
      <CheckRow id="partner-ads" label="Advertising partners" checked={ads} onChange={child('partner-ads', setAds, analytics)} child />
    </fieldset>
  );
}

function Settings() {
  return (
    <form onSubmit={(e) => e.preventDefault()}>
      <h2>Ads and AI</h2>
      <SwitchRow id="ads" label="Personalised ads" />
      <SwitchRow id="ai-training" label="Use my content to train AI" />
      <SwitchRow id="location-history" label="Location history" disabled />
      <Partners />
    </form>
  );
}

createRoot(document.getElementById('root')).render(<Settings />);
