// Replica behaviour for Google's Gemini Apps Activity page (see rules/gemini.toml).
// The page is a script-rendered app: the controls appear only after the app's
// data arrives, so they are copied from a <template> after a short delay.
// Turning Keep Activity off opens a dialog ("Turn off" / "Turn off and delete
// activity"); turning it on saves at once. The tick box saves on change. The
// auto-delete period is chosen in a two-step dialog (select, Next, Confirm).
(function () {
  var platform = location.pathname.split('/')[1];
  function save(key, value) {
    return fetch('/__replica/' + platform + '/state/' + key, { method: 'POST', body: value });
  }
  setTimeout(function () {
    var root = document.getElementById('yDmH0d');
    root.appendChild(document.getElementById('app-data').content.cloneNode(true));

    var dialog = document.getElementById('turn-off-dialog');
    var pending = null;
    root.querySelectorAll('[role=switch][data-key]').forEach(function (sw) {
      sw.addEventListener('click', function () {
        if (sw.getAttribute('aria-checked') === 'true') {
          pending = sw;
          dialog.hidden = false;
        } else {
          save(sw.dataset.key, 'on').then(function (r) { if (r.ok) sw.setAttribute('aria-checked', 'true'); });
        }
      });
    });
    function turnOff() {
      dialog.hidden = true;
      var sw = pending; pending = null;
      if (!sw) return;
      save(sw.dataset.key, 'off').then(function (r) { if (r.ok) sw.setAttribute('aria-checked', 'false'); });
    }
    document.getElementById('turn-off').addEventListener('click', turnOff);
    document.getElementById('turn-off-delete').addEventListener('click', turnOff);
    document.getElementById('turn-off-cancel').addEventListener('click', function () { dialog.hidden = true; pending = null; });

    root.querySelectorAll('input[type=checkbox][data-key]').forEach(function (box) {
      box.addEventListener('change', function () {
        save(box.dataset.key, box.checked ? 'on' : 'off').then(function (r) { if (!r.ok) box.checked = !box.checked; });
      });
    });

    var opener = document.getElementById('auto-delete-open');
    var current = opener.dataset.value;
    function label() { opener.textContent = 'Auto-deleting activity older than ' + current; }
    label();
    var ad = document.getElementById('auto-delete-dialog');
    var select = document.getElementById('auto-delete-select');
    var step1 = document.getElementById('auto-delete-step1');
    var step2 = document.getElementById('auto-delete-step2');
    opener.addEventListener('click', function () {
      select.value = current;
      step1.hidden = false; step2.hidden = true;
      ad.hidden = false;
    });
    document.getElementById('auto-delete-cancel').addEventListener('click', function () { ad.hidden = true; });
    document.getElementById('auto-delete-next').addEventListener('click', function () {
      document.getElementById('auto-delete-summary').textContent =
        'Activity older than ' + select.value + ' will be deleted automatically.';
      step1.hidden = true; step2.hidden = false;
    });
    document.getElementById('auto-delete-confirm').addEventListener('click', function () {
      var chosen = select.value;
      save('auto-delete', chosen).then(function (r) {
        if (r.ok) { current = chosen; label(); }
        ad.hidden = true;
      });
    });
  }, 400);
})();
