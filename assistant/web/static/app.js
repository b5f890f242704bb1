// IMG Advisor chat page: wires the composer, the transcript, the profile panel and the source
// panel to the API. Plain ES modules, no framework, no build step, no network but this origin.

import { ApiError, askStream, getHealth } from './api.js';
import { h, reveal } from './dom.js';
import { verdictWords } from './labels.js';
import { AssistantMessage, exampleButtons, explainError, userMessage } from './message.js';
import { createProfilePanel } from './profile.js';
import { createSourcePanel } from './source.js';

const MAX_CHARS = 2000;
const MAX_BODY_BYTES = 48 * 1024; // the API refuses bodies over 64 KiB; stay well under
const STORE_KEY = 'img-advisor:conversation:v1';

const $ = (id) => document.getElementById(id);
const form = $('ask-form');
const input = $('question');
const send = $('send');
const stop = $('stop');
const transcript = $('transcript');
const welcome = $('welcome');
const status = $('status');
const charCount = $('char-count');
const banner = $('banner');
const profileToggle = $('profile-toggle');
const profilePanelEl = $('profile-panel');

/** Completed turns: {question, answer} with the verified Answer; what `history` is built from. */
let turns = [];
let inFlight = null;

const announce = (text) => {
  status.textContent = '';
  // A fresh text node after a tick, so screen readers announce repeats too.
  window.setTimeout(() => { status.textContent = text; }, 50);
};

const profile = createProfilePanel({ onChange: save });
const sources = createSourcePanel();

const hooks = {
  openSource: (citation, trigger) => sources.open(citation, trigger),
  ask: (question) => submit(question),
  editProfile: (fact) => {
    sources.close(); // beside an open source the profile column makes way (app.css)
    setProfileOpen(true);
    profile.focusFor(fact);
  },
  copy,
};

// ---------------------------------------------------------------------------------------------
// Asking

/** Prior turns as `history`, kept under the API's body-size limit (recent turns matter most). */
export function historyFor(pastTurns, question = '') {
  let history = pastTurns.flatMap((t) => [
    { role: 'user', content: t.question.slice(0, 20000) },
    { role: 'assistant', content: String(t.answer.answer || '').slice(0, 20000) },
  ]).slice(-50);
  const size = () => new TextEncoder().encode(JSON.stringify({ question, history })).length;
  if (size() > MAX_BODY_BYTES) {
    // Older answers shrink first: the profile facts live in the user turns.
    history = history.map((t, i) => (t.role === 'assistant' && i < history.length - 2 ? { ...t, content: t.content.slice(0, 300) } : t));
  }
  while (history.length > 2 && size() > MAX_BODY_BYTES) history = history.slice(2);
  return history;
}

function setBusy(busy) {
  send.disabled = busy;
  send.textContent = busy ? 'Answering…' : 'Ask';
  stop.hidden = !busy;
  form.classList.toggle('busy', busy);
}

async function submit(text) {
  const question = String(text || '').trim();
  if (!question || inFlight) return;
  if (question.length > MAX_CHARS) {
    charCount.textContent = `Your question is ${question.length} characters; the limit is ${MAX_CHARS}. Please shorten it.`;
    input.focus();
    return;
  }
  welcome.hidden = true;
  const asked = userMessage(question);
  const message = new AssistantMessage(hooks);
  transcript.append(asked, message.el);
  if (input.value.trim() === question) input.value = '';
  autosize();
  countChars();

  const body = { question, history: historyFor(turns, question) };
  const overrides = profile.overrides();
  if (Object.keys(overrides).length) body.profile = overrides;

  const controller = new AbortController();
  inFlight = controller;
  setBusy(true);
  announce('Reading the articles…');
  reveal(asked);
  try {
    const answer = await askStream(body, {
      signal: controller.signal,
      onMeta: (meta) => {
        message.meta(meta);
        if (meta && !meta.abstained && meta.profile) profile.showRead(meta.profile);
      },
      onToken: (token) => message.token(token),
    });
    message.final(answer);
    turns.push({ question, answer });
    if (!answer.abstained) profile.showRead(answer.profile, answer.profile_evidence);
    save();
    announce(readyMessage(answer));
    reveal(message.el);
  } catch (exc) {
    const err = exc instanceof ApiError ? exc : new ApiError('network', { error: String(exc) });
    message.error(err, () => {
      asked.remove();
      message.el.remove();
      input.focus();
      submit(question);
    });
    if (err.status === 422 && !input.value.trim()) {
      input.value = question; // let them fix it rather than retype it
      autosize();
      countChars();
    }
    announce(explainError(err).title);
    reveal(message.el);
  } finally {
    inFlight = null;
    setBusy(false);
  }
}

function readyMessage(answer) {
  if (answer.abstained) return "Answer ready: that question is outside what I can help with.";
  if (answer.recommendation) return `Answer ready. Recommendation: ${verdictWords(answer.recommendation.verdict).title}.`;
  return 'Answer ready.';
}

// ---------------------------------------------------------------------------------------------
// Copy, persistence, profile drawer, composer

async function copy(text, button) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    ok = copyByCommand(text);
  }
  button.textContent = ok ? 'Copied ✓' : 'Copy failed: select the text instead';
  announce(ok ? 'Answer copied.' : 'Could not copy the answer.');
  window.setTimeout(() => { button.textContent = 'Copy answer'; }, 2500);
}

function copyByCommand(text) {
  const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

function save() {
  try {
    sessionStorage.setItem(STORE_KEY, JSON.stringify({ turns, overrides: profile.overrides() }));
  } catch {
    // storage full or disabled: the conversation simply won't survive a reload
  }
}

function restore() {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
  } catch {
    saved = null;
  }
  if (!saved || !Array.isArray(saved.turns)) return;
  turns = saved.turns.filter((t) => t && typeof t.question === 'string' && t.answer && typeof t.answer.answer === 'string');
  for (const turn of turns) {
    const message = new AssistantMessage(hooks);
    message.final(turn.answer);
    transcript.append(userMessage(turn.question), message.el);
  }
  const lastRead = [...turns].reverse().find((t) => !t.answer.abstained);
  if (lastRead) profile.showRead(lastRead.answer.profile, lastRead.answer.profile_evidence);
  profile.setOverrides(saved.overrides);
  welcome.hidden = turns.length > 0;
}

function newConversation() {
  if (inFlight) inFlight.abort();
  sources.close();
  turns = [];
  transcript.replaceChildren();
  profile.clear();
  welcome.hidden = false;
  save();
  announce('New conversation started.');
  input.focus();
}

function setProfileOpen(open) {
  profilePanelEl.classList.toggle('open', open);
  profileToggle.setAttribute('aria-expanded', String(open));
  if (open) $('profile-heading').focus();
}

function autosize() {
  input.style.height = 'auto';
  if (!input.value) return; // an empty box keeps its CSS height (scrollHeight counts the placeholder)
  input.style.height = `${Math.min(input.scrollHeight + 2, 220)}px`;
}

function countChars() {
  const n = input.value.length;
  charCount.textContent = n > MAX_CHARS * 0.75 ? `${n.toLocaleString()} / ${MAX_CHARS.toLocaleString()} characters` : '';
}

async function checkHealth(attempt = 0) {
  let problem = null;
  try {
    const health = await getHealth();
    if (!health.ready) problem = `The advisor is not ready yet${health.detail ? `: ${health.detail}` : ''}. Questions will work once it is.`;
  } catch (exc) {
    problem = exc && exc.kind === 'network'
      ? "Can't reach the advisor server right now. Questions will work once it is back."
      : null;
  }
  banner.hidden = !problem;
  banner.textContent = problem || '';
  if (problem && attempt < 60) window.setTimeout(() => checkHealth(attempt + 1), 5000);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  submit(input.value);
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});
input.addEventListener('input', () => {
  autosize();
  countChars();
});
stop.addEventListener('click', () => inFlight && inFlight.abort());
$('new-chat').addEventListener('click', newConversation);
profileToggle.addEventListener('click', () => setProfileOpen(!profilePanelEl.classList.contains('open')));
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  if (sources.isOpen()) {
    event.preventDefault();
    sources.close();
  } else if (profilePanelEl.classList.contains('open')) {
    setProfileOpen(false);
    profileToggle.focus();
  }
});

$('examples').replaceChildren(...exampleButtons(hooks));
restore();
checkHealth();
document.documentElement.dataset.ready = 'true';
