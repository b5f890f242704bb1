// The profile panel: what the assistant read from the conversation ("I read your profile as …"),
// editable. Edits are kept as explicit overrides and sent as `profile` with the next question
// (explicit facts win over the text); fields without an edit show what was read.

import { getLexicon } from './api.js';
import { h } from './dom.js';

const YES_NO = [['', 'Not said'], ['true', 'Yes'], ['false', 'No']];
const notSaid = () => h('option', { value: '', text: 'Not said' });

// key, label, input kind, extra attributes, optional hint; `more` fields sit under "More".
export const FIELDS = [
  { key: 'years_since_graduation', label: 'Years since graduation', kind: 'number', attrs: { min: 0, max: 60, step: 0.5 } },
  { key: 'usce_hands_on_months', label: 'Hands-on US clinical experience (months)', kind: 'number', attrs: { min: 0, max: 120, step: 0.5 },
    hint: 'Externships, sub-internships, clerkships, electives. Observerships and virtual rotations do not count.' },
  { key: 'us_letters', label: 'US letters of recommendation', kind: 'int', attrs: { min: 0, max: 20, step: 1 } },
  { key: 'specialty', label: 'Target specialty', kind: 'choice' },
  { key: 'step2_ck', label: 'Step 2 CK score', kind: 'int', attrs: { min: 150, max: 300, step: 1 } },
  { key: 'unmatched_before', label: 'Went unmatched before', kind: 'bool' },
  { key: 'can_afford_only_one', label: 'Can only afford one: USCE or research', kind: 'bool' },
  { key: 'academic_aim', label: 'Aiming for academic (university) programs', kind: 'bool' },
  { key: 'is_student', label: 'Still in medical school', kind: 'bool', more: true },
  { key: 'home_clinical_recent', label: 'Recent clinical work in your home country', kind: 'bool', more: true },
  { key: 'research_output', label: 'Publications, abstracts or posters', kind: 'int', attrs: { min: 0, max: 200, step: 1 }, more: true },
  { key: 'months_available', label: 'Time you have, if limited (months)', kind: 'number', attrs: { min: 0, max: 60, step: 0.5 }, more: true,
    hint: 'Only if a month or so is all you can spend: the plan then makes the most of it.' },
];

const SPECIALTY_CLASS = {
  primary: 'IMG-friendlier specialty',
  moderate: 'moderately competitive specialty',
  competitive: 'very competitive, research-heavy specialty',
};

const num = (x) => (Number.isInteger(x) ? String(x) : String(Number(x.toFixed(1))));
const plural = (n, one, many) => `${num(n)} ${n === 1 ? one : many}`;

/** "I read your profile as: …" for a profile dict (mirrors the server's describe_profile). */
export function describeProfile(p) {
  const parts = [];
  if (typeof p.years_since_graduation === 'number') parts.push(`${plural(p.years_since_graduation, 'year', 'years')} since graduation`);
  else if (p.graduation_year) parts.push(`graduated in ${p.graduation_year}`);
  if (p.is_student === true) parts.push('a medical student');
  if (typeof p.usce_hands_on_months === 'number') {
    parts.push(p.usce_hands_on_months === 0 ? 'no hands-on USCE' : `${plural(p.usce_hands_on_months, 'month', 'months')} of hands-on USCE`);
  }
  if (p.usce_other_months) parts.push(`${num(p.usce_other_months)} months of observership or similar (not hands-on)`);
  if (typeof p.us_letters === 'number') parts.push(plural(p.us_letters, 'US letter', 'US letters'));
  if (p.step1) parts.push(`Step 1 ${p.step1}`);
  if (typeof p.step2_ck === 'number') parts.push(`Step 2 CK ${p.step2_ck}`);
  if (p.specialty) parts.push(`targeting ${p.specialty}`);
  if (p.research_output === 0) parts.push('no research output');
  else if (p.research_output) parts.push(`${p.research_output} publications/abstracts`);
  if (p.home_clinical_recent === true) parts.push('recent clinical work at home');
  if (p.home_clinical_recent === false) parts.push('no recent clinical work');
  if (p.unmatched_before === true) parts.push('unmatched before');
  if (p.academic_aim === true) parts.push('aiming for academic programs');
  if (p.can_afford_only_one === true) parts.push('can afford only one of the two');
  if (p.money_tight === true) parts.push('money is tight');
  if (typeof p.months_available === 'number') parts.push(`${plural(p.months_available, 'month', 'months')} available`);
  if (p.visa) parts.push(`visa ${p.visa}`);
  return parts.length ? `I read your profile as: ${parts.join(', ')}.` : '';
}

/** Parse one input's value; returns {value} or {error} or {} for blank. */
function parseField(field, raw) {
  const text = String(raw).trim();
  if (text === '') return {};
  if (field.kind === 'bool') return { value: text === 'true' };
  if (field.kind === 'choice') return { value: text };
  const value = Number(text);
  const { min, max } = field.attrs || {};
  if (!Number.isFinite(value)) return { error: 'Enter a number.' };
  if (field.kind === 'int' && !Number.isInteger(value)) return { error: 'Enter a whole number.' };
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    return { error: `Enter a number from ${min} to ${max}.` };
  }
  return { value };
}

const display = (value) => (value === undefined || value === null ? '' : String(value));

/** A value read from the chat (or saved) that the list does not hold yet (the lexicon still
 * loading) becomes an option, so the select can show it. */
function addOption(select, value) {
  if (value && ![...select.options].some((o) => o.value === value)) select.append(h('option', { value, text: value }));
}

export function createProfilePanel({ onChange } = {}) {
  const container = document.getElementById('profile-fields');
  const summary = document.getElementById('profile-summary');
  const reset = document.getElementById('profile-reset');
  let read = {};
  let evidence = {}; // fact -> {start, end, text, turn}: the words each fact was read from
  let overrides = {};
  const inputs = new Map();

  const main = h('div', { class: 'fields' });
  const more = h('details', { class: 'fields-more' }, h('summary', { text: 'More details' }));
  for (const field of FIELDS) {
    const id = `pf-${field.key}`;
    const tag = h('span', { class: 'field-tag', id: `${id}-tag` });
    const hintId = field.hint ? `${id}-hint` : null;
    const error = h('span', { class: 'field-error', id: `${id}-error`, hidden: true });
    const source = h('span', { class: 'field-source', id: `${id}-source`, hidden: true });
    const described = [hintId, `${id}-tag`, `${id}-source`, `${id}-error`].filter(Boolean).join(' ');
    let input;
    if (field.kind === 'bool') {
      input = h('select', { id, name: field.key, 'aria-describedby': described },
        YES_NO.map(([value, label]) => h('option', { value, text: label })));
    } else if (field.kind === 'choice') {
      input = h('select', { id, name: field.key, 'aria-describedby': described }, notSaid());
    } else {
      input = h('input', {
        id, name: field.key, 'aria-describedby': described,
        type: 'number',
        inputmode: field.kind === 'int' ? 'numeric' : 'decimal',
        ...(field.attrs || {}),
        autocomplete: 'off',
      });
    }
    const row = h('div', { class: 'field', dataset: { key: field.key } },
      h('div', { class: 'field-label' }, h('label', { for: id, text: field.label }), tag),
      input,
      field.hint ? h('span', { class: 'field-hint', id: hintId, text: field.hint }) : null,
      source,
      error);
    inputs.set(field.key, { field, input, tag, error, row, source });
    (field.more ? more : main).append(row);
    input.addEventListener('change', () => edit(field.key));
  }
  container.replaceChildren(main, more);

  // The specialties are the server's lexicon, the list profile reading uses too: a choice, not
  // free text, so a question typed in the wrong box cannot become the target specialty.
  const specialty = inputs.get('specialty').input;
  getLexicon()
    .then((lex) => {
      const names = lex.specialties.map((s) => s.name);
      specialty.replaceChildren(notSaid(), ...names.map((name) => h('option', { value: name, text: name })));
      if ('specialty' in overrides && !names.includes(overrides.specialty)) {
        delete overrides.specialty; // saved by an older page that took free text: the API refuses it
        if (onChange) onChange(overrides);
      }
      refresh(); // puts back the value shown before the list came
    })
    .catch(() => {}); // without the list the specialty still comes from what the applicant wrote

  function edit(key) {
    const { field, input, error, row } = inputs.get(key);
    const parsed = parseField(field, input.value);
    error.hidden = !parsed.error;
    error.textContent = parsed.error || '';
    input.setAttribute('aria-invalid', parsed.error ? 'true' : 'false');
    row.classList.toggle('invalid', Boolean(parsed.error));
    if (parsed.error) return;
    if ('value' in parsed) overrides[key] = parsed.value;
    else delete overrides[key];
    refresh();
    if (onChange) onChange(overrides);
  }

  function refresh() {
    for (const [key, { input, tag, row, field, source }] of inputs) {
      const mine = key in overrides;
      // "read from: …" shows the applicant's own words, so a misreading is visible at a glance
      const span = !mine && key in read ? evidence[key] : null;
      source.hidden = !span;
      source.textContent = span ? `read from: “${span.text}”` : '';
      const value = mine ? overrides[key] : read[key];
      const focused = document.activeElement === input;
      if (input.tagName === 'SELECT') addOption(input, display(value));
      if (!focused && !row.classList.contains('invalid')) input.value = display(value);
      tag.textContent = mine ? 'you set' : key in read ? 'from chat' : '';
      row.classList.toggle('overridden', mine);
      row.classList.toggle('from-chat', !mine && key in read);
      if (key === 'specialty') {
        const cls = !mine && read.specialty_class ? SPECIALTY_CLASS[read.specialty_class] : '';
        input.title = cls || '';
      }
      if (field.more && (mine || key in read)) more.open = true;
    }
    const effective = { ...read, ...overrides };
    const sentence = describeProfile(effective);
    const edited = Object.keys(overrides).length > 0;
    summary.textContent = sentence
      ? sentence + (edited ? ' Your edits apply to your next question.' : '')
      : "I haven't read any facts about you yet. Describe your situation in the chat, or fill these in.";
    reset.disabled = !edited;
  }

  reset.addEventListener('click', () => {
    overrides = {};
    for (const { error, row, input } of inputs.values()) {
      error.hidden = true;
      row.classList.remove('invalid');
      input.setAttribute('aria-invalid', 'false');
    }
    refresh();
    if (onChange) onChange(overrides);
  });

  refresh();
  return {
    /** Show what the latest answer read (Answer.profile / meta.profile) and where each fact
     * was read from (Answer.profile_evidence; the meta event has none yet). */
    showRead(profile, spans) {
      read = { ...(profile || {}) };
      if (spans !== undefined) evidence = { ...(spans || {}) };
      refresh();
    },
    overrides: () => ({ ...overrides }),
    setOverrides(value) {
      overrides = { ...(value || {}) };
      refresh();
    },
    clear() {
      read = {};
      evidence = {};
      overrides = {};
      refresh();
    },
    /** Focus the field a missing fact is about (e.g. "how many US letters …"). */
    focusFor(fact) {
      const text = String(fact || '').toLowerCase();
      const key =
        /letter/.test(text) ? 'us_letters'
          : /hands-on|clinical experience|usce|months/.test(text) ? 'usce_hands_on_months'
            : /specialt/.test(text) ? 'specialty'
              : /graduat/.test(text) ? 'years_since_graduation'
                : /step 2|ck/.test(text) ? 'step2_ck'
                  : /afford|money/.test(text) ? 'can_afford_only_one'
                    : 'years_since_graduation';
      const entry = inputs.get(key);
      if (entry.field.more) more.open = true;
      entry.input.focus();
    },
  };
}
