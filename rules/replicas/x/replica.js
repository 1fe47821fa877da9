// Replica behaviour: X saves a checkbox as soon as it changes. The server may
// refuse (HTTP 500); then the box flips back and an alert says so, as X does.
document.querySelectorAll('input[data-key]').forEach(function (box) {
  box.addEventListener('change', function () {
    var platform = location.pathname.split('/')[1];
    fetch('/__replica/' + platform + '/state/' + box.dataset.key, { method: 'POST', body: box.checked ? 'on' : 'off' })
      .then(function (r) {
        if (!r.ok) {
          box.checked = !box.checked;
          var alert = document.createElement('div');
          alert.setAttribute('role', 'alert');
          alert.className = 'css-175oi2r r-desc';
          alert.textContent = 'Something went wrong. Please try again later.';
          document.querySelector('main').appendChild(alert);
        }
      });
  });
});
