// Replica behaviour for Google's activity-control pages (see rules/google.toml).
// The page is a script-rendered app: the settings appear only after the app's
// data arrives, so they are copied from a <template> after a short delay.
// Turning an activity control off opens a dialog ("Turn off" / "Turn off and
// delete activity"); turning it on saves at once. Checkboxes save on change.
(function () {
  var platform = location.pathname.split('/')[1];
  function save(key, value) {
    return fetch('/__replica/' + platform + '/state/' + key, { method: 'POST', body: value });
  }
  setTimeout(function () {
    var tpl = document.getElementById('app-data');
    var root = document.getElementById('yDmH0d');
    root.appendChild(tpl.content.cloneNode(true));
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
  }, 400);
})();
