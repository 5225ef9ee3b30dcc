/*
 * Newsdesk article body editor and autosave.
 *
 * Progressive enhancement of the article edit page: when the page has
 * form#article-form with textarea#body, the textarea is hidden (it stays in the
 * form and is kept in step with the editor) and a Quill editor takes its place,
 * limited to the structure the server's sanitizer keeps. Without JavaScript, or
 * if Quill did not load, the plain textarea still works and still saves.
 *
 * Never lose text: every change is copied to localStorage at once (so closing
 * the tab loses nothing) and, when the form has data-autosave-url, posted there
 * a few seconds after typing stops and when the page is hidden. A conflict
 * (409) stops autosaving with a warning; a lost session (401) keeps the text and
 * saves it once the person has signed in again. On load, text this browser
 * holds that the page does not show is offered back with a button.
 *
 * Plain ES5 and browser APIs: no build step, no inline script or style (the
 * newsroom's Content-Security-Policy forbids both). Docs: docs/EDITOR.md.
 */
(function () {
  'use strict';

  var TEXTS = {
    en: {
      toolbar: 'Formatting',
      paragraph: 'Paragraph',
      h2: 'Heading',
      h3: 'Subheading',
      bold: 'Bold',
      italic: 'Italic',
      link: 'Link',
      ordered: 'Numbered list',
      bullet: 'Bulleted list',
      blockquote: 'Quotation',
      image: 'Image',
      table: 'Insert a table',
      addRow: 'Add row',
      addColumn: 'Add column',
      deleteRow: 'Delete row',
      deleteColumn: 'Delete column',
      deleteTable: 'Delete table',
      tableTools: 'Table',
      body: 'Body',
      placeholder: 'Write the article here…',
      linkTitle: 'Link',
      linkURL: 'Web address (https://…, mailto:… or /…)',
      apply: 'Apply',
      removeLink: 'Remove link',
      cancel: 'Cancel',
      badLink: 'Enter an address that starts with https://, http://, mailto: or /.',
      imageTitle: 'Image by address',
      imageURL: 'Image address on this site (/…)',
      imageAlt: 'Text alternative: what the image shows',
      insert: 'Insert',
      badImage: 'Enter the address of an image on this site, starting with /. Images from elsewhere cannot be shown.',
      altRequired: 'Describe the image for readers who cannot see it.',
      noUpload: 'Image files cannot be pasted or dropped yet: add images by address with the image button.',
      droppedImages: 'Pasted images were left out: only images stored on this site can be shown. Add them with the image button.',
      saved: 'Saved at {time}',
      savedMore: 'Saved at {time}; newer changes are waiting to be saved.',
      keptLocally: 'Not saved yet: a copy is kept in this browser until you save.',
      failed: 'Autosave failed ({why}). Your text is kept in this browser; saving will be tried again.',
      offline: 'no connection',
      conflict: '{by} saved this article after you opened it (it is now version {version}). ' +
        'Autosave has stopped so that neither of you overwrites the other. Your changes are kept in this browser: ' +
        'reload the page to see the saved version, and your text will be offered back.',
      signedOut: 'You are signed out, so this text was not saved. It is kept in this browser: sign in again in another tab ' +
        'and it will be saved when you come back here (or reload this page and restore it).',
      refused: 'The newsroom refused to save (HTTP {status}). Your text is kept in this browser: reload the page and restore it.',
      invalid: 'Not saved: {errors}',
      restoreNew: 'This browser holds text for this article that was not saved (written {when}).',
      restoreOlder: 'This browser holds text for this article that was not saved (written {when}, from version {from}). ' +
        'The article has been saved since (version {to}): restoring puts your text in place of the saved one.',
      restore: 'Restore my text',
      discard: 'Discard it',
      restored: 'Your text was restored.'
    },
    zh: {
      toolbar: '格式',
      paragraph: '正文段落',
      h2: '标题',
      h3: '小标题',
      bold: '加粗',
      italic: '斜体',
      link: '链接',
      ordered: '编号列表',
      bullet: '项目符号列表',
      blockquote: '引文',
      image: '图片',
      table: '插入表格',
      addRow: '插入行',
      addColumn: '插入列',
      deleteRow: '删除行',
      deleteColumn: '删除列',
      deleteTable: '删除表格',
      tableTools: '表格',
      body: '正文',
      placeholder: '在此撰写正文……',
      linkTitle: '链接',
      linkURL: '网址（https://…、mailto:… 或 /…）',
      apply: '确定',
      removeLink: '取消链接',
      cancel: '取消',
      badLink: '请输入以 https://、http://、mailto: 或 / 开头的地址。',
      imageTitle: '按地址插入图片',
      imageURL: '本站图片地址（/…）',
      imageAlt: '替代文字：图片的内容',
      insert: '插入',
      badImage: '请输入以 / 开头的本站图片地址。其他网站的图片无法显示。',
      altRequired: '请为看不到图片的读者描述图片内容。',
      noUpload: '暂不能粘贴或拖入图片文件：请用图片按钮按地址插入。',
      droppedImages: '粘贴内容中的图片已略去：只能显示存放在本站的图片。请用图片按钮插入。',
      saved: '已于 {time} 保存',
      savedMore: '已于 {time} 保存；之后的修改稍后保存。',
      keptLocally: '尚未保存：在您保存之前，本浏览器中留有一份副本。',
      failed: '自动保存失败（{why}）。文字已保留在本浏览器中，稍后将重试。',
      offline: '无法连接',
      conflict: '{by}在您打开本稿之后保存了它（现为第 {version} 版）。为免互相覆盖，自动保存已停止。' +
        '您的修改已保留在本浏览器中：请刷新页面查看已保存的版本，届时可恢复您的文字。',
      signedOut: '您已退出登录，这些文字尚未保存，但已保留在本浏览器中：请在另一个标签页重新登录，' +
        '回到本页时将自动保存（也可刷新本页后恢复）。',
      refused: '新闻编辑部拒绝保存（HTTP {status}）。文字已保留在本浏览器中：请刷新页面后恢复。',
      invalid: '未保存：{errors}',
      restoreNew: '本浏览器中有这篇稿件尚未保存的文字（写于 {when}）。',
      restoreOlder: '本浏览器中有这篇稿件尚未保存的文字（写于 {when}，基于第 {from} 版）。' +
        '此后稿件已另行保存（第 {to} 版）：恢复将以您的文字替换已保存的内容。',
      restore: '恢复我的文字',
      discard: '丢弃',
      restored: '已恢复您的文字。'
    }
  };

  // Timings, in milliseconds.
  var AUTOSAVE_DELAY = 3000; // after the last change
  var AUTOSAVE_MAX_WAIT = 15000; // even while typing goes on
  var RETRY_DELAY = 10000; // after a failed autosave
  var SIGNED_OUT_RETRY = 30000; // while signed out
  var KEEP_LOCAL = 30 * 24 * 3600 * 1000; // local copies older than this are dropped
  var KEEPALIVE_LIMIT = 60000; // browsers refuse keepalive bodies over 64 KiB

  var STORAGE_PREFIX = 'newsdesk.unsaved:';
  var NOT_RESTORED = { csrf: true, version: true, body: true };

  // The structure the server's sanitizer (internal/markup) keeps, and so the
  // only structure the editor produces.
  var FORMATS = ['header', 'bold', 'italic', 'underline', 'strike', 'script', 'link', 'list', 'indent',
    'blockquote', 'code', 'code-block', 'image', 'table'];
  var ALLOWED = toSet('P BR HR H1 H2 H3 H4 H5 H6 STRONG B EM I U S SUB SUP BLOCKQUOTE UL OL LI FIGURE FIGCAPTION ' +
    'TABLE CAPTION THEAD TBODY TFOOT TR TH TD PRE CODE A IMG Q CITE ABBR SMALL MARK DEL INS');
  var DROPPED = toSet('SCRIPT STYLE TEMPLATE TEXTAREA SELECT SVG MATH IFRAME OBJECT EMBED NOSCRIPT HEAD TITLE META LINK ' +
    'BUTTON INPUT');
  var ATTRIBUTES = {
    A: toSet('href'),
    IMG: toSet('src alt width height'),
    TD: toSet('colspan rowspan'),
    TH: toSet('colspan rowspan')
  };

  function toSet(words) {
    var set = {};
    words.split(' ').forEach(function (w) { if (w) { set[w] = true; } });
    return set;
  }

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  function clock(d) { return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()); }

  function dateTime(d) {
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
      pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) { e.textContent = text; }
    return e;
  }

  // goodLink accepts web, mail and same-site addresses: what the sanitizer
  // keeps in a link.
  function goodLink(url) {
    return /^(https?:\/\/[^\s]+|mailto:[^\s]+|\/[^\s]*|#[^\s]*)$/i.test(url) && !/^\/\//.test(url);
  }

  // keptImage accepts the image addresses the sanitizer keeps: web and
  // relative ones, no data:, file: or blob: images.
  function keptImage(url) {
    return /^(https?:\/\/[^\s]+|\/[^\s]*)$/i.test(url) && !/^\/\//.test(url);
  }

  // siteImage accepts images of this site only: the Content-Security-Policy
  // (img-src 'self') blocks every other, in the newsroom and on the site.
  function siteImage(url) {
    if (/^https?:\/\//i.test(url) && url.indexOf(location.origin + '/') === 0) {
      url = url.slice(location.origin.length);
    }
    return /^\/[^\s\/][^\s]*$/.test(url) || url === '/';
  }

  function normalSpace(s) { return String(s == null ? '' : s).replace(/[\s\u00a0]+/g, ' ').trim(); }

  // cleanHTML reduces editor output to the allowed structure: unknown elements
  // are unwrapped, scripts and styles dropped with their content, attributes
  // kept only where the sanitizer keeps them, empty paragraphs removed and
  // runs of quotation lines joined into one blockquote.
  function cleanHTML(html) {
    // Quill marks tables with an inline style in its semantic HTML; take it
    // out before parsing so no style attribute is ever parsed.
    html = html.replace(/<table style="[^"]*">/g, '<table>');
    var doc = new DOMParser().parseFromString('<!DOCTYPE html><html><body>' + html + '</body></html>', 'text/html');
    var body = doc.body;
    cleanChildren(body);
    removeEmptyBlocks(body);
    joinQuotes(doc, body);
    return body.innerHTML;
  }

  function cleanChildren(node) {
    var child = node.firstChild;
    while (child) {
      var next = child.nextSibling;
      if (child.nodeType === 1) {
        var tag = child.nodeName.toUpperCase();
        if (DROPPED[tag]) {
          node.removeChild(child);
        } else if (!ALLOWED[tag]) {
          cleanChildren(child);
          unwrap(child);
        } else {
          cleanElement(child, tag);
        }
      } else if (child.nodeType !== 3) {
        node.removeChild(child); // comments and the like
      }
      child = next;
    }
  }

  function cleanElement(e, tag) {
    var keep = ATTRIBUTES[tag] || {};
    Array.prototype.slice.call(e.attributes).forEach(function (a) {
      if (!keep[a.name.toLowerCase()]) { e.removeAttribute(a.name); }
    });
    if (tag === 'A' && !goodLink(e.getAttribute('href') || '')) {
      cleanChildren(e);
      unwrap(e);
      return;
    }
    if (tag === 'IMG') {
      if (!keptImage(e.getAttribute('src') || '')) {
        e.parentNode.removeChild(e);
        return;
      }
      ['width', 'height'].forEach(function (n) {
        var v = e.getAttribute(n);
        if (v != null && !/^[0-9]{1,5}%?$/.test(v)) { e.removeAttribute(n); }
      });
    }
    if (tag === 'TD' || tag === 'TH') {
      ['colspan', 'rowspan'].forEach(function (n) {
        var v = e.getAttribute(n);
        if (v != null && !/^[0-9]{1,4}$/.test(v)) { e.removeAttribute(n); }
      });
    }
    cleanChildren(e);
  }

  function unwrap(e) {
    var parent = e.parentNode;
    while (e.firstChild) { parent.insertBefore(e.firstChild, e); }
    parent.removeChild(e);
  }

  function removeEmptyBlocks(body) {
    Array.prototype.slice.call(body.querySelectorAll('p, h1, h2, h3, h4, h5, h6, blockquote')).forEach(function (b) {
      if (!b.querySelector('img, hr, table') && normalSpace(b.textContent) === '') {
        b.parentNode.removeChild(b);
      }
    });
  }

  // joinQuotes turns consecutive quotation lines (Quill's one blockquote per
  // line) into one blockquote of paragraphs, which Quill reads back as the
  // same lines.
  function joinQuotes(doc, body) {
    var child = body.firstChild;
    while (child) {
      if (child.nodeName === 'BLOCKQUOTE' && child.nextSibling && child.nextSibling.nodeName === 'BLOCKQUOTE') {
        var quote = doc.createElement('blockquote');
        body.insertBefore(quote, child);
        while (quote.nextSibling && quote.nextSibling.nodeName === 'BLOCKQUOTE') {
          var line = quote.nextSibling;
          var p = doc.createElement('p');
          while (line.firstChild) { p.appendChild(line.firstChild); }
          quote.appendChild(p);
          body.removeChild(line);
        }
        child = quote.nextSibling;
      } else {
        child = child.nextSibling;
      }
    }
  }

  // preparePaste turns pasted HTML (from Word, WPS, Google Docs or a web
  // page) into plain markup before Quill parses it. Their style attributes and
  // <style> elements must not be parsed at all: under the newsroom's CSP every
  // one would be refused and reported. What they carry that the allowed
  // structure keeps is turned into markup first (Word's list paragraphs into
  // lists, bold and italic spans into b and i); the rest of the styling goes.
  var START_TAG = /<([a-zA-Z][^\s\/>]*)((?:\s+[^\s"'>\/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/g;
  var STYLE_ATTR = /\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;

  function preparePaste(html) {
    var listTypes = {};
    html = html.replace(/<style[^>]*>([\s\S]*?)<\/style\s*>/gi, function (all, css) {
      css.replace(/@list\s+(l\d+:level\d+)\s*\{([^}]*)\}/gi, function (a, key, rules) {
        var m = /mso-level-number-format\s*:\s*([\w-]+)/i.exec(rules);
        listTypes[key.toLowerCase()] = m && m[1].toLowerCase() === 'bullet' ? 'bullet' : 'ordered';
        return a;
      });
      return '';
    });
    html = html.replace(START_TAG, function (tag, name, attrs, selfClose) {
      var m = STYLE_ATTR.exec(attrs);
      if (!m) { return tag; }
      var style = (m[1] != null ? m[1] : m[2] != null ? m[2] : m[3] || '').replace(/\s+/g, ' ');
      var marks = '';
      var list = /mso-list\s*:\s*(l\d+)\s+(level\d+)/i.exec(style);
      if (/mso-list\s*:\s*ignore/i.test(style)) {
        marks += ' data-nd-ignore=""';
      } else if (list) {
        marks += ' data-nd-list="' + (listTypes[(list[1] + ':' + list[2]).toLowerCase()] || 'ordered') + '"' +
          ' data-nd-level="' + list[2].slice(5) + '" data-nd-id="' + list[1] + '"';
      }
      if (/(^|;)\s*font-weight\s*:\s*(bold|bolder|[6-9]00)\b/i.test(style)) {
        marks += ' data-nd-b=""';
      } else if (/(^|;)\s*font-weight\s*:\s*(normal|[1-4]00)\b/i.test(style)) {
        marks += ' data-nd-unb=""';
      }
      if (/(^|;)\s*font-style\s*:\s*italic\b/i.test(style)) { marks += ' data-nd-i=""'; }
      return '<' + name + attrs.replace(STYLE_ATTR, '') + marks + (selfClose ? ' /' : '') + '>';
    });
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var all = function (sel) { return Array.prototype.slice.call(doc.querySelectorAll(sel)); };
    all('[data-nd-ignore]').forEach(function (e) { e.parentNode.removeChild(e); });
    all('b[data-nd-unb], strong[data-nd-unb]').forEach(unwrap);
    all('[data-nd-b]').forEach(function (e) { wrapChildren(doc, e, 'b'); });
    all('[data-nd-i]').forEach(function (e) { wrapChildren(doc, e, 'i'); });
    // Word's list paragraphs: runs of siblings of one list become one list,
    // in the form Quill reads (as its own Word normaliser writes it).
    all('[data-nd-list]').forEach(function (e) {
      if (!e.parentNode || e.parentNode.nodeName === 'LI') { return; }
      var prev = e.previousElementSibling;
      if (prev && prev.nodeName === 'UL' && prev.getAttribute('data-nd-id') === e.getAttribute('data-nd-id')) {
        prev.appendChild(listItem(doc, e));
        e.parentNode.removeChild(e);
        return;
      }
      var ul = doc.createElement('ul');
      ul.setAttribute('data-nd-id', e.getAttribute('data-nd-id'));
      e.parentNode.insertBefore(ul, e);
      ul.appendChild(listItem(doc, e));
      e.parentNode.removeChild(e);
    });
    return doc.body.innerHTML;
  }

  function listItem(doc, e) {
    var li = doc.createElement('li');
    li.setAttribute('data-list', e.getAttribute('data-nd-list'));
    var level = parseInt(e.getAttribute('data-nd-level'), 10) || 1;
    if (level > 1) { li.className = 'ql-indent-' + (level - 1); }
    while (e.firstChild) { li.appendChild(e.firstChild); }
    return li;
  }

  function wrapChildren(doc, e, tag) {
    var w = doc.createElement(tag);
    while (e.firstChild) { w.appendChild(e.firstChild); }
    e.appendChild(w);
  }

  function storageGet(key) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  function storageSet(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (e) {
      return false; // storage full or disabled: autosave still works
    }
  }

  function storageRemove(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* nothing to do */ }
  }

  function start() {
    var form = document.getElementById('article-form');
    var textarea = document.getElementById('body');
    if (!form || !textarea || textarea.form !== form || form.getAttribute('data-editor') === 'on') {
      return;
    }
    form.setAttribute('data-editor', 'on');
    var lang = /^zh/i.test(document.documentElement.lang || '') ? 'zh' : 'en';
    var T = TEXTS[lang];
    var action = form.getAttribute('action') || location.pathname;
    var autosaveURL = form.getAttribute('data-autosave-url') || '';
    var storageKey = STORAGE_PREFIX + action;
    var newKey = STORAGE_PREFIX + '/admin/articles';
    var status = document.getElementById('autosave-status');
    if (!status) {
      status = el('div', { id: 'autosave-status', role: 'status', 'aria-live': 'polite' });
      textarea.parentNode.insertBefore(status, textarea.nextSibling);
    }
    var versionInput = form.querySelector('input[name="version"]');
    var pageVersion = versionInput ? parseInt(versionInput.value, 10) || 0 : 0;

    var editor = window.Quill ? mountEditor(form, textarea, T) : null;

    // --- keeping the textarea and the local copy up to date -------------

    var changeSeq = 0; // counts changes since the page loaded
    var savedSeq = 0; // the change the server has
    var firstUnsavedAt = 0;
    var bodyChanged = false; // the editor changed since the textarea was written
    var syncTimer = 0;
    var syncCost = 0;
    var submitting = false;

    function dirty() { return changeSeq !== savedSeq; }

    // syncTextarea writes the editor's HTML into the textarea, if it changed.
    function syncTextarea() {
      clearTimeout(syncTimer);
      syncTimer = 0;
      if (editor && bodyChanged) {
        var t0 = Date.now();
        textarea.value = editor.html();
        bodyChanged = false;
        syncCost = 0.7 * syncCost + 0.3 * (Date.now() - t0); // smoothed, in ms
      }
    }

    // fields are the form's named values other than the token, the version and
    // the body, as [name, value] pairs.
    function fields() {
      var out = [];
      Array.prototype.forEach.call(form.elements, function (e) {
        var name = e.name;
        if (!name || NOT_RESTORED[name] || e.disabled || /^(file|submit|button|reset|image|password)$/.test(e.type)) {
          return;
        }
        if ((e.type === 'checkbox' || e.type === 'radio') && !e.checked) { return; }
        if (e.type === 'select-multiple') {
          Array.prototype.forEach.call(e.options, function (o) { if (o.selected) { out.push([name, o.value]); } });
          return;
        }
        out.push([name, e.value]);
      });
      return out;
    }

    function keepLocal() {
      if (!dirty()) { return; }
      syncTextarea();
      storageSet(storageKey, {
        at: Date.now(),
        version: versionInput ? versionInput.value : '',
        page: location.pathname,
        body: textarea.value,
        fields: fields(),
        submitted: submitting
      });
    }

    function changed() {
      changeSeq++;
      if (!firstUnsavedAt) { firstUnsavedAt = Date.now(); }
      // Serialising a long article on every key press would make typing
      // sluggish: when it is slow, wait for a pause of a quarter second.
      if (syncCost < 25) {
        syncTextarea();
        keepLocal();
      } else if (!syncTimer) {
        syncTimer = setTimeout(function () { syncTimer = 0; keepLocal(); }, 250);
      }
      if (autosaveURL) {
        scheduleAutosave();
      } else if (!status.textContent) {
        setStatus(T.keptLocally, '');
      }
    }

    if (editor) {
      editor.onChange = function () {
        bodyChanged = true;
        changed();
      };
    }
    form.addEventListener('input', function (e) {
      if (e.target && e.target.name && !NOT_RESTORED[e.target.name]) { changed(); }
    });
    form.addEventListener('change', function (e) {
      if (e.target && e.target.name && !NOT_RESTORED[e.target.name] && e.target.type !== 'file') { changed(); }
    });
    textarea.addEventListener('input', function () { if (!editor) { changed(); } });

    // The body goes into every form data set built from the form, whether a
    // submit or autosave's FormData.
    form.addEventListener('formdata', function (e) {
      if (editor && editor.changed && e.formData && e.formData.set) {
        syncTextarea();
        e.formData.set('body', textarea.value);
      }
    });

    var pendingSubmit = null;
    form.addEventListener('submit', function (e) {
      var active = document.activeElement;
      if (editor && active && active.tagName === 'INPUT' && editor.root.contains(active)) {
        e.preventDefault(); // Enter in the link or image panel is not a save
        return;
      }
      syncTextarea();
      if (inflight) {
        // Let the autosave finish first: it changes the version this submit
        // must carry, or the newsroom would see a conflict with ourselves.
        e.preventDefault();
        pendingSubmit = { submitter: e.submitter || null };
        return;
      }
      submitting = true;
      clearTimeout(saveTimer);
      if (dirty()) { keepLocal(); }
    });

    // --- the status line ------------------------------------------------

    // setStatus shows text in the status line; kind is '', 'ok' or 'problem',
    // and state (for scripts and tests) names a lasting condition.
    function setStatus(text, kind, state) {
      status.textContent = text;
      status.className = kind ? 'autosave-' + kind : '';
      if (state) {
        status.setAttribute('data-state', state);
      } else {
        status.removeAttribute('data-state');
      }
    }

    // --- autosave -------------------------------------------------------

    var saveTimer = 0;
    var inflight = false;
    var again = false;
    var blocked = ''; // 'conflict', 'signed-out' or 'refused': no more autosaves
    var failing = false;
    var signedOutTimer = 0;

    function scheduleAutosave(delay) {
      if (!autosaveURL || blocked || submitting) { return; }
      clearTimeout(saveTimer);
      if (delay == null) {
        delay = AUTOSAVE_DELAY;
        if (firstUnsavedAt && Date.now() - firstUnsavedAt > AUTOSAVE_MAX_WAIT) { delay = 0; }
      }
      saveTimer = setTimeout(function () { autosave(false); }, delay);
    }

    function params() {
      syncTextarea();
      var data = new FormData(form); // the formdata listener puts the body in
      var p = new URLSearchParams();
      data.forEach(function (value, name) {
        if (typeof value === 'string') { p.append(name, value); }
      });
      return p;
    }

    function readJSON(res) {
      var type = res.headers.get('Content-Type') || '';
      if (type.indexOf('json') < 0) { return Promise.resolve(null); }
      return res.json().catch(function () { return null; });
    }

    // autosave posts the form to the autosave URL. leaving marks a save as
    // the page is hidden or closed; retried a second try with a fresh token.
    function autosave(leaving, retried) {
      clearTimeout(saveTimer);
      if (!autosaveURL || submitting || (blocked && blocked !== 'signed-out')) { return; }
      if (inflight) { again = true; return; }
      if (!dirty()) { return; }
      keepLocal();
      var seq = changeSeq;
      var body = params().toString();
      var init = {
        method: 'POST',
        body: body,
        credentials: 'same-origin',
        redirect: 'manual',
        headers: { 'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' }
      };
      // keepalive lets the save finish when the tab is closing.
      if (leaving && body.length < KEEPALIVE_LIMIT) { init.keepalive = true; }
      inflight = true;
      again = false;
      // No "Saving…": the status line is a live region, and announcing every
      // save twice would talk over the writer.
      fetch(autosaveURL, init).then(function (res) {
        return readJSON(res).then(function (data) { answer(res, data, seq, retried); });
      }, function () {
        fail(T.offline);
      }).then(finish, finish);
    }

    function finish() {
      inflight = false;
      if (pendingSubmit) {
        var s = pendingSubmit.submitter;
        pendingSubmit = null;
        if (form.requestSubmit) {
          form.requestSubmit(s && s.form === form ? s : undefined);
        } else {
          form.submit();
        }
        return;
      }
      if (!blocked && (again || dirty()) && !failing) { scheduleAutosave(); }
    }

    function answer(res, data, seq, retried) {
      if (res.type === 'opaqueredirect' || res.status === 401) {
        // Signed out: a redirect to the sign-in page or a 401.
        signedOut();
        return;
      }
      if (res.status === 200 && data && data.version != null) {
        failing = false;
        blocked = '';
        clearTimeout(signedOutTimer);
        if (versionInput) { versionInput.value = String(data.version); }
        status.removeAttribute('data-state');
        var at = data.saved_at ? new Date(data.saved_at) : new Date();
        if (isNaN(at.getTime())) { at = new Date(); }
        if (seq >= changeSeq) {
          savedSeq = seq;
          firstUnsavedAt = 0;
          storageRemove(storageKey);
          setStatus(format(T.saved, { time: clock(at) }), 'ok');
        } else {
          savedSeq = seq;
          firstUnsavedAt = Date.now();
          keepLocal(); // with the new version
          setStatus(format(T.savedMore, { time: clock(at) }), 'ok');
        }
        return;
      }
      if (res.status === 409) {
        blocked = 'conflict';
        keepLocal();
        setStatus(format(T.conflict, {
          by: (data && data.by) || '?',
          version: (data && data.version != null) ? data.version : '?'
        }), 'problem', 'conflict');
        return;
      }
      if (res.status === 422) {
        var errs = [];
        if (data && data.errors) {
          Object.keys(data.errors).forEach(function (k) {
            // The field's label, where the page has one, names the problem.
            var field = form.elements.namedItem(k);
            var label = field && field.labels && field.labels[0] ? normalSpace(field.labels[0].textContent) : k;
            errs.push(label + ': ' + data.errors[k]);
          });
        }
        setStatus(format(T.invalid, { errors: errs.join('; ') || res.status }), 'problem');
        return; // the next change tries again
      }
      if (res.status === 403) {
        // Most often a session that changed under the page (a new sign-in in
        // another tab): fetch the page's fresh form token and try once more.
        if (!retried) {
          var was = blocked;
          blocked = 'refreshing';
          refreshToken().then(function (ok) {
            if (ok) {
              blocked = was;
              autosave(false, true);
            } else if (was === 'signed-out') {
              signedOut();
            } else {
              refused(res.status);
            }
          });
          return;
        }
        refused(res.status);
        return;
      }
      fail('HTTP ' + res.status);
    }

    function refused(code) {
      blocked = 'refused';
      keepLocal();
      setStatus(format(T.refused, { status: code }), 'problem', 'refused');
    }

    function fail(why) {
      failing = true;
      keepLocal();
      setStatus(format(T.failed, { why: why }), 'problem');
      clearTimeout(saveTimer);
      saveTimer = setTimeout(function () { failing = false; autosave(false); }, RETRY_DELAY);
    }

    function signedOut() {
      blocked = 'signed-out';
      keepLocal();
      setStatus(T.signedOut, 'problem', 'signed-out');
      clearTimeout(signedOutTimer);
      signedOutTimer = setTimeout(trySignedIn, SIGNED_OUT_RETRY);
    }

    // trySignedIn checks whether the person has signed in again (in another
    // tab): the edit page then loads with a new form token, and the kept text
    // is saved with it.
    function trySignedIn() {
      clearTimeout(signedOutTimer);
      if (blocked !== 'signed-out' || inflight) { return; }
      refreshToken().then(function (ok) {
        if (ok && blocked === 'signed-out') {
          autosave(false);
        } else if (blocked === 'signed-out') {
          signedOutTimer = setTimeout(trySignedIn, SIGNED_OUT_RETRY);
        }
      });
    }

    // refreshToken reads the form token of a fresh copy of this edit page;
    // it resolves false when that copy is the sign-in page.
    var refreshing = null;
    function refreshToken() {
      if (refreshing) { return refreshing; }
      var csrf = form.querySelector('input[name="csrf"]');
      refreshing = fetch(action, { credentials: 'same-origin', redirect: 'manual', headers: { 'Accept': 'text/html' } })
        .then(function (res) {
          if (res.type === 'opaqueredirect' || res.status !== 200) { return false; }
          return res.text().then(function (html) {
            var doc = new DOMParser().parseFromString(html, 'text/html');
            var fresh = doc.querySelector('#article-form input[name="csrf"]');
            if (!fresh || !csrf || !fresh.value) { return false; }
            csrf.value = fresh.value;
            return true;
          });
        })
        .catch(function () { return false; })
        .then(function (ok) { refreshing = null; return ok; });
      return refreshing;
    }

    function leaving() {
      if (submitting) { return; }
      syncTextarea();
      keepLocal();
      if (dirty() && autosaveURL && !blocked && !inflight) { autosave(true); }
    }

    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') {
        leaving();
      } else if (blocked === 'signed-out') {
        trySignedIn();
      }
    });
    window.addEventListener('pagehide', leaving);
    window.addEventListener('focus', function () { if (blocked === 'signed-out') { trySignedIn(); } });

    // --- offering back what this browser kept -----------------------------

    // sameBody reports whether the kept body is the one the page shows.
    function sameBody(entry) {
      if (editor) { return editor.sameContent(entry.body || '', textarea.value); }
      return normalSpace(entry.body) === normalSpace(textarea.value);
    }

    // sameAsPage reports whether the kept copy holds nothing the page does
    // not show.
    function sameAsPage(entry) {
      var now = {};
      fields().forEach(function (f) { now[f[0]] = (now[f[0]] ? now[f[0]] + '\n' : '') + normalSpace(f[1]); });
      var kept = {};
      (entry.fields || []).forEach(function (f) { kept[f[0]] = (kept[f[0]] ? kept[f[0]] + '\n' : '') + normalSpace(f[1]); });
      var names = Object.keys(now).concat(Object.keys(kept));
      for (var i = 0; i < names.length; i++) {
        var n = names[i];
        if (Object.prototype.hasOwnProperty.call(now, n) && (kept[n] || '') !== now[n]) { return false; }
      }
      return sameBody(entry);
    }

    function restoreFields(entry) {
      var values = {};
      (entry.fields || []).forEach(function (f) { (values[f[0]] = values[f[0]] || []).push(f[1]); });
      Object.keys(values).forEach(function (name) {
        var item = form.elements.namedItem(name);
        if (!item || NOT_RESTORED[name]) { return; }
        var list = item.length != null && !item.options ? Array.prototype.slice.call(item) : [item];
        list.forEach(function (e) {
          var vs = values[name];
          if (e.type === 'checkbox' || e.type === 'radio') {
            e.checked = vs.indexOf(e.value) >= 0;
          } else if (e.type === 'select-multiple') {
            Array.prototype.forEach.call(e.options, function (o) { o.selected = vs.indexOf(o.value) >= 0; });
          } else if (/^(file|submit|button|reset|image|password|hidden)$/.test(e.type)) {
            return;
          } else {
            e.value = vs.shift() || '';
          }
          e.dispatchEvent(new Event('input', { bubbles: true }));
          e.dispatchEvent(new Event('change', { bubbles: true }));
        });
      });
      if (editor) {
        editor.load(entry.body || '', true);
      } else {
        textarea.value = entry.body || '';
      }
      changed();
    }

    function offer(entry) {
      var box = el('div', { 'class': 'editor-restore', role: 'region', 'aria-label': T.restore });
      var from = parseInt(entry.version, 10) || 0;
      var text = from && pageVersion && from < pageVersion ?
        format(T.restoreOlder, { when: dateTime(new Date(entry.at)), from: from, to: pageVersion }) :
        format(T.restoreNew, { when: dateTime(new Date(entry.at)) });
      box.appendChild(el('p', {}, text));
      var yes = el('button', { type: 'button', 'class': 'editor-restore-yes' }, T.restore);
      var no = el('button', { type: 'button', 'class': 'editor-restore-no' }, T.discard);
      box.appendChild(yes);
      box.appendChild(document.createTextNode(' '));
      box.appendChild(no);
      var anchor = editor ? editor.root : textarea;
      anchor.parentNode.insertBefore(box, anchor);
      yes.addEventListener('click', function () {
        box.parentNode.removeChild(box);
        restoreFields(entry);
        setStatus(T.restored, '');
        if (editor) { editor.focus(); } else { textarea.focus(); }
      });
      no.addEventListener('click', function () {
        box.parentNode.removeChild(box);
        storageRemove(storageKey);
        if (editor) { editor.focus(); } else { textarea.focus(); }
      });
    }

    function checkKept() {
      // A new article submitted from this browser, now shown by this page
      // with the same text: its copy has done its work. (The newsroom fills
      // in fields such as the slug, so only the text is compared.)
      if (storageKey !== newKey) {
        var created = storageGet(newKey);
        if (created && created.submitted && sameBody(created)) { storageRemove(newKey); }
      }
      var entry = storageGet(storageKey);
      if (!entry || typeof entry !== 'object') { return; }
      // A submitted copy whose text the page shows at a newer version was
      // saved; the newsroom may have tidied its other fields.
      var saved = entry.submitted && pageVersion > (parseInt(entry.version, 10) || 0) && sameBody(entry);
      if (!entry.at || Date.now() - entry.at > KEEP_LOCAL || saved || sameAsPage(entry)) {
        storageRemove(storageKey);
        return;
      }
      if (textarea.disabled || (editor && editor.readOnly)) { return; } // kept for when it can be used
      offer(entry);
    }
    checkKept();
  }

  // mountEditor replaces the textarea with a Quill editor and returns a small
  // interface to it.
  function mountEditor(form, textarea, T) {
    var Quill = window.Quill;
    var Delta = Quill.import('delta');
    var Link = Quill.import('formats/link');
    var api = { changed: false, onChange: null };
    var note = null;

    var wrap = el('div', { 'class': 'editor' });
    var toolbar = el('div', { 'class': 'editor-toolbar', role: 'toolbar', 'aria-label': T.toolbar });
    var group = null;
    function startGroup() {
      group = el('span', { 'class': 'ql-formats' });
      toolbar.appendChild(group);
      return group;
    }
    function button(cls, label, value, text) {
      var attrs = { type: 'button', 'class': cls, 'aria-label': label, title: label };
      if (value != null) { attrs.value = value; }
      var b = el('button', attrs, text || '');
      group.appendChild(b);
      return b;
    }
    startGroup();
    button('ql-header editor-text-button', T.paragraph, '', '¶');
    button('ql-header', T.h2, '2');
    button('ql-header', T.h3, '3');
    startGroup();
    button('ql-bold', T.bold);
    button('ql-italic', T.italic);
    button('ql-link', T.link);
    startGroup();
    button('ql-list', T.ordered, 'ordered');
    button('ql-list', T.bullet, 'bullet');
    button('ql-blockquote', T.blockquote);
    startGroup();
    button('ql-image', T.image);
    button('ql-table', T.table);
    var tableTools = startGroup();
    tableTools.className = 'ql-formats editor-table-tools';
    tableTools.setAttribute('role', 'group');
    tableTools.setAttribute('aria-label', T.tableTools);
    tableTools.hidden = true;
    var tableActions = {
      insertRowBelow: button('editor-text-button', T.addRow, null, T.addRow),
      insertColumnRight: button('editor-text-button', T.addColumn, null, T.addColumn),
      deleteRow: button('editor-text-button', T.deleteRow, null, T.deleteRow),
      deleteColumn: button('editor-text-button', T.deleteColumn, null, T.deleteColumn),
      deleteTable: button('editor-text-button', T.deleteTable, null, T.deleteTable)
    };

    var linkPanel = panel('editor-link', T.linkTitle, [{ key: 'url', label: T.linkURL }],
      [{ key: 'apply', label: T.apply }, { key: 'remove', label: T.removeLink }, { key: 'cancel', label: T.cancel }]);
    var imagePanel = panel('editor-image', T.imageTitle, [{ key: 'url', label: T.imageURL }, { key: 'alt', label: T.imageAlt }],
      [{ key: 'apply', label: T.insert }, { key: 'cancel', label: T.cancel }]);
    var area = el('div', { 'class': 'editor-area' });
    note = el('p', { 'class': 'editor-note', role: 'status', 'aria-live': 'polite' });
    wrap.appendChild(toolbar);
    wrap.appendChild(linkPanel.root);
    wrap.appendChild(imagePanel.root);
    wrap.appendChild(area);
    wrap.appendChild(note);
    // After the textarea, or after the paragraph holding it and its label
    // (a div does not belong in a p).
    var after = textarea.parentNode.nodeName === 'P' ? textarea.parentNode : textarea;
    after.parentNode.insertBefore(wrap, after.nextSibling);

    var droppedImages = false;
    var pasting = false; // a paste is being read (not the page's own body)
    // A form the person may not change (a disabled fieldset) shows the text
    // read-only, without the toolbar.
    var readOnly = textarea.disabled || textarea.readOnly || (textarea.matches && textarea.matches(':disabled'));
    var quill;
    try {
      quill = new Quill(area, {
        theme: 'snow',
        readOnly: !!readOnly,
        formats: FORMATS,
        placeholder: T.placeholder,
        modules: {
          toolbar: {
            container: toolbar,
            handlers: { link: openLink, image: openImage, table: insertTable }
          },
          table: true,
          keyboard: { bindings: { tab: false } }, // Tab leaves the editor
          clipboard: {
            matchers: [
              ['IMG', keepWebImages],
              ['H1', demoteTitle]
            ]
          },
          uploader: { handler: function () { say(T.noUpload); } }
        }
      });
    } catch (err) {
      wrap.parentNode.removeChild(wrap);
      if (window.console) { window.console.error('editor: Quill failed, the plain text box stays', err); }
      return null;
    }

    // The Snow theme's floating link tooltip has unlabelled controls; the
    // link panel above the text replaces it.
    var tip = quill.theme && quill.theme.tooltip;
    if (tip && tip.root && tip.root.parentNode) { tip.root.parentNode.removeChild(tip.root); }

    var root = quill.root;
    root.id = 'body-editor';
    if (readOnly) {
      toolbar.hidden = true;
      root.setAttribute('aria-readonly', 'true');
    }
    api.readOnly = !!readOnly;
    root.setAttribute('role', 'textbox');
    root.setAttribute('aria-multiline', 'true');
    toolbar.setAttribute('aria-controls', root.id);
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      if (!label.id) { label.id = textarea.id + '-label'; }
      root.setAttribute('aria-labelledby', label.id);
      label.addEventListener('click', function (e) { e.preventDefault(); quill.focus(); });
    } else {
      root.setAttribute('aria-label', T.body);
    }
    ['aria-describedby', 'aria-invalid', 'aria-required'].forEach(function (a) {
      if (textarea.hasAttribute(a)) { root.setAttribute(a, textarea.getAttribute(a)); }
    });
    // The article's language, when the form has a field for it, for the
    // spelling checker and screen readers.
    var langField = form.elements.namedItem('language');
    function setLang() {
      var v = langField && langField.value;
      if (v) { root.setAttribute('lang', v === 'zh' ? 'zh-Hans' : v); }
    }
    if (langField && langField.addEventListener) {
      setLang();
      langField.addEventListener('change', setLang);
    }

    textarea.hidden = true;
    textarea.classList.add('editor-source');
    textarea.removeAttribute('required'); // the server checks; a hidden field cannot be focused

    function say(text) {
      note.textContent = '';
      setTimeout(function () { note.textContent = text; }, 50);
    }

    // --- clipboard matchers: paste arrives in the allowed structure ------

    function keepWebImages(node, delta) {
      if (pasting && !siteImage(node.getAttribute('src') || '')) {
        droppedImages = true;
        return new Delta();
      }
      return delta;
    }

    function demoteTitle(node, delta) {
      return new Delta(delta.ops.map(function (op) {
        if (op.attributes && Number(op.attributes.header) === 1) {
          var o = copyOp(op, op.insert);
          o.attributes.header = 2;
          return o;
        }
        return op;
      }));
    }

    function copyOp(op, insert) {
      var o = { insert: insert };
      if (op.attributes) {
        o.attributes = {};
        Object.keys(op.attributes).forEach(function (k) { o.attributes[k] = op.attributes[k]; });
      }
      return o;
    }

    // Pasted HTML goes through preparePaste before Quill reads it: this
    // listener, on an ancestor in the capture phase, runs before Quill's own,
    // which then sees the event handled.
    wrap.addEventListener('paste', function (e) {
      if (!root.contains(e.target) || !quill.isEnabled()) { return; }
      droppedImages = false;
      var dt = e.clipboardData;
      var html = dt && dt.getData('text/html');
      if (html) {
        e.preventDefault();
        var range = quill.getSelection(true);
        if (range) {
          pasting = true;
          try {
            quill.clipboard.onPaste(range, { html: preparePaste(html), text: dt.getData('text/plain') });
          } finally {
            pasting = false;
          }
        }
      }
      setTimeout(function () { if (droppedImages) { say(T.droppedImages); } }, 0);
    }, true);

    // --- link and image panels -------------------------------------------

    var panelRange = null;
    var linkRange = null;

    function panel(id, title, inputs, actions) {
      var box = el('div', { 'class': 'editor-panel', id: id, role: 'group', 'aria-labelledby': id + '-title' });
      box.hidden = true;
      box.appendChild(el('p', { 'class': 'editor-panel-title', id: id + '-title' }, title));
      var p = { root: box, inputs: {}, buttons: {}, problem: null };
      inputs.forEach(function (f) {
        var row = el('div', { 'class': 'editor-panel-field' });
        row.appendChild(el('label', { 'for': id + '-' + f.key }, f.label));
        // No name: these never go into the article form's data.
        var input = el('input', { type: 'text', id: id + '-' + f.key, autocomplete: 'off', spellcheck: 'false' });
        if (f.key === 'url') { input.setAttribute('inputmode', 'url'); }
        row.appendChild(input);
        box.appendChild(row);
        p.inputs[f.key] = input;
        // Enter applies (never submitting the article form), Escape
        // cancels. Enter acts on its keyup, so that no part of the key press
        // reaches the text the panel hands focus back to; an Enter that ends
        // an input-method composition (Chinese text) is not one.
        var entered = false;
        input.addEventListener('keydown', function (e) {
          if (e.isComposing || e.keyCode === 229) { return; }
          if (e.key === 'Enter') {
            e.preventDefault();
            entered = true;
          } else if (e.key === 'Escape') {
            e.preventDefault();
            p.buttons.cancel.click();
          }
        });
        input.addEventListener('keypress', function (e) {
          if (e.key === 'Enter') { e.preventDefault(); }
        });
        input.addEventListener('keyup', function (e) {
          if (e.key === 'Enter' && entered) {
            entered = false;
            e.preventDefault();
            p.buttons.apply.click();
          }
        });
      });
      p.problem = el('p', { 'class': 'editor-panel-problem', role: 'alert' });
      box.appendChild(p.problem);
      actions.forEach(function (a) {
        var b = el('button', { type: 'button', 'class': 'editor-panel-' + a.key }, a.label);
        box.appendChild(b);
        box.appendChild(document.createTextNode(' '));
        p.buttons[a.key] = b;
      });
      return p;
    }

    function openPanel(p) {
      closePanels();
      panelRange = quill.getSelection(true) || { index: Math.max(quill.getLength() - 1, 0), length: 0 };
      p.problem.textContent = '';
      p.root.hidden = false;
      p.inputs.url.focus();
    }

    function closePanels(focusEditor) {
      [linkPanel, imagePanel].forEach(function (p) {
        p.root.hidden = true;
        Object.keys(p.inputs).forEach(function (k) { p.inputs[k].removeAttribute('aria-invalid'); });
      });
      if (focusEditor) {
        quill.focus();
        if (panelRange) { quill.setSelection(panelRange.index, panelRange.length, 'silent'); }
      }
    }

    function openLink() {
      openPanel(linkPanel);
      var r = panelRange;
      linkRange = null;
      var href = '';
      if (r.length === 0) {
        var found = quill.scroll.descendant(Link, r.index);
        if (found && found[0]) {
          linkRange = { index: r.index - found[1], length: found[0].length() };
          href = Link.formats(found[0].domNode) || '';
        }
      } else {
        href = quill.getFormat(r).link || '';
        if (href) { linkRange = r; }
      }
      if (typeof href !== 'string') { href = ''; }
      linkPanel.inputs.url.value = href;
      linkPanel.buttons.remove.hidden = !linkRange;
      linkPanel.inputs.url.select();
    }

    linkPanel.buttons.apply.addEventListener('click', function () {
      var url = linkPanel.inputs.url.value.trim();
      if (!goodLink(url)) {
        linkPanel.inputs.url.setAttribute('aria-invalid', 'true');
        linkPanel.problem.textContent = T.badLink;
        linkPanel.inputs.url.focus();
        return;
      }
      var r = linkRange || panelRange;
      closePanels(true);
      if (r.length > 0) {
        quill.formatText(r.index, r.length, 'link', url, 'user');
        quill.setSelection(r.index + r.length, 0, 'silent');
      } else {
        quill.insertText(r.index, url, 'link', url, 'user');
        quill.setSelection(r.index + url.length, 0, 'silent');
      }
    });
    linkPanel.buttons.remove.addEventListener('click', function () {
      var r = linkRange;
      closePanels(true);
      if (r) { quill.formatText(r.index, r.length, 'link', false, 'user'); }
    });
    linkPanel.buttons.cancel.addEventListener('click', function () { closePanels(true); });

    function openImage() {
      openPanel(imagePanel);
      imagePanel.inputs.url.value = '';
      imagePanel.inputs.alt.value = '';
    }

    imagePanel.buttons.apply.addEventListener('click', function () {
      var url = imagePanel.inputs.url.value.trim();
      var alt = normalSpace(imagePanel.inputs.alt.value);
      if (!siteImage(url)) {
        imagePanel.inputs.url.setAttribute('aria-invalid', 'true');
        imagePanel.problem.textContent = T.badImage;
        imagePanel.inputs.url.focus();
        return;
      }
      imagePanel.inputs.url.removeAttribute('aria-invalid');
      if (!alt) {
        imagePanel.inputs.alt.setAttribute('aria-invalid', 'true');
        imagePanel.problem.textContent = T.altRequired;
        imagePanel.inputs.alt.focus();
        return;
      }
      var r = panelRange;
      closePanels(true);
      quill.updateContents(new Delta().retain(r.index).delete(r.length).insert({ image: url }, { alt: alt }), 'user');
      quill.setSelection(r.index + 1, 0, 'silent');
    });
    imagePanel.buttons.cancel.addEventListener('click', function () { closePanels(true); });

    // --- tables -----------------------------------------------------------

    function insertTable() {
      var table = quill.getModule('table');
      if (!table) { return; }
      if (quill.getFormat().table) { return; } // no tables inside tables
      table.insertTable(3, 2);
    }

    Object.keys(tableActions).forEach(function (method) {
      tableActions[method].addEventListener('click', function () {
        quill.focus();
        var table = quill.getModule('table');
        if (table && typeof table[method] === 'function') { table[method](); }
        updateTableTools();
      });
    });

    function updateTableTools() {
      var r = quill.getSelection();
      if (!r) { return; } // focus moved to a toolbar button: keep the tools
      tableTools.hidden = !quill.getFormat(r).table;
    }
    quill.on('editor-change', function (type, range) {
      if (type === 'selection-change' && range == null) { return; }
      updateTableTools();
    });

    // --- loading, reading and comparing -----------------------------------

    function toDelta(html) {
      return quill.clipboard.convert({ html: html || '', text: '' });
    }

    api.root = wrap;
    api.load = function (html, asChange) {
      quill.setContents(toDelta(html), asChange ? 'user' : 'silent');
      if (!asChange) { quill.history.clear(); }
    };
    api.html = function () {
      if (quill.getLength() <= 1) { return ''; }
      // getSemanticHTML writes every space as &nbsp; (Quill 2.0.3); a real
      // no-break space in the text comes out as the character itself.
      return cleanHTML(quill.getSemanticHTML().replace(/&nbsp;/g, ' '));
    };
    api.sameContent = function (a, b) {
      return JSON.stringify(toDelta(cleanHTML(a)).ops) === JSON.stringify(toDelta(cleanHTML(b)).ops);
    };
    api.focus = function () { quill.focus(); };
    api.quill = quill;

    api.load(textarea.value, false);
    quill.on('text-change', function () {
      api.changed = true;
      if (api.onChange) { api.onChange(); }
    });
    // For tests and other scripts of the page.
    form.newsdeskEditor = api;
    return api;
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
