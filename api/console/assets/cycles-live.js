// The cycle dashboard, live: every few seconds the page asks the dashboard's JSON endpoint
// (the same numbers as the page) and updates the open step's totals, progress bars and counts.
// When another step has opened, the page reloads. Without this script the page is complete,
// only not live.
(function () {
  var live = document.getElementById('live');
  if (!live || !window.fetch) return;
  var url = live.getAttribute('data-live-url');
  var step = live.getAttribute('data-step');
  var totalText = live.querySelector('[data-live="total"]');
  var template = totalText ? totalText.textContent : '';
  function sameGroup(el, row) {
    return el.getAttribute('data-group') === (row.group === null ? '' : row.group);
  }
  function update(rows) {
    rows.forEach(function (row) {
      live.querySelectorAll('[data-group]').forEach(function (el) {
        if (!sameGroup(el, row)) return;
        var bar = el.querySelector('[data-cell="progress"]');
        if (bar) {
          bar.max = Math.max(1, row.total);
          bar.value = row.completed;
        }
        ['open', 'overdue', 'expired'].forEach(function (k) {
          var cell = el.querySelector('[data-cell="' + k + '"]');
          if (cell) cell.textContent = String(row[k]);
        });
        var done = el.querySelector('[data-cell="completed"]');
        if (done) done.textContent = row.completed + ' / ' + row.total;
      });
    });
  }
  function tick() {
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (board) {
        if (!board) return;
        var now = board.step ? board.step.kind + ':' + board.step.round : '';
        if (now !== step) {
          window.location.reload();
          return;
        }
        if (!board.step) return;
        var t = board.step.total;
        if (totalText) {
          // "3 of 5 completed" / "已完成 3 / 5": the two numbers in the sentence, in its order.
          var n = 0;
          totalText.textContent = template.replace(/\d+/g, function () {
            return String(n++ === 0 ? t.completed : t.total);
          });
        }
        update(board.step.byDepartment.concat(board.step.byManager));
      })
      .catch(function () {})
      .then(function () {
        window.setTimeout(tick, 3000);
      });
  }
  window.setTimeout(tick, 3000);
})();
