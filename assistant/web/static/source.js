// The source panel: the cited document, its Markdown drawn (article.js), with the quoted span
// highlighted exactly from the citation's offsets. The API's offsets count Unicode code points
// (Python string indices); JavaScript strings index UTF-16 code units, so offsets are converted
// before slicing.

import { renderArticle } from './article.js';
import { h } from './dom.js';
import { getDocument } from './api.js';
import { COMMERCIAL, COMMERCIAL_HINT, kindWords, stanceWords } from './labels.js';

/** UTF-16 index of the `cp`-th code point of `text` (clamped to the text). */
export function codePointToUtf16(text, cp) {
  let i = 0;
  for (let n = 0; n < cp && i < text.length; n++) {
    i += text.codePointAt(i) > 0xffff ? 2 : 1;
  }
  return i;
}

const collapse = (s) => String(s || '').replace(/\s+/g, ' ').trim();

/**
 * Where to highlight the citation in `text`, as UTF-16 offsets.
 * @returns {{start: number, end: number, how: 'offsets'|'search'} | null}
 */
export function locateCitation(text, citation) {
  const start = codePointToUtf16(text, citation.start);
  const end = codePointToUtf16(text, citation.end);
  if (end > start && collapse(text.slice(start, end)) === collapse(citation.quote)) {
    return { start, end, how: 'offsets' };
  }
  // Offsets disagree with the quote (should not happen: citations are verified): search for it.
  const words = collapse(citation.quote).split(' ').filter(Boolean);
  if (!words.length) return null;
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'), 'u');
  const found = pattern.exec(text);
  return found ? { start: found.index, end: found.index + found[0].length, how: 'search' } : null;
}

export function createSourcePanel({ onClose } = {}) {
  const panel = document.getElementById('source-panel');
  const el = (id) => document.getElementById(id);
  const title = el('source-title');
  const kicker = el('source-kicker');
  const byline = el('source-byline');
  const badges = el('source-badges');
  const section = el('source-section');
  const check = el('source-check');
  const quote = el('source-quote-text');
  const status = el('source-status');
  const body = el('source-text');
  let trigger = null;
  let request = 0;

  // Scroll only the article box (not the page) so the highlight sits a third of the way down.
  const scrollToMark = () => {
    const mark = body.querySelector('mark');
    if (!mark) return;
    const offset = mark.getBoundingClientRect().top - body.getBoundingClientRect().top;
    body.scrollTop += offset - body.clientHeight / 3;
  };

  function close() {
    if (panel.hidden) return;
    panel.hidden = true;
    document.body.classList.remove('source-open');
    request++;
    const back = trigger;
    trigger = null;
    if (back && document.contains(back)) back.focus();
    if (onClose) onClose();
  }

  async function open(citation, from) {
    const mine = ++request;
    trigger = from || document.activeElement;
    panel.hidden = false;
    document.body.classList.add('source-open');
    panel.dataset.n = String(citation.n);
    panel.dataset.docId = citation.doc_id;
    kicker.textContent = `Source [${citation.n}]`;
    title.textContent = citation.title || citation.doc_id;
    byline.textContent = '';
    section.textContent = citation.section ? `Section: ${citation.section}` : '';
    section.hidden = !citation.section;
    quote.textContent = `“${citation.quote}”`;
    check.replaceChildren(
      citation.verified
        ? h('span', { class: 'check ok', text: '✓ Checked: this quote appears word for word in the article.' })
        : h('span', { class: 'check warn', text: '⚠ This quote could not be checked against the article.' }),
    );
    badges.replaceChildren(...badgeNodes({ commercial_interest: citation.commercial_interest, stance: citation.stance }));
    status.textContent = 'Loading the article…';
    body.replaceChildren();
    title.focus();
    // The chat narrows beside the panel: keep the citation that opened it in sight.
    if (trigger && document.contains(trigger)) trigger.scrollIntoView({ block: 'nearest' });

    let doc;
    try {
      doc = await getDocument(citation.doc_id);
    } catch (exc) {
      if (mine === request) {
        status.textContent = `Could not load the article (${describe(exc)}). Close this panel and try again.`;
      }
      return;
    }
    if (mine !== request) return; // another source was opened meanwhile
    title.textContent = doc.title || citation.title;
    byline.textContent = [doc.publisher, doc.author].filter(Boolean).join(' · ');
    badges.replaceChildren(...badgeNodes(doc));
    const text = String(doc.text || '');
    const where = locateCitation(text, citation);
    body.replaceChildren(renderArticle(text, where));
    if (!where) {
      status.textContent = 'The quoted passage could not be found in this version of the article.';
      return;
    }
    status.textContent = where.how === 'offsets' ? '' : 'Highlighted by searching for the quote.';
    scrollToMark();
  }

  // Tab and Shift+Tab go round the panel's own controls until it is closed (Esc, or Close).
  panel.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const stops = tabStops(panel);
    if (!stops.length) return;
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (event.shiftKey && (document.activeElement === first || !panel.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });

  el('source-close').addEventListener('click', close);
  el('source-jump').addEventListener('click', scrollToMark);
  return { open, close, isOpen: () => !panel.hidden };
}

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** The elements Tab stops at inside `root`, in order: enabled and shown. */
function tabStops(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((node) => !node.disabled && node.getClientRects().length);
}

function badgeNodes(doc) {
  const nodes = [];
  if (doc.kind) nodes.push(h('span', { class: 'badge', text: kindWords(doc.kind) }));
  const stance = stanceWords(doc.stance);
  if (stance) nodes.push(h('span', { class: 'badge badge-stance', text: stance }));
  if (doc.commercial_interest) {
    nodes.push(h('span', { class: 'badge badge-commercial', title: COMMERCIAL_HINT, text: COMMERCIAL }));
    nodes.push(h('span', { class: 'badge-hint', text: COMMERCIAL_HINT }));
  }
  return nodes;
}

function describe(exc) {
  if (exc && exc.kind === 'network') return 'the server is not responding';
  if (exc && exc.status) return `HTTP ${exc.status}${exc.error ? `: ${exc.error}` : ''}`;
  return 'unknown error';
}
