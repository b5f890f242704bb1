// Plain words for the API's codes: verdicts, stances, document kinds, notices.

export const VERDICTS = {
  USCE_FIRST: {
    title: 'Get hands-on US clinical experience first',
    tone: 'usce',
  },
  USCE_URGENT: {
    title: 'Get hands-on US clinical experience now: it is urgent',
    tone: 'urgent',
  },
  ADD_RESEARCH: {
    title: 'Your clinical base is in place: add research next',
    tone: 'research',
  },
  RESEARCH_AND_USCE: {
    title: 'You need both: research and hands-on US clinical experience',
    tone: 'both',
  },
};

export function verdictWords(code) {
  return VERDICTS[code] || { title: String(code || '').replace(/_/g, ' ').toLowerCase(), tone: 'usce' };
}

const STANCES = {
  usce_first: 'Puts hands-on US clinical experience first',
  usce_then_research: 'US clinical experience first, then research',
  clinical_experience: 'Stresses clinical experience',
  research_positive: 'Argues research can rebuild an application',
  neutral: 'Neutral',
};

/** The stance in plain words, or '' when unknown. */
export function stanceWords(stance) {
  if (!stance || stance === 'unknown') return '';
  return STANCES[stance] || `Stance: ${String(stance).replace(/_/g, ' ')}`;
}

/** Short label for one side of a disagreement. */
export function sideWords(stance) {
  if (stance === 'research_positive') return 'Research can rebuild an application';
  if (stance === 'usce_first' || stance === 'usce_then_research' || stance === 'clinical_experience') {
    return 'Hands-on US clinical experience first';
  }
  return String(stance || 'Other view').replace(/_/g, ' ');
}

export function kindWords(kind) {
  if (kind === 'commercial') return 'Commercial publisher';
  if (kind === 'advice') return 'Advice article';
  return String(kind || 'Article');
}

export const COMMERCIAL = 'Commercial interest';
export const COMMERCIAL_HINT = 'The publisher sells rotations or application services.';

/** A notice code from the API in plain words. */
export function noticeWords(notice) {
  const text = String(notice || '');
  if (text === 'injection_ignored') {
    return 'Your message contained instructions aimed at the assistant. I ignored them and answered only the question.';
  }
  // Its notice block names the ask that was left out; the code alone would only repeat it.
  if (text.startsWith('not_covered')) return '';
  if (text.startsWith('llm_unavailable')) {
    return 'The language model was unavailable, so this answer was built from the sources directly.';
  }
  if (text.startsWith('llm_') || text.startsWith('guard')) {
    return 'The model draft could not be fully checked against the sources, so this answer was built from the sources directly.';
  }
  return text.replace(/_/g, ' ');
}
