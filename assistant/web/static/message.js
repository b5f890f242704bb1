// One turn of the conversation in the transcript: the question, then the answer as it streams
// (a draft) and as it settles (the verified Answer), or a friendly refusal, or an error.

import { h } from './dom.js';
import { plainText, renderInline, renderMarkdown } from './markdown.js';
import { COMMERCIAL, COMMERCIAL_HINT, noticeWords, sideWords, verdictWords } from './labels.js';

/**
 * @typedef {object} Hooks
 * @property {(citation: object, trigger: Element) => void} openSource
 * @property {(question: string) => void} ask         send an example question
 * @property {(fact: string) => void} editProfile      open the profile panel at a field
 * @property {(text: string, button: Element) => void} copy
 */

export function userMessage(question) {
  return h('article', { class: 'msg msg-user', 'aria-label': 'You asked' },
    h('p', { class: 'msg-who', text: 'You' }),
    h('p', { class: 'msg-text', text: question }));
}

/** A citation marker button; a plain "[n]" when the answer has no such citation. */
function markerFactory(answer, hooks) {
  const byN = new Map((answer.citations || []).map((c) => [c.n, c]));
  return (n) => {
    const citation = byN.get(n);
    if (!citation) return document.createTextNode(`[${n}]`);
    const label = `Source ${n}: ${citation.title}${citation.commercial_interest ? ` (${COMMERCIAL.toLowerCase()})` : ''}`;
    const button = h('button', {
      type: 'button',
      class: `cite${citation.commercial_interest ? ' cite-commercial' : ''}${citation.verified ? '' : ' cite-unverified'}`,
      'aria-label': label,
      title: label,
      dataset: { n: String(n) },
      text: String(n),
    });
    button.addEventListener('click', () => hooks.openSource(citation, button));
    return button;
  };
}

export class AssistantMessage {
  /** @param {Hooks} hooks */
  constructor(hooks) {
    this.hooks = hooks;
    this.status = h('p', { class: 'msg-status' }, h('span', { class: 'dots', 'aria-hidden': 'true' }), ' Reading the articles…');
    this.preview = h('div', { class: 'msg-preview' });
    this.draft = h('div', { class: 'draft', hidden: true });
    this.body = h('div', { class: 'msg-body' }, this.status, this.preview, this.draft);
    this.el = h('article', { class: 'msg msg-assistant pending', 'aria-label': 'Advisor answer', 'aria-busy': 'true' },
      h('p', { class: 'msg-who', text: 'IMG Advisor' }), this.body);
    this.draftText = '';
  }

  /** Early facts from the `meta` event: the verdict is known before any model writes. */
  meta(meta) {
    if (meta && meta.recommendation && !meta.abstained) {
      this.preview.replaceChildren(recommendationCard(meta.recommendation, null, this.hooks, true));
    }
    this.status.lastChild.textContent = ' Checking every quote against the articles…';
  }

  token(text) {
    this.draftText += text;
    this.draft.hidden = false;
    this.draft.replaceChildren(
      h('p', { class: 'draft-label', text: 'Draft: being checked against the sources' }),
      h('p', { class: 'draft-text', text: this.draftText }));
  }

  /** The verified final Answer replaces everything shown so far. */
  final(answer) {
    this.answer = answer;
    this.el.classList.remove('pending');
    this.el.setAttribute('aria-busy', 'false');
    this.el.dataset.state = answer.abstained ? 'abstained' : 'answered';
    this.body.replaceChildren(...(answer.abstained ? abstention(answer, this.hooks) : answerNodes(answer, this.hooks)));
  }

  /** An error instead of an answer: say what happened and what to do; offer a retry. */
  error(err, retry) {
    this.el.classList.remove('pending');
    this.el.setAttribute('aria-busy', 'false');
    this.el.dataset.state = 'error';
    const { title, text } = explainError(err);
    const actions = h('div', { class: 'msg-actions' });
    if (retry && err.kind !== 'aborted') {
      const again = h('button', { type: 'button', class: 'btn btn-primary btn-small retry', text: 'Try again' });
      again.addEventListener('click', retry);
      actions.append(again);
    }
    this.body.replaceChildren(
      h('div', { class: `notice notice-${err.kind === 'aborted' ? 'info' : 'error'}`, role: err.kind === 'aborted' ? null : 'alert', dataset: { status: String(err.status || 0), kind: err.kind } },
        h('p', { class: 'notice-title', text: title }),
        h('p', { text }),
        err.detail && typeof err.detail === 'string' ? h('p', { class: 'notice-detail', text: err.detail }) : null,
        actions));
  }
}

/** What went wrong, in words an applicant can act on. */
export function explainError(err) {
  const status = err.status || 0;
  if (err.kind === 'aborted') return { title: 'Stopped', text: 'You stopped this answer. Ask again whenever you like.' };
  if (err.kind === 'network' && !status) {
    return { title: "Can't reach the advisor", text: 'The server is not responding. Check your connection, or that the advisor is running, then try again.' };
  }
  if (err.kind === 'incomplete') return { title: 'The answer was cut off', text: 'The connection closed before the answer was complete. Please try again.' };
  if (status === 429) {
    const wait = err.retryAfter ? ` Please wait ${err.retryAfter} second${err.retryAfter === 1 ? '' : 's'}, then try again.` : ' Please wait a minute, then try again.';
    return { title: 'Too many questions at once', text: `You've reached the limit of questions for now.${wait}` };
  }
  if (status === 503) {
    return { title: "The advisor isn't ready yet", text: `${capital(err.error || 'The service is unavailable')}. This usually fixes itself shortly; try again in a moment.` };
  }
  if (status === 413) return { title: 'This conversation is too long to send', text: 'Start a new conversation (top of the page) and ask again.' };
  if (status === 422 || err.kind === 'stream') {
    return { title: "I couldn't answer that as asked", text: `${capital(err.error || 'The question was not accepted')}. Please rephrase it and try again.` };
  }
  return { title: 'Something went wrong', text: `The server answered with an error${status ? ` (HTTP ${status})` : ''}${err.error ? `: ${err.error}` : ''}. Please try again.` };
}

const capital = (s) => String(s).charAt(0).toUpperCase() + String(s).slice(1);

function recommendationCard(rec, answer, hooks, preview = false) {
  const words = verdictWords(rec.verdict);
  const byN = new Map(((answer && answer.citations) || []).map((c) => [c.n, c]));
  const marker = answer ? markerFactory(answer, hooks) : null;
  const quotes = (rec.citations || []).map((n) => byN.get(n)).filter(Boolean);
  return h('section', { class: `rec rec-${words.tone}`, dataset: { verdict: rec.verdict }, 'aria-label': 'Recommendation' },
    h('p', { class: 'rec-kicker', text: 'Recommendation' }),
    h('h3', { class: 'rec-title', text: words.title }),
    rec.rationale ? h('p', { class: 'rec-why' }, h('strong', { text: 'Why, in your case: ' }), rec.rationale) : null,
    quotes.length
      ? h('div', { class: 'rec-sources' },
        h('p', { class: 'rec-sources-label', text: 'The rule rests on these sentences:' }),
        h('ul', {}, quotes.map((c) => h('li', {}, h('q', { text: c.quote }), ' ', h('span', { class: 'rec-source-title', text: c.title }), ' ', marker(c.n)))))
      : null,
    // The rule id stays in the Answer JSON for developers; applicants get the rule in words.
    h('p', { class: 'rec-foot', text: preview ? 'Checking the quotes…' : 'A fixed rule drawn from the articles: the same facts always get the same advice.' }));
}

/** @param {string[]} facts markdown, one missing fact each */
function missingFacts(facts, marker, hooks) {
  const button = h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Fill these in your profile' });
  button.addEventListener('click', () => hooks.editProfile(facts[0]));
  return h('section', { class: 'missing', 'aria-label': 'What I need to know' },
    h('p', { class: 'missing-title', text: 'To recommend USCE or research first, I need to know:' }),
    h('ul', {}, facts.map((f) => renderInline(capital(f), marker, h('li')))),
    h('p', {}, 'Tell me in your next message, or ', button, '.'));
}

function disagreement(item, answer, hooks) {
  const marker = markerFactory(answer, hooks);
  const byN = new Map((answer.citations || []).map((c) => [c.n, c]));
  return h('section', { class: 'disagree', 'aria-label': 'Sources disagree' },
    h('p', { class: 'disagree-title', text: 'The sources disagree' }),
    h('p', { class: 'disagree-topic', text: `On ${item.topic}:` }),
    h('ul', { class: 'disagree-sides' }, (item.sides || []).map((side) => {
      const cited = (side.citations || []).filter((n) => byN.has(n));
      return h('li', { class: 'disagree-side', dataset: { stance: String(side.stance) } },
        h('strong', { text: sideWords(side.stance) }), ' ',
        cited.map((n) => marker(n)),
        cited.length ? h('span', { class: 'disagree-quote' }, h('q', { text: byN.get(cited[0]).quote })) : null);
    })),
    h('p', { class: 'disagree-foot', text: 'Both views come from the articles. Open the quotes to judge for yourself.' }));
}

function sourcesList(answer, hooks) {
  const citations = answer.citations || [];
  const verified = citations.filter((c) => c.verified).length;
  const marker = markerFactory(answer, hooks);
  const summary = verified === citations.length
    ? `${citations.length} source quote${citations.length === 1 ? '' : 's'}, all checked word for word`
    : `${citations.length} source quotes, ${verified} checked word for word`;
  return h('details', { class: 'sources' },
    h('summary', {}, h('span', { class: 'check ok', 'aria-hidden': 'true', text: verified === citations.length ? '✓ ' : '⚠ ' }), summary),
    h('ol', { class: 'sources-list' }, citations.map((c) => h('li', { class: 'source-item' },
      marker(c.n), ' ',
      h('span', { class: 'source-item-title', text: c.title }),
      c.commercial_interest ? h('span', { class: 'badge badge-commercial', title: COMMERCIAL_HINT, text: COMMERCIAL }) : null,
      c.verified ? null : h('span', { class: 'badge badge-warn', text: 'Not verified' }),
      c.section ? h('span', { class: 'source-item-section', text: c.section }) : null,
      h('q', { class: 'source-item-quote', text: c.quote })))));
}

/** The answer text for copying: plain text, then the numbered sources with their quotes. */
export function answerAsText(answer) {
  const lines = [plainText(answer.answer).trim()];
  if ((answer.citations || []).length) {
    lines.push('', 'Sources:');
    for (const c of answer.citations) lines.push(`[${c.n}] ${c.title}${c.section ? ` (${c.section})` : ''}: “${c.quote}”`);
  }
  return lines.join('\n');
}

function actions(answer, hooks) {
  const copy = h('button', { type: 'button', class: 'btn btn-quiet btn-small copy', text: 'Copy answer' });
  copy.addEventListener('click', () => hooks.copy(answerAsText(answer), copy));
  return h('div', { class: 'msg-actions' }, copy);
}

// Guard codes that are not a judgment on what the model said (a repeat, an empty fragment).
const NOT_REMOVED_FOR_CONTENT = new Set(['repeated', 'empty']);

/** When the model's prose was used but some of its sentences were dropped, say how many: the
 * reader should know the answer was edited, not only that it was checked. */
export function guardNotice(answer) {
  const guard = answer.guard;
  if (!guard || guard.fallback || !(guard.kept || []).length) return null;
  const dropped = (guard.dropped || []).filter((d) => !NOT_REMOVED_FOR_CONTENT.has(d.code));
  if (!dropped.length) return null;
  const total = guard.kept.length + dropped.length;
  const one = dropped.length === 1;
  return `${dropped.length} of the model's ${total} sentences ${one ? 'was' : 'were'} removed: `
    + (one ? 'its sources did not back it, or it went against the recommendation.'
      : 'their sources did not back them, or they went against the recommendation.');
}

// ---------------------------------------------------------------------------------------------
// The answer, drawn from its blocks (answer.blocks, assistant/core/blocks.py): the answer's
// structure as data. The page never looks for sections in the `answer` markdown, so a rewording
// of that text on the server cannot break it; the markdown is for copying and for other clients.

// The labels assistant/answer/render.py gives these blocks in the markdown, so both read alike.
const IN_SHORT = 'In short:';
const PLAN_TITLE = 'What to do next:';
const WHAT_WOULD_CHANGE_TITLE = 'What would change this advice:';
const FOR_YOU = 'For you:'; // a plan step measured against the applicant's own facts
// Notices that read as plain text; the others are an italic note, as in the markdown.
const PLAIN_NOTICES = new Set(['no_answer', 'out_of_scope']);

/** Markdown led by a bold label in its first paragraph ("**In short:** …" in the markdown). */
function labelled(label, text, marker) {
  const body = renderMarkdown(text, marker);
  const lead = h('strong', { text: label });
  if (body.firstChild && body.firstChild.tagName === 'P') body.firstChild.prepend(lead, ' ');
  else body.prepend(h('p', {}, lead));
  return body;
}

/** A bold title over a list of items ("**title**\n- item" in the markdown); nothing without items. */
function titledList(title, items, marker) {
  if (!(items || []).length) return null;
  return [
    title ? h('p', {}, renderInline(title, marker, h('strong'))) : null,
    h('ul', {}, items.map((item) => renderInline(item.text, marker, h('li')))),
  ];
}

/** The plan's steps, each with what it means for this applicant ("_For you: …_" in the markdown). */
function planList(items, marker) {
  if (!(items || []).length) return null;
  const step = (item) => {
    const li = renderInline(item.text, marker, h('li'));
    if (item.for_you) li.append(' ', h('em', { class: 'for-you', text: `${FOR_YOU} ${item.for_you}.` }));
    return li;
  };
  return [h('p', {}, h('strong', { text: PLAN_TITLE })), h('ul', {}, items.map(step))];
}

/** An italic note ("_…_" in the markdown). */
const note = (text, marker) => h('p', {}, renderInline(text, marker, h('em')));

// The blocks shown as text in the answer-text area, each as the markdown reads it.
const TEXT_BLOCKS = {
  // (an answer to one question of a multi-part message names it, as render.answer_label does)
  direct_answer: (b, marker) => labelled(b.asks ? `On “${b.asks}”:` : IN_SHORT, b.text, marker),
  evidence: (b, marker) => (b.origin === 'model' ? renderMarkdown(b.text, marker) : titledList(b.title, b.items, marker)),
  plan: (b, marker) => planList(b.items, marker),
  what_would_change: (b, marker) => labelled(WHAT_WOULD_CHANGE_TITLE, b.text, marker),
  profile_echo: (b, marker) => note(b.text, marker),
  notice: (b, marker) => (PLAIN_NOTICES.has(b.code) ? renderMarkdown(b.text, marker) : note(b.text, marker)),
  // Only when there is no card to draw: missing facts not listed one by one, a disagreement
  // without the stances its card shows.
  missing_facts: (b, marker) => renderMarkdown(b.text, marker),
  disagreement: (b, marker) => titledList(b.title, b.items, marker),
};

/** A kind this page does not know yet (a newer server): its text and items, so nothing is lost. */
const unknownBlock = (b, marker) => [b.text ? renderMarkdown(b.text, marker) : null, titledList(b.title, b.items, marker)];

/** The block's card, or null when it is text. `disagreements` are the Answer's
 * sources_disagree not yet drawn: the n-th disagreement block is the n-th of them. */
function blockCard(block, answer, hooks, disagreements) {
  if (block.kind === 'recommendation') {
    // The rationale lives in answer.recommendation; the block alone still draws a card.
    const rec = answer.recommendation || { verdict: block.verdict, citations: (block.items || []).flatMap((i) => i.citations || []) };
    return recommendationCard(rec, answer, hooks);
  }
  if (block.kind === 'missing_facts' && (block.items || []).length) {
    return missingFacts(block.items.map((i) => i.text), markerFactory(answer, hooks), hooks);
  }
  if (block.kind === 'disagreement' && disagreements.length) return disagreement(disagreements.shift(), answer, hooks);
  return null;
}

/** Cards and text in the blocks' order; consecutive text blocks share one answer-text area. */
function blockNodes(answer, hooks) {
  const marker = markerFactory(answer, hooks);
  const disagreements = [...(answer.sources_disagree || [])];
  const nodes = [];
  let text = null;
  for (const block of answer.blocks) {
    const card = blockCard(block, answer, hooks, disagreements);
    if (card) {
      nodes.push(card);
      text = null;
      continue;
    }
    const data = block.code ? { block: block.kind, code: block.code } : { block: block.kind };
    const part = h('div', { class: 'answer-block', dataset: data },
      (TEXT_BLOCKS[block.kind] || unknownBlock)(block, marker));
    if (!part.hasChildNodes()) continue; // e.g. a plan with no steps
    if (!text) nodes.push(text = h('div', { class: 'answer-text' }));
    text.append(part);
  }
  return nodes;
}

/** An older server sends no blocks: the cards from the Answer's fields, then its markdown whole.
 * The verdict may then read twice; finding its paragraph in the text is what the page no longer
 * does. */
function legacyNodes(answer, hooks) {
  const marker = markerFactory(answer, hooks);
  const nodes = [];
  if (answer.recommendation) nodes.push(recommendationCard(answer.recommendation, answer, hooks));
  else if ((answer.missing_facts || []).length) nodes.push(missingFacts(answer.missing_facts, marker, hooks));
  nodes.push(h('div', { class: 'answer-text' }, renderMarkdown(answer.answer, marker)));
  for (const item of answer.sources_disagree || []) nodes.push(disagreement(item, answer, hooks));
  return nodes;
}

function answerNodes(answer, hooks) {
  const nodes = (answer.blocks || []).length ? blockNodes(answer, hooks) : legacyNodes(answer, hooks);
  const notices = (answer.notices || []).map(noticeWords).filter(Boolean);
  const removed = guardNotice(answer);
  if (removed) notices.push(removed);
  if (notices.length) nodes.push(h('ul', { class: 'notices' }, notices.map((n) => h('li', { text: n }))));
  if ((answer.citations || []).length) nodes.push(sourcesList(answer, hooks));
  nodes.push(actions(answer, hooks));
  return nodes;
}

export const EXAMPLES = [
  'I graduated in 2016 and have no US clinical experience. Research or rotations first?',
  'I have 3 months of externships and 3 US letters, and I want academic internal medicine. What next?',
  'I went unmatched. I have 3 months of externships and 2 US letters. Is a research year worth it?',
  'Does an observership count as hands-on USCE?',
];

export function exampleButtons(hooks, questions = EXAMPLES) {
  return questions.map((q) => {
    const button = h('button', { type: 'button', class: 'example', text: q });
    button.addEventListener('click', () => hooks.ask(q));
    return h('li', {}, button);
  });
}

function abstention(answer, hooks) {
  // The refusal's words: its out_of_scope notice, or the whole text from an older server.
  const refusal = (answer.blocks || []).find((b) => b.kind === 'notice' && b.code === 'out_of_scope');
  return [
    h('section', { class: 'abstain', 'aria-label': 'Outside what I can help with' },
      h('p', { class: 'abstain-title', text: "That's outside what I can help with" }),
      h('p', { text: refusal ? refusal.text : answer.answer }),
      h('p', { class: 'abstain-try', text: 'Questions I can answer well:' }),
      h('ul', { class: 'examples examples-inline' }, exampleButtons(hooks, EXAMPLES.slice(0, 2)))),
    actions(answer, hooks),
  ];
}
