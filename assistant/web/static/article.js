// An article's text drawn as DOM: headings, paragraphs, lists, pipe tables and emphasis. Every
// character shown keeps its offset in the text, and the characters inside a highlight range are
// wrapped in <mark> wherever they land (across cells, items or lines); the Markdown syntax
// itself (pipes, `|---|` rows, list markers, `#`, `**`) is never shown. Text goes in as text
// nodes only.

import { h } from './dom.js';

const HEADING = /^(#{1,6})\s+/;
const ITEM = /^(?:[-*+•▪◦‣]|(\d{1,3})[.)])\s+/u;
const TABLE_SEP = /^\|?[\s:|-]*-{3,}[\s:|-]*$/;
// **bold**, *italic* or _italic_ (not inside words, so snake_case and 3*4 stay as they are).
const EMPHASIS = /\*\*(?=\S)(.+?)\*\*|(?<![\w*])([*_])(?=\S)(.+?)\2(?![\w*])/dgu;
// Ends like a sentence, or an intro ("…:"), or a clause: not a heading.
const SENTENCE_END = /[.!;,…:]["'”’)\]*_]*$/u;

/**
 * The lines of `text` with their offsets: [start, end) without the indentation.
 * @returns {{start: number, end: number, s: string, indent: number}[]}
 */
function lines(text) {
  const out = [];
  let pos = 0;
  for (const raw of text.split('\n')) {
    const s = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    out.push({ start: pos + indent, end: pos + indent + s.length, s, indent });
    pos += raw.length + 1;
  }
  return out;
}

const isRow = (line) => line.s.startsWith('|') && line.s.indexOf('|', 1) > 0;

/**
 * A plain line that reads as a heading: short, no sentence end, something under it. These
 * articles mark their headings that way rather than with `#` (the chunker reads sections
 * from the same shape).
 */
function looksLikeHeading(line, prev, next) {
  if (line.indent || !next || !next.s) return false;
  if (!/^[\p{Lu}\p{N}\p{So}]/u.test(line.s) || /^\p{Ll}/u.test(next.s)) return false;
  if (SENTENCE_END.test(line.s) || (prev && prev.s.endsWith(':'))) return false;
  return line.s.length <= 120 && line.s.split(/\s+/).length <= 16;
}

/** The cells of a table row as [start, end) ranges, trimmed, outer pipes left out. */
function cells(line) {
  const out = [];
  let at = line.start + 1;
  for (const part of line.s.slice(1).split('|').slice(0, -1)) {
    const lead = part.length - part.trimStart().length;
    out.push({ start: at + lead, end: at + lead + part.trim().length });
    at += part.length + 1;
  }
  return out;
}

/**
 * The blocks of an article, each holding [start, end) ranges of its shown text.
 * @returns {object[]} {kind: 'heading', level, run} | {kind: 'p', run} |
 *   {kind: 'ul'|'ol', first, items: [[run]]} | {kind: 'table', head: [[run]], body: [[run]]}
 */
export function parseArticle(text) {
  const all = lines(text);
  const blocks = [];
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    if (!line.s) continue;
    const heading = HEADING.exec(line.s);
    if (heading) {
      const skip = heading[0].length;
      blocks.push({ kind: 'heading', level: heading[1].length, run: { start: line.start + skip, end: line.end } });
      continue;
    }
    if (isRow(line)) {
      let j = i;
      while (j < all.length && isRow(all[j])) j++;
      const rows = all.slice(i, j);
      const sep = rows.findIndex((r) => TABLE_SEP.test(r.s));
      if (sep > 0) {
        blocks.push({
          kind: 'table',
          head: rows.slice(0, sep).map(cells),
          body: rows.slice(sep + 1).filter((r) => !TABLE_SEP.test(r.s)).map(cells),
        });
        i = j - 1;
        continue;
      }
    }
    const item = ITEM.exec(line.s);
    if (item) {
      const kind = item[1] ? 'ol' : 'ul';
      const last = blocks[blocks.length - 1];
      const run = { start: line.start + item[0].length, end: line.end };
      if (last && last.kind === kind && last.open) last.items.push([run]);
      else blocks.push({ kind, first: Number(item[1] || 1), items: [[run]], open: true });
      continue;
    }
    const last = blocks[blocks.length - 1];
    if (line.indent && last && last.open) {
      last.items[last.items.length - 1].push({ start: line.start, end: line.end }); // a continuation line
      continue;
    }
    const prev = all[i - 1];
    const level = looksLikeHeading(line, prev, all[i + 1]) ? 0 : null;
    blocks.push(level === null ? { kind: 'p', run: line } : { kind: 'heading', level, run: line });
  }
  for (const b of blocks) delete b.open;
  return blocks;
}

/**
 * Append text[start, end) to `parent`, the part inside `mark` wrapped in <mark>.
 * @param {{start: number, end: number, how: string} | null} mark
 */
function appendText(parent, text, start, end, mark) {
  if (end <= start) return;
  const a = mark ? Math.min(end, Math.max(start, mark.start)) : end;
  const b = mark ? Math.min(end, Math.max(a, mark.end)) : end;
  if (a > start) parent.append(text.slice(start, a));
  if (b > a) parent.append(h('mark', { class: 'quote-mark', dataset: { how: mark.how } }, text.slice(a, b)));
  if (end > b) parent.append(text.slice(b, end));
}

/** Emphasis inside text[start, end), into `parent`. */
function appendInline(parent, text, start, end, mark) {
  let at = start;
  for (const m of text.slice(start, end).matchAll(EMPHASIS)) {
    const [s, e] = m.indices[1] || m.indices[3];
    appendText(parent, text, at, start + m.index, mark);
    appendInline(parent.appendChild(h(m[1] !== undefined ? 'strong' : 'em')), text, start + s, start + e, mark);
    at = start + m.index + m[0].length;
  }
  appendText(parent, text, at, end, mark);
  return parent;
}

/** Several ranges (an item's continuation lines) in one element, a space between them. */
function appendRuns(parent, text, runs, mark) {
  runs.forEach((run, i) => {
    if (i) parent.append(' ');
    appendInline(parent, text, run.start, run.end, mark);
  });
  return parent;
}

function tableNode(block, text, mark) {
  const row = (tag) => (runs) => h('tr', {}, runs.map((run) => appendInline(h(tag), text, run.start, run.end, mark)));
  return h('div', { class: 'article-table' },
    h('table', {},
      h('thead', {}, block.head.map(row('th'))),
      block.body.length ? h('tbody', {}, block.body.map(row('td'))) : null));
}

/**
 * The article as DOM nodes, with text[mark.start, mark.end) (UTF-16 offsets) highlighted.
 * @param {string} text
 * @param {{start: number, end: number, how: string} | null} mark
 * @returns {DocumentFragment}
 */
export function renderArticle(text, mark = null) {
  const fragment = document.createDocumentFragment();
  for (const block of parseArticle(text)) {
    if (block.kind === 'table') {
      fragment.append(tableNode(block, text, mark));
    } else if (block.kind === 'ul' || block.kind === 'ol') {
      fragment.append(h(block.kind, { start: block.kind === 'ol' && block.first !== 1 ? block.first : null },
        block.items.map((runs) => appendRuns(h('li'), text, runs, mark))));
    } else if (block.kind === 'heading') {
      // The panel's title is the h2: the article's headings sit under it.
      const tag = `h${Math.min(6, 3 + Math.max(0, block.level - 1))}`;
      fragment.append(appendInline(h(tag, { class: 'article-heading' }), text, block.run.start, block.run.end, mark));
    } else {
      fragment.append(appendInline(h('p'), text, block.run.start, block.run.end, mark));
    }
  }
  return fragment;
}
