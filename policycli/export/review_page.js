// The review page's behaviour: table, filters, document view and corrections.
// Data arrives as JSON (never as markup) and every value reaches the page through
// textContent, value or title, so nothing in a document can become code.
(function () {
  'use strict';
  const PAGE = 100;
  const data = JSON.parse(document.getElementById('review-data').textContent);
  const F = data.fields;
  const NUMERIC = new Set(['start', 'end', 'value', 'value_max']);
  const docs = data.docs;
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };

  // Records as objects; string fields come from the interned table.
  const recs = data.records.map((row, id) => {
    const r = { id: id, doc: row[0] };
    for (let j = 1; j < F.length; j++) {
      const v = row[j];
      r[F[j]] = NUMERIC.has(F[j]) || v === null ? v : data.strings[v];
    }
    return r;
  });
  const baseCount = recs.length;

  // Corrections: original values of edited records, wrong and optional ids, added records.
  const orig = new Map();
  const wrong = new Set();
  const optional = new Set();
  const reviewed = new Set();
  const storeKey = 'policycli-review/' + data.id;

  // ---- code points and UTF-16 -------------------------------------------------
  function cpLength(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0xD800 || c > 0xDBFF || i + 1 >= s.length) n++;
      else { const d = s.charCodeAt(i + 1); n++; if (d >= 0xDC00 && d <= 0xDFFF) i++; }
    }
    return n;
  }
  function u16Index(s, cp) { // UTF-16 index of code point number cp in s
    let i = 0;
    for (let n = 0; n < cp && i < s.length; n++) {
      const c = s.charCodeAt(i);
      i += (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) ? 2 : 1;
    }
    return i;
  }
  function cpSlice(s, a, b) { const i = u16Index(s, a); return s.slice(i, i + u16Index(s.slice(i), b - a)); }

  // ---- documents ---------------------------------------------------------------
  const docText = new Map(); // doc index -> text (UTF-16 string), read from its template
  function textOf(d) {
    if (!docText.has(d)) {
      const t = document.getElementById('doc-' + d);
      docText.set(d, t ? t.content.textContent : null);
    }
    return docText.get(d);
  }
  const docRecords = docs.map(() => []);
  recs.forEach((r) => docRecords[r.doc].push(r.id));
  let shownDoc = -1;
  let segIndex = new Map();
  const pane = $('doc-text');

  function renderDoc(d) {
    shownDoc = d;
    $('doc-select').value = String(d);
    $('reviewed').checked = reviewed.has(d);
    const info = docs[d];
    const note = $('doc-note');
    note.hidden = !info.note;
    note.textContent = info.note ? 'Text not shown: ' + info.note : '';
    const t = document.getElementById('doc-' + d);
    pane.replaceChildren(t ? t.content.cloneNode(true) : el('p', 'muted', info.note ? '' : '(no text)'));
    pane.scrollTop = 0;
    for (const id of docRecords[d]) if (id >= baseCount) cutAdded(recs[id]);
    segIndex = new Map();
    for (const seg of pane.children) {
      const ids = seg.dataset.rs ? seg.dataset.rs.split(' ') : [];
      if (seg.dataset.a) ids.push(...seg.dataset.a.split(' '));
      for (const id of ids) {
        const key = Number(id);
        if (!segIndex.has(key)) segIndex.set(key, []);
        segIndex.get(key).push(seg);
      }
    }
    for (const id of docRecords[d]) paintMention(id);
  }

  function splitAt(cp) { // make a segment boundary at code point cp of the shown document
    for (const seg of pane.children) {
      const s = Number(seg.dataset.s);
      const len = cpLength(seg.textContent);
      if (cp <= s) return;
      if (cp < s + len) {
        const cut = u16Index(seg.textContent, cp - s);
        const rest = seg.cloneNode(false);
        rest.dataset.s = String(cp);
        rest.textContent = seg.textContent.slice(cut);
        seg.textContent = seg.textContent.slice(0, cut);
        seg.after(rest);
        return;
      }
    }
  }
  function cutAdded(r) {
    splitAt(r.start);
    splitAt(r.end);
    for (const seg of pane.children) {
      const s = Number(seg.dataset.s);
      if (s >= r.start && s < r.end) seg.dataset.a = seg.dataset.a ? seg.dataset.a + ' ' + r.id : String(r.id);
    }
  }

  function kindClass(kind) { return data.kinds.includes(kind) ? 'k-' + kind : 'k-other'; }
  function paintMention(id) {
    for (const seg of segIndex.get(id) || []) {
      const primary = seg.dataset.r !== undefined ? Number(seg.dataset.r) : Number(seg.dataset.a.split(' ')[0]);
      const r = recs[primary];
      const cls = [seg.tagName === 'MARK' ? 'm' : '', r.added ? 'added' : kindClass(r.kind)];
      if (wrong.has(primary)) cls.push('wrong');
      const all = ((seg.dataset.rs || '') + ' ' + (seg.dataset.a || '')).split(' ');
      if (selected >= 0 && all.includes(String(selected))) cls.push('sel');
      seg.className = cls.join(' ').trim();
    }
  }

  // ---- filtering, sorting, the table ------------------------------------------
  const COLUMNS = [
    ['doc', 'Document'], ['text', 'Mention'], ['value', 'Value'], ['unit', 'Unit'], ['comparator', 'Cmp'],
    ['kind', 'Kind'], ['subject', 'Subject'], ['verb', 'Verb'], ['metric', 'Metric'],
    ['modality', 'Modality'], ['period', 'Period'], ['start', 'At'],
  ];
  const kindsOn = new Set(data.kinds);
  let sortKey = null, sortDir = 1, page = 0, view = [], selected = -1;

  function baseName(path) { const parts = String(path).split(/[\\/]/); return parts[parts.length - 1]; }
  function haystack(r) {
    if (r.hay === undefined) {
      r.hay = [r.text, r.subject, r.verb, r.metric, r.modality, r.period, r.section, r.unit, r.sentence,
        docs[r.doc].name].filter((v) => v !== null && v !== undefined).join('\u0001').toLowerCase();
    }
    return r.hay;
  }
  function status(r) {
    if (r.added) return 'added';
    if (wrong.has(r.id)) return 'wrong';
    return orig.has(r.id) ? 'edited' : 'untouched';
  }
  function applyFilters() {
    const fd = Number($('f-doc').value), fu = $('f-unit').value, fs = $('f-status').value;
    const subj = $('f-subject').value.trim(), q = $('f-text').value.trim().toLowerCase();
    view = [];
    for (const r of recs) {
      if (r.deleted) continue;
      if (fd >= 0 && r.doc !== fd) continue;
      if (data.kinds.includes(r.kind) && !kindsOn.has(r.kind)) continue;
      if (fu && r.unit_kind !== fu) continue;
      if (fs && status(r) !== fs && !(fs === 'edited' && r.added)) continue;
      if (subj && !(r.subject || '').includes(subj)) continue;
      if (q && !haystack(r).includes(q)) continue;
      view.push(r.id);
    }
    sortView();
    page = 0;
    renderTable();
  }
  function sortView() {
    if (!sortKey) return;
    const key = sortKey;
    const value = key === 'doc' ? (r) => docs[r.doc].name : (r) => r[key];
    view.sort((a, b) => {
      const x = value(recs[a]), y = value(recs[b]);
      if (x === y) return a - b;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * sortDir;
    });
  }
  function formatValue(r) {
    const fmt = (v) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 6 }) : String(v));
    if (r.value === null || r.value === undefined) return '';
    return r.value_max === null || r.value_max === undefined ? fmt(r.value) : fmt(r.value) + '–' + fmt(r.value_max);
  }
  function renderHead() {
    const head = $('head');
    head.replaceChildren();
    for (const [key, label] of COLUMNS) {
      const th = el('th', '', label);
      th.dataset.key = key;
      if (sortKey === key) th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
      head.append(th);
    }
  }
  function renderTable() {
    const pages = Math.max(1, Math.ceil(view.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    const body = $('rows');
    const frag = document.createDocumentFragment();
    for (const id of view.slice(page * PAGE, page * PAGE + PAGE)) frag.append(row(recs[id]));
    body.replaceChildren(frag);
    $('page-info').textContent = view.length
      ? `${page * PAGE + 1}–${Math.min(view.length, (page + 1) * PAGE)} of ${view.length} records (page ${page + 1} of ${pages})`
      : 'no records match';
    $('prev-page').disabled = page === 0;
    $('next-page').disabled = page >= pages - 1;
  }
  function row(r) {
    const tr = el('tr', status(r));
    tr.dataset.id = String(r.id);
    if (r.id === selected) tr.classList.add('sel');
    for (const [key] of COLUMNS) {
      let td;
      if (key === 'doc') { td = el('td', '', baseName(docs[r.doc].name)); td.title = docs[r.doc].name; }
      else if (key === 'value') td = el('td', 'num', formatValue(r));
      else if (key === 'start') td = el('td', 'num', r.start);
      else if (key === 'kind') { td = el('td'); td.append(el('span', 'pill ' + kindClass(r.kind), r.kind)); }
      else { td = el('td', key === 'text' ? 'mention' : '', r[key]); if (r[key]) td.title = String(r[key]); }
      tr.append(td);
    }
    return tr;
  }

  // ---- selection and the editor -------------------------------------------------
  function select(id, scroll) {
    const before = selected;
    selected = id;
    const r = recs[id];
    if (r.doc !== shownDoc) renderDoc(r.doc);
    else { if (before >= 0 && recs[before].doc === shownDoc) paintMention(before); paintMention(id); }
    for (const tr of $('rows').children) tr.classList.toggle('sel', Number(tr.dataset.id) === id);
    const segs = segIndex.get(id);
    if (segs && scroll) {
      segs[0].scrollIntoView({ block: 'center' });
      segs[0].classList.add('flash');
      setTimeout(() => segs[0].classList.remove('flash'), 1300);
    }
    showEditor(r);
  }
  function revealRow(id) { // the row of a mention picked in the text, when the filters show it
    const at = view.indexOf(id);
    if (at < 0) { say('This record is hidden by the table filters.'); return; }
    page = Math.floor(at / PAGE);
    renderTable();
    const tr = $('rows').querySelector(`tr[data-id="${id}"]`);
    if (tr) tr.scrollIntoView({ block: 'nearest' });
  }

  const EDITABLE = F.filter((f) => f !== 'doc');
  function showEditor(r) {
    $('editor').hidden = false;
    $('ed-title').textContent = `${r.added ? 'Added' : 'Record'} “${r.text}” · ${baseName(docs[r.doc].name)} ${r.start}–${r.end}`;
    $('ed-wrong').textContent = wrong.has(r.id) ? 'Not wrong' : 'Mark wrong';
    $('ed-wrong').hidden = !!r.added;
    $('ed-delete').hidden = !r.added;
    $('ed-revert').disabled = !orig.has(r.id);
    $('ed-optional').checked = optional.has(r.id);
    const sentence = $('ed-sentence');
    sentence.replaceChildren();
    const s = r.sentence || '', at = mentionInSentence(r);
    if (at >= 0) sentence.append(s.slice(0, at), el('b', '', r.text), s.slice(at + r.text.length));
    else sentence.textContent = s;
    const box = $('ed-fields');
    box.replaceChildren();
    const was = orig.get(r.id);
    for (const f of EDITABLE) {
      const label = el('label', f === 'sentence' ? 'wide' : '');
      if (was && !same(was[f], r[f])) label.classList.add('changed');
      label.append(el('span', '', f));
      const choices = { kind: data.kinds, unit_kind: data.unit_kinds, comparator: data.comparators }[f];
      let input;
      if (choices) {
        input = el('select');
        const options = choices.includes(r[f]) || r[f] === null ? choices : choices.concat([r[f]]);
        for (const c of options) { const o = el('option', '', c); o.value = c; input.append(o); }
      } else input = el(f === 'sentence' ? 'textarea' : 'input');
      if (f === 'sentence') input.rows = 2;
      input.value = r[f] === null || r[f] === undefined ? '' : String(r[f]);
      input.dataset.field = f;
      if (f === 'text') { input.readOnly = true; input.title = 'The text at start–end: change those to move it'; }
      label.append(input);
      box.append(label);
    }
  }
  function mentionInSentence(r) { // the occurrence of the mention whose lead-in matches the document's
    const s = r.sentence || '', text = textOf(r.doc);
    let best = -1, bestScore = -1;
    if (!r.text) return -1;
    const lead = text === null ? '' : text.slice(0, u16Index(text, r.start)).replace(/\s+/g, '');
    for (let at = s.indexOf(r.text); at >= 0; at = s.indexOf(r.text, at + 1)) {
      const before = s.slice(0, at).replace(/\s+/g, '');
      let n = 0;
      while (n < before.length && n < lead.length && before[before.length - 1 - n] === lead[lead.length - 1 - n]) n++;
      if (n > bestScore) { best = at; bestScore = n; }
    }
    return best;
  }
  function same(a, b) { return a === b || (a === null && b === '') || (a === '' && b === null); }
  function parseField(r, f, raw) { // the value a field takes from its input, or undefined when invalid
    if (f === 'value' || f === 'value_max' || f === 'start' || f === 'end') {
      const t = raw.trim().replace(/,/g, '');
      if (t === '') return f === 'value_max' ? null : undefined;
      const n = Number(t);
      if (!Number.isFinite(n) || ((f === 'start' || f === 'end') && !Number.isInteger(n))) return undefined;
      return n;
    }
    return raw === '' && f !== 'text' ? null : raw;
  }
  function edit(input) {
    const r = recs[selected], f = input.dataset.field;
    const v = parseField(r, f, input.value);
    let bad = v === undefined;
    if (!bad && (f === 'start' || f === 'end')) {
      const text = textOf(r.doc), start = f === 'start' ? v : r.start, end = f === 'end' ? v : r.end;
      bad = text === null || start < 0 || end <= start || end > cpLength(text);
      if (!bad) { remember(r); r[f] = v; r.text = cpSlice(text, start, end); }
    } else if (!bad) { remember(r); r[f] = v; }
    input.classList.toggle('bad', bad);
    if (bad) return;
    delete r.hay;
    if (!r.added && [...EDITABLE].every((k) => same(orig.get(r.id)[k], r[k]))) orig.delete(r.id);
    reviewed.add(r.doc);
    input.parentNode.classList.toggle('changed', orig.has(r.id) && !same(orig.get(r.id)[f], r[f]));
    $('ed-revert').disabled = !orig.has(r.id);
    if (f === 'kind' || f === 'start' || f === 'end') { if (r.doc === shownDoc) renderDoc(r.doc); }
    refreshRow(r.id);
    changed();
  }
  function remember(r) { if (!r.added && !orig.has(r.id)) orig.set(r.id, Object.assign({}, r)); }
  function refreshRow(id) {
    const tr = $('rows').querySelector(`tr[data-id="${id}"]`);
    if (tr) { const fresh = row(recs[id]); tr.replaceWith(fresh); }
    paintMention(id);
  }

  // ---- missed figures -----------------------------------------------------------
  function pointOffset(node, offset) { // code point offset in the shown document of a DOM position
    if (node === pane) {
      if (offset >= pane.children.length) return textOf(shownDoc) === null ? 0 : cpLength(textOf(shownDoc));
      return Number(pane.children[offset].dataset.s);
    }
    const seg = node.nodeType === Node.TEXT_NODE ? node.parentNode : node;
    if (!seg || seg.parentNode !== pane || seg.dataset.s === undefined) return null;
    const s = Number(seg.dataset.s);
    if (node.nodeType === Node.TEXT_NODE) return s + cpLength(node.data.slice(0, offset));
    return offset === 0 ? s : s + cpLength(seg.textContent);
  }
  function selectionSpan() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed || shownDoc < 0) return null;
    const range = sel.getRangeAt(0);
    if (!pane.contains(range.commonAncestorContainer)) return null;
    let start = pointOffset(range.startContainer, range.startOffset);
    let end = pointOffset(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return null;
    const text = textOf(shownDoc);
    let piece = cpSlice(text, start, end);
    while (piece && /\s/.test(piece[0])) { piece = piece.slice(1); start++; }
    while (piece && /\s/.test(piece[piece.length - 1])) { piece = piece.slice(0, -1); end--; }
    return end > start ? { start: start, end: end, text: piece } : null;
  }
  const SCALE = { '万': 1e4, '亿': 1e8, '千': 1e3, '百': 1e2 };
  function guessValue(text) { // a first guess the reviewer corrects: leading digits times a scale word
    const m = /^([0-9０-９.,，]+)\s*([万亿千百]*)(.*)$/.exec(text);
    if (!m) return { value: null, unit: null };
    let n = Number(m[1].replace(/[，,]/g, '').replace(/[０-９]/g, (c) => String(c.charCodeAt(0) - 0xFF10)));
    for (const c of m[2]) n *= SCALE[c];
    return { value: Number.isFinite(n) ? n : null, unit: m[3].trim() || null };
  }
  function sentenceAround(text, start, end) {
    const a = u16Index(text, start), b = a + u16Index(text.slice(a), end - start);
    const stops = '。！？；\n';
    let i = a, j = b;
    while (i > 0 && !stops.includes(text[i - 1])) i--;
    while (j < text.length && !stops.includes(text[j])) j++;
    if (j < text.length && text[j] !== '\n') j++;
    return text.slice(i, j).replace(/\s*\n\s*/g, '').trim();
  }
  function addMissed() {
    const span = selectionSpan();
    if (!span) { say('Select the figure in the document text first.'); return; }
    const d = shownDoc, text = textOf(d);
    const before = docRecords[d].map((id) => recs[id]).filter((r) => !r.added && r.start <= span.start)
      .sort((a, b) => b.start - a.start)[0];
    const guess = guessValue(span.text);
    const r = {
      id: recs.length, doc: d, start: span.start, end: span.end, text: span.text, value: guess.value,
      value_max: null, unit: guess.unit, unit_kind: 'count', comparator: '=', kind: 'target',
      subject: before ? before.subject : null, verb: null, metric: null, modality: null,
      period: before ? before.period : null, sentence: sentenceAround(text, span.start, span.end),
      section: before ? before.section : null, added: true,
    };
    recs.push(r);
    docRecords[d].push(r.id);
    reviewed.add(d);
    window.getSelection().removeAllRanges();
    renderDoc(d);
    applyFilters();
    select(r.id, false);
    revealRow(r.id);
    changed();
    say('Added “' + r.text + '”: check its fields below.');
  }

  // ---- corrections out ----------------------------------------------------------
  function goldLine(r) {
    const out = {};
    for (const f of F) out[f] = f === 'doc' ? docs[r.doc].name : (r[f] === undefined ? null : r[f]);
    out.optional = optional.has(r.id);
    return JSON.stringify(out);
  }
  function corrections() {
    const all = $('scope').value === 'all';
    const lines = [];
    for (const r of recs) {
      if (r.deleted || wrong.has(r.id) || (!all && !reviewed.has(r.doc))) continue;
      lines.push(goldLine(r));
    }
    return lines;
  }
  function download() {
    const lines = corrections();
    if (!lines.length && !wrong.size) { say('Nothing to download yet: mark a document reviewed, or correct a record.'); return; }
    const blob = new Blob([lines.map((l) => l + '\n').join('')], { type: 'application/x-ndjson' });
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'corrections.jsonl';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    say(`Saved ${lines.length} gold records to corrections.jsonl`);
  }
  function tally() {
    const added = recs.length - baseCount - recs.filter((r) => r.deleted).length;
    $('tally').textContent = `${wrong.size} wrong · ${orig.size} edited · ${added} added · ${reviewed.size} reviewed`;
  }
  function save() {
    try {
      localStorage.setItem(storeKey, JSON.stringify({
        wrong: [...wrong], optional: [...optional], reviewed: [...reviewed],
        edits: [...orig.keys()].map((id) => [id, Object.fromEntries(EDITABLE.map((f) => [f, recs[id][f]]))]),
        added: recs.slice(baseCount).filter((r) => !r.deleted),
      }));
    } catch (e) { /* storage may be unavailable for file pages; the download still works */ }
  }
  function restore() {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(storeKey) || 'null'); } catch (e) { saved = null; }
    if (!saved) return;
    for (const [id, fields] of saved.edits || []) {
      if (!recs[id]) continue;
      remember(recs[id]);
      Object.assign(recs[id], fields);
    }
    for (const a of saved.added || []) {
      if (!docs[a.doc]) continue;
      a.id = recs.length; a.added = true;
      recs.push(a); docRecords[a.doc].push(a.id);
    }
    for (const id of saved.wrong || []) if (recs[id]) wrong.add(id);
    for (const id of saved.optional || []) if (recs[id]) optional.add(id);
    for (const d of saved.reviewed || []) if (docs[d]) reviewed.add(d);
    say('Restored the corrections saved in this browser.');
  }
  let saveTimer = null;
  function changed() { tally(); clearTimeout(saveTimer); saveTimer = setTimeout(save, 300); }
  let sayTimer = null;
  function say(text) {
    $('status').textContent = text;
    clearTimeout(sayTimer);
    sayTimer = setTimeout(() => { $('status').textContent = ''; }, 4000);
  }

  // ---- hover card ---------------------------------------------------------------
  const tip = $('tip');
  function showTip(seg, x, y) {
    const id = seg.dataset.r !== undefined ? Number(seg.dataset.r) : Number((seg.dataset.a || '').split(' ')[0]);
    const r = recs[id];
    if (!r) return;
    tip.replaceChildren();
    const line = (label, value) => {
      if (value === null || value === undefined || value === '') return;
      const div = el('div');
      div.append(el('b', '', label), String(value));
      tip.append(div);
    };
    line(r.added ? 'added' : r.kind, r.text + (wrong.has(id) ? '  (marked wrong)' : ''));
    line('value', formatValue(r) + (r.unit ? ' ' + r.unit : '') + ' · ' + r.unit_kind);
    line('comparator', r.comparator);
    line('subject', r.subject); line('verb', r.verb); line('metric', r.metric);
    line('modality', r.modality); line('period', r.period); line('section', r.section);
    tip.hidden = false;
    tip.style.left = Math.min(x + 14, window.innerWidth - tip.offsetWidth - 8) + 'px';
    tip.style.top = Math.min(y + 16, window.innerHeight - tip.offsetHeight - 8) + 'px';
  }

  // ---- wiring -------------------------------------------------------------------
  function init() {
    const total = recs.length;
    const byKind = {};
    for (const r of recs) byKind[r.kind] = (byKind[r.kind] || 0) + 1;
    $('stats').textContent = `${docs.length} doc${docs.length === 1 ? '' : 's'} · ${total} records` +
      data.kinds.map((k) => ` · ${byKind[k] || 0} ${k}`).join('');
    const docSelect = $('doc-select'), fDoc = $('f-doc');
    docs.forEach((d, i) => {
      const label = `${d.name} (${d.records})` + (d.note ? ' ⚠' : '');
      const o = el('option', '', label); o.value = String(i); docSelect.append(o);
      const f = el('option', '', label); f.value = String(i); fDoc.append(f);
    });
    for (const u of data.unit_kinds) { const o = el('option', '', u); o.value = u; $('f-unit').append(o); }
    restore();
    renderHead();
    if (docs.length) renderDoc(0);
    applyFilters();
    tally();

    $('head').addEventListener('click', (e) => {
      const th = e.target.closest('th');
      if (!th) return;
      if (sortKey === th.dataset.key) sortDir = -sortDir; else { sortKey = th.dataset.key; sortDir = 1; }
      renderHead(); sortView(); renderTable();
    });
    $('rows').addEventListener('click', (e) => {
      const tr = e.target.closest('tr');
      if (tr) select(Number(tr.dataset.id), true);
    });
    pane.addEventListener('click', (e) => {
      if (!window.getSelection().isCollapsed) return;
      const seg = e.target.closest('[data-r], [data-a]');
      if (!seg || seg.parentNode !== pane) return;
      const id = seg.dataset.r !== undefined ? Number(seg.dataset.r) : Number(seg.dataset.a.split(' ')[0]);
      select(id, false);
      revealRow(id);
    });
    pane.addEventListener('mouseover', (e) => {
      const seg = e.target.closest('[data-r], [data-a]');
      if (seg && seg.parentNode === pane) showTip(seg, e.clientX, e.clientY); else tip.hidden = true;
    });
    pane.addEventListener('mouseleave', () => { tip.hidden = true; });
    document.addEventListener('selectionchange', () => { $('add-missed').disabled = !selectionSpan(); });
    $('add-missed').addEventListener('click', addMissed);
    let typing = null;
    for (const id of ['f-subject', 'f-text']) {
      $(id).addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(applyFilters, 150); });
    }
    for (const id of ['f-unit', 'f-status']) $(id).addEventListener('change', applyFilters);
    fDoc.addEventListener('change', () => { const d = Number(fDoc.value); if (d >= 0) renderDoc(d); applyFilters(); });
    docSelect.addEventListener('change', () => showDoc(Number(docSelect.value)));
    $('prev-doc').addEventListener('click', () => showDoc(Math.max(0, shownDoc - 1)));
    $('next-doc').addEventListener('click', () => showDoc(Math.min(docs.length - 1, shownDoc + 1)));
    $('reviewed').addEventListener('change', (e) => {
      if (e.target.checked) reviewed.add(shownDoc); else reviewed.delete(shownDoc);
      changed();
    });
    $('legend').addEventListener('click', (e) => {
      const chip = e.target.closest('[data-kind]');
      if (!chip) return;
      const k = chip.dataset.kind;
      if (kindsOn.has(k)) kindsOn.delete(k); else kindsOn.add(k);
      chip.setAttribute('aria-pressed', String(kindsOn.has(k)));
      applyFilters();
    });
    $('prev-page').addEventListener('click', () => { page--; renderTable(); });
    $('next-page').addEventListener('click', () => { page++; renderTable(); });
    $('ed-fields').addEventListener('change', (e) => { if (e.target.dataset.field) edit(e.target); });
    $('ed-wrong').addEventListener('click', () => {
      if (wrong.has(selected)) wrong.delete(selected); else wrong.add(selected);
      reviewed.add(recs[selected].doc);
      refreshRow(selected); showEditor(recs[selected]); changed();
    });
    $('ed-optional').addEventListener('change', (e) => {
      if (e.target.checked) optional.add(selected); else optional.delete(selected);
      reviewed.add(recs[selected].doc);
      changed();
    });
    $('ed-revert').addEventListener('click', () => {
      const r = recs[selected];
      if (!orig.has(r.id)) return;
      Object.assign(r, orig.get(r.id)); orig.delete(r.id); delete r.hay;
      renderDoc(r.doc); refreshRow(r.id); showEditor(r); changed();
    });
    $('ed-delete').addEventListener('click', () => {
      const r = recs[selected];
      r.deleted = true;
      docRecords[r.doc] = docRecords[r.doc].filter((id) => id !== r.id);
      $('editor').hidden = true; selected = -1;
      renderDoc(r.doc); applyFilters(); changed();
    });
    $('download').addEventListener('click', download);
    document.addEventListener('keydown', (e) => {
      if (e.target.closest('input, select, textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
      const at = view.indexOf(selected);
      if (e.key === 'j' || e.key === 'k') { // next / previous record in the table's order
        const next = view[e.key === 'j' ? Math.min(view.length - 1, at + 1) : Math.max(0, at - 1)];
        if (next !== undefined) { select(next, true); revealRow(next); }
      } else if (e.key === 'w' && selected >= 0 && !recs[selected].added) $('ed-wrong').click();
      else if (e.key === 'o' && selected >= 0) $('ed-optional').click();
      else return;
      e.preventDefault();
    });
  }
  function showDoc(d) {
    if (d < 0 || d >= docs.length) return;
    renderDoc(d);
    if (Number($('f-doc').value) >= 0) { $('f-doc').value = String(d); applyFilters(); }
  }

  init();
  document.body.dataset.ready = 'true';
}());
