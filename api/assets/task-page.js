// Task pages, better with JavaScript: rows are added and removed in place, the key result's kind
// shows only the fields it needs, Enter in a field never submits the form, and after a refused
// submit the first field with an error gets the focus. Without this file every page still works
// (the same buttons post the form and the server answers with the rows changed).
(function () {
  'use strict';
  var RENAMED = ['name', 'id', 'for', 'aria-describedby', 'aria-labelledby', 'data-row', 'data-rows', 'href', 'list'];

  function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  /** The rows that belong to this block (not to a block nested inside one of them). */
  function rowsOf(block) {
    return Array.prototype.filter.call(block.querySelectorAll('[data-row]'), function (row) {
      return row.parentElement.closest('[data-rows]') === block;
    });
  }

  function countInput(block) {
    return block.querySelector('input[type=hidden][name="' + block.getAttribute('data-rows') + '.count"]');
  }

  /** Renames every name, id and reference under `el` from the row prefix `from` to `to`. */
  function rename(el, from, to) {
    var re = new RegExp('(^|[\\s:#])' + escapeRe(from) + '(?=$|[\\s.])', 'g');
    var all = [el].concat(Array.prototype.slice.call(el.querySelectorAll('*')));
    all.forEach(function (node) {
      RENAMED.forEach(function (attr) {
        var v = node.getAttribute(attr);
        if (v !== null) node.setAttribute(attr, v.replace(re, '$1' + to));
      });
      if (node.matches('button[name=action]')) node.value = node.value.replace(re, '$1' + to);
    });
  }

  /** Row numbers people read ("Key result 2") follow the row's place. */
  function renumber(block) {
    rowsOf(block).forEach(function (row, i) {
      var want = block.getAttribute('data-rows') + i;
      var have = row.getAttribute('data-row');
      if (have !== want) rename(row, have, want);
      row.querySelectorAll('[data-num]').forEach(function (label) {
        if (label.closest('[data-row]') === row) label.textContent = label.getAttribute('data-num').replace('#', String(i + 1));
      });
    });
    var n = rowsOf(block).length;
    var count = countInput(block);
    if (count) count.value = String(n);
    var min = Number(block.getAttribute('data-min'));
    var max = Number(block.getAttribute('data-max'));
    rowsOf(block).forEach(function (row) {
      row.querySelectorAll('button.remove').forEach(function (remove) {
        if (remove.closest('[data-rows]') === block) remove.hidden = n <= min;
      });
    });
    var add = Array.prototype.filter.call(block.querySelectorAll('button.add'), function (b) {
      return b.closest('[data-rows]') === block;
    })[0];
    if (add) add.hidden = n >= max;
  }

  /** A copy of a row with nothing typed in it and no errors. */
  function blank(row) {
    var copy = row.cloneNode(true);
    copy.querySelectorAll('.err').forEach(function (e) {
      e.remove();
    });
    copy.querySelectorAll('[aria-invalid]').forEach(function (e) {
      e.removeAttribute('aria-invalid');
      e.removeAttribute('aria-describedby');
    });
    copy.querySelectorAll('.invalid').forEach(function (e) {
      e.classList.remove('invalid');
    });
    copy.classList.remove('invalid');
    copy.querySelectorAll('input, textarea, select').forEach(function (f) {
      if (f.type === 'hidden' || f.type === 'submit') return;
      if (f.type === 'checkbox' || f.type === 'radio') f.checked = false;
      else if (f.tagName === 'SELECT') f.selectedIndex = 0;
      else f.value = '';
      f.removeAttribute('value');
    });
    // Nested blocks (an objective's key results) start with their initial rows.
    copy.querySelectorAll('[data-rows]').forEach(function (inner) {
      var keep = Number(inner.getAttribute('data-initial'));
      rowsOf(inner).forEach(function (r, i) {
        if (i >= keep) r.remove();
      });
    });
    return copy;
  }

  function firstField(el) {
    return el.querySelector('input:not([type=hidden]):not([hidden]), select, textarea');
  }

  function add(block) {
    var rows = rowsOf(block);
    if (!rows.length || rows.length >= Number(block.getAttribute('data-max'))) return;
    var last = rows[rows.length - 1];
    var copy = blank(last);
    rename(copy, last.getAttribute('data-row'), block.getAttribute('data-rows') + rows.length);
    last.after(copy);
    copy.querySelectorAll('[data-rows]').forEach(renumber);
    renumber(block);
    copy.querySelectorAll('[data-kind]').forEach(showFieldsOfKind);
    var field = firstField(copy);
    if (field) field.focus();
  }

  function remove(row) {
    var block = row.parentElement.closest('[data-rows]');
    if (!block || rowsOf(block).length <= Number(block.getAttribute('data-min'))) return;
    var rows = rowsOf(block);
    var next = rows[rows.indexOf(row) + 1] || rows[rows.indexOf(row) - 1];
    row.remove();
    renumber(block);
    var field = next && firstField(next);
    if (field) field.focus();
  }

  /** A key result's kind select shows the fields that kind uses (data-kinds="numeric percent"). */
  function showFieldsOfKind(select) {
    var row = select.closest('[data-row]');
    if (!row) return;
    row.querySelectorAll('[data-kinds]').forEach(function (el) {
      if (el.closest('[data-row]') !== row) return;
      el.hidden = el.getAttribute('data-kinds').split(' ').indexOf(select.value) < 0;
    });
  }

  function start() {
    var form = document.querySelector('form[data-task-form]');
    if (!form) return;
    form.addEventListener('click', function (e) {
      var button = e.target.closest('button[name=action]');
      if (!button) return;
      var value = button.value;
      if (value.indexOf('add:') === 0) {
        e.preventDefault();
        var block = button.closest('[data-rows]');
        if (block) add(block);
      } else if (value.indexOf('remove:') === 0) {
        e.preventDefault();
        var row = button.closest('[data-row]');
        if (row) remove(row);
      }
    });
    form.addEventListener('change', function (e) {
      if (e.target.matches('select[data-kind]')) showFieldsOfKind(e.target);
    });
    // Enter in a one-line field moves on instead of sending the whole form.
    form.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter' || e.isComposing) return;
      var t = e.target;
      if (t.tagName === 'INPUT' && t.type !== 'submit' && t.type !== 'button') e.preventDefault();
    });
    form.querySelectorAll('select[data-kind]').forEach(showFieldsOfKind);
    // The error summary's links focus their field, and after a refused submit the first error has the focus.
    document.querySelectorAll('.banner a[href^="#"]').forEach(function (a) {
      a.addEventListener('click', function (e) {
        var target = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
        if (!target) return;
        e.preventDefault();
        var field = target.matches('input, select, textarea') ? target : firstField(target) || target;
        field.scrollIntoView({ block: 'center' });
        field.focus();
      });
    });
    var first = form.querySelector('[aria-invalid="true"]');
    var summary = document.getElementById('errors');
    if (first) {
      first.scrollIntoView({ block: 'center' });
      first.focus();
    } else if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
