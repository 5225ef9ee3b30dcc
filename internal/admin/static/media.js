/*
 * Newsdesk media picker for the article editor. Without this script the
 * editor's "Lead image and downloads" fieldset is a plain select and
 * checkboxes that save with the form. With it, a "Choose from the
 * library…" button opens a dialog that searches the whole library
 * (/admin/media/pick) and can set the lead image, attach a document, or
 * insert an image into the body (into Quill when it runs, else as HTML
 * into the plain text box). No inline script or style: the newsroom's CSP
 * allows neither.
 */
(function () {
  'use strict';

  function el(name, attrs, text) {
    var e = document.createElement(name);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    }
    if (text) { e.textContent = text; }
    return e;
  }

  function start() {
    var box = document.getElementById('media-choice');
    if (!box || !window.fetch || typeof document.createElement('dialog').showModal !== 'function') { return; }
    var T = {};
    ['pick', 'title', 'search', 'lead', 'insert', 'attach', 'close', 'none', 'failed', 'noalt'].forEach(function (k) {
      T[k] = box.getAttribute('data-t-' + k) || k;
    });
    var select = document.getElementById('lead_media');
    var open = el('button', { type: 'button', id: 'media-pick', 'aria-haspopup': 'dialog' }, T.pick);
    var legend = box.querySelector('legend');
    var holder = el('p');
    holder.appendChild(open);
    legend.parentNode.insertBefore(holder, legend.nextSibling);

    var dialog = el('dialog', { 'class': 'media-dialog', id: 'media-dialog', 'aria-labelledby': 'media-dialog-h' });
    var heading = el('h2', { id: 'media-dialog-h' }, T.title);
    var form = el('form', { role: 'search' });
    var label = el('label', { 'for': 'media-dialog-q' }, T.search);
    var input = el('input', { id: 'media-dialog-q', type: 'search' });
    var go = el('button', { type: 'submit' }, T.search);
    var status = el('p', { role: 'status', 'aria-live': 'polite', id: 'media-dialog-status' });
    var list = el('ul', { id: 'media-dialog-list' });
    var close = el('button', { type: 'button', id: 'media-dialog-close' }, T.close);
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(go);
    dialog.appendChild(heading);
    dialog.appendChild(form);
    dialog.appendChild(status);
    dialog.appendChild(list);
    dialog.appendChild(close);
    document.body.appendChild(dialog);

    function say(text) { status.textContent = text; }

    function search() {
      var url = box.getAttribute('data-pick-url') + '?q=' + encodeURIComponent(input.value.trim());
      say('…');
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) {
          if (!res.ok) { throw new Error('status ' + res.status); }
          return res.json();
        })
        .then(function (data) { show(data.items || []); })
        .catch(function () { say(T.failed); });
    }

    function show(items) {
      list.textContent = '';
      say(items.length ? '' : T.none);
      items.forEach(function (m) {
        var li = el('li');
        if (m.kind === 'image') {
          li.appendChild(el('img', { src: m.thumb || m.url, alt: m.alt || '' }));
        }
        li.appendChild(el('strong', null, m.name));
        li.appendChild(el('span', null, ' (' + m.type + ', ' + m.size + ')'));
        if (m.kind === 'image' && !m.alt) {
          li.appendChild(el('p', { 'class': 'warn' }, T.noalt));
        }
        var actions = el('p');
        if (m.kind === 'image') {
          action(actions, T.lead, function () { useLead(m); });
          action(actions, T.insert, function () { insertImage(m); });
        } else {
          action(actions, T.attach, function () { attach(m); });
        }
        li.appendChild(actions);
        list.appendChild(li);
      });
    }

    function action(p, text, fn) {
      var b = el('button', { type: 'button' }, text);
      b.addEventListener('click', function () { fn(); dialog.close(); open.focus(); });
      p.appendChild(b);
    }

    function changed(target) {
      // Autosave listens for input on the form.
      target.dispatchEvent(new Event('input', { bubbles: true }));
      target.dispatchEvent(new Event('change', { bubbles: true }));
    }

    function useLead(m) {
      var value = String(m.id);
      var found = false;
      Array.prototype.forEach.call(select.options, function (o) { if (o.value === value) { found = true; } });
      if (!found) { select.appendChild(el('option', { value: value }, m.name)); }
      select.value = value;
      var preview = document.getElementById('lead-preview');
      if (!preview) {
        preview = el('p', { id: 'lead-preview' });
        select.parentNode.parentNode.insertBefore(preview, select.parentNode.nextSibling);
      }
      preview.textContent = '';
      preview.appendChild(el('img', { src: m.thumb || m.url, alt: m.alt || '' }));
      if (!m.alt) { preview.appendChild(el('span', { 'class': 'warn' }, T.noalt)); }
      changed(select);
    }

    function attach(m) {
      var id = 'att-' + m.id;
      var box2 = document.getElementById(id);
      if (!box2) {
        var fs = document.getElementById('attachments');
        var ul = fs.querySelector('ul');
        if (!ul) {
          ul = el('ul');
          var none = document.getElementById('no-documents');
          if (none) { none.parentNode.removeChild(none); }
          fs.appendChild(ul);
        }
        var li = el('li');
        var lab = el('label', { 'class': 'check', 'for': id });
        box2 = el('input', { id: id, name: 'attachments', type: 'checkbox', value: String(m.id) });
        lab.appendChild(box2);
        lab.appendChild(document.createTextNode(' ' + m.name + ' (' + m.type + ', ' + m.size + ')'));
        li.appendChild(lab);
        ul.appendChild(li);
      }
      box2.checked = true;
      changed(box2);
    }

    function insertImage(m) {
      var form = document.getElementById('article-form');
      var quill = form && form.newsdeskEditor && form.newsdeskEditor.quill;
      if (quill && quill.updateContents) {
        var Delta = window.Quill.import('delta');
        var range = quill.getSelection() || { index: quill.getLength() - 1, length: 0 };
        quill.updateContents(new Delta().retain(range.index).insert({ image: m.insert }, { alt: m.alt || '' }), 'user');
        quill.setSelection(range.index + 1, 0, 'silent');
        return;
      }
      var text = document.getElementById('body');
      if (!text) { return; }
      var img = document.createElement('img');
      img.setAttribute('src', m.insert);
      img.setAttribute('alt', m.alt || '');
      var html = '<p>' + img.outerHTML + '</p>';
      var at = typeof text.selectionStart === 'number' ? text.selectionStart : text.value.length;
      text.value = text.value.slice(0, at) + html + text.value.slice(at);
      changed(text);
    }

    form.addEventListener('submit', function (e) { e.preventDefault(); search(); });
    close.addEventListener('click', function () { dialog.close(); open.focus(); });
    open.addEventListener('click', function () {
      dialog.showModal();
      input.focus();
      search();
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
