// The console's small enhancements; every page works without them (forms post as they are).
// Buttons marked data-confirm ask before their form is sent; a form is sent once (a second
// click while the first is on its way does nothing — the server answers 409 to a real repeat).
(function () {
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var button = event.submitter || form.querySelector('button[type=submit]');
    var question = (button && button.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.getAttribute('data-sending') === '1') {
      event.preventDefault();
      return;
    }
    form.setAttribute('data-sending', '1');
  });
  // A file chosen for the people import fills the text area, so the preview shows it.
  var file = document.getElementById('import-file');
  var area = document.getElementById('import-text');
  if (file && area && window.FileReader) {
    file.addEventListener('change', function () {
      var f = file.files && file.files[0];
      if (!f) return;
      var reader = new FileReader();
      reader.onload = function () {
        area.value = String(reader.result || '');
      };
      reader.readAsText(f);
    });
  }
})();
