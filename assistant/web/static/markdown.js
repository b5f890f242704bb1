// The Markdown subset the answers use (**bold**, _italic_, "- " bullets, numbered lists,
// paragraphs, [n] citation markers), rendered to DOM nodes. Text goes in as text nodes only.

import { h } from './dom.js';

// **bold** | _italic_ (not inside words, so snake_case stays as is) | [n]
const INLINE = /\*\*(.+?)\*\*|(^|[^\w*])_(?=\S)(.+?)_(?!\w)|\[(\d{1,3})\]/s;

/**
 * Render inline Markdown into `parent`.
 * @param {string} text
 * @param {(n: number) => Node} marker builds the node for a [n] marker
 * @param {Node} parent
 */
export function renderInline(text, marker, parent) {
  let rest = text;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) {
      parent.append(rest);
      break;
    }
    const before = rest.slice(0, m.index);
    if (m[1] !== undefined) {
      if (before) parent.append(before);
      parent.append(renderInline(m[1], marker, h('strong')));
    } else if (m[3] !== undefined) {
      if (before + m[2]) parent.append(before + m[2]);
      parent.append(renderInline(m[3], marker, h('em')));
    } else {
      if (before) parent.append(before);
      parent.append(marker(Number(m[4])));
    }
    rest = rest.slice(m.index + m[0].length);
  }
  return parent;
}

const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,3}[.)]\s+(.*)$/;
const HEADING = /^\s*#{1,6}\s+(.*)$/;

/**
 * Render block Markdown: paragraphs (blank-line separated), bullet and numbered lists.
 * @param {string} markdown
 * @param {(n: number) => Node} marker
 * @returns {DocumentFragment}
 */
export function renderMarkdown(markdown, marker) {
  const fragment = document.createDocumentFragment();
  for (const block of String(markdown || '').split(/\n\s*\n/)) {
    let list = null;
    let listKind = '';
    let paragraph = [];
    const flush = () => {
      if (paragraph.length) fragment.append(renderInline(paragraph.join(' '), marker, h('p')));
      paragraph = [];
    };
    for (const line of block.split('\n')) {
      const bullet = BULLET.exec(line);
      const numbered = bullet ? null : NUMBERED.exec(line);
      const heading = HEADING.exec(line);
      if (bullet || numbered) {
        flush();
        const kind = bullet ? 'ul' : 'ol';
        if (!list || listKind !== kind) {
          list = h(kind);
          listKind = kind;
          fragment.append(list);
        }
        list.append(renderInline((bullet || numbered)[1], marker, h('li')));
      } else if (heading) {
        flush();
        list = null;
        fragment.append(h('p', { class: 'md-heading' }, renderInline(heading[1], marker, h('strong'))));
      } else {
        list = null;
        if (line.trim()) paragraph.push(line.trim());
      }
    }
    flush();
  }
  return fragment;
}

/** The Markdown as plain text (for copying): emphasis marks removed, [n] markers kept. */
export function plainText(markdown) {
  return String(markdown || '')
    .replace(/\*\*(.+?)\*\*/gs, '$1')
    .replace(/(^|[^\w*])_(?=\S)(.+?)_(?!\w)/gms, '$1$2');
}
