// The HTTP API: POST /api/ask/stream read as Server-Sent Events over fetch (EventSource cannot
// POST), documents (cached), health. Every failure becomes an ApiError the page can explain.

export class ApiError extends Error {
  /**
   * @param {'network'|'http'|'stream'|'incomplete'|'aborted'} kind
   * @param {{status?: number, error?: string, detail?: any, retryAfter?: number|null}} info
   */
  constructor(kind, { status = 0, error = '', detail = null, retryAfter = null } = {}) {
    super(error || kind);
    this.kind = kind;
    this.status = status;
    this.error = error;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }
}

/**
 * Incremental SSE parser (the text/event-stream format): lines end in CRLF, LF or CR; a blank
 * line dispatches the event; ":" lines are comments (keep-alive pings).
 * @param {(event: string, data: string) => void} onEvent
 */
export function sseParser(onEvent) {
  let buffer = '';
  let event = '';
  let data = [];
  const line = (text) => {
    if (text === '') {
      if (data.length) onEvent(event || 'message', data.join('\n'));
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };
  return {
    push(chunk) {
      buffer += chunk;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== '\n' && c !== '\r') continue;
        // A CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk.
        if (c === '\r' && i + 1 === buffer.length) break;
        line(buffer.slice(start, i));
        if (c === '\r' && buffer[i + 1] === '\n') i++;
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    end() {
      if (buffer) line(buffer.replace(/\r$/, ''));
      buffer = '';
      line('');
    },
  };
}

async function errorFrom(response) {
  let body = null;
  if ((response.headers.get('content-type') || '').includes('json')) {
    try {
      body = await response.json();
    } catch {
      body = null;
    }
  }
  const retry = Number.parseInt(response.headers.get('retry-after') || '', 10);
  return new ApiError('http', {
    status: response.status,
    error: (body && typeof body.error === 'string' && body.error) || response.statusText || '',
    detail: body ? body.detail : null,
    retryAfter: Number.isFinite(retry) ? retry : null,
  });
}

function networkError(exc) {
  if (exc && exc.name === 'AbortError') return new ApiError('aborted');
  return new ApiError('network', { error: String((exc && exc.message) || exc) });
}

/**
 * Ask a question; resolves with the verified final Answer.
 * @param {{question: string, profile?: object, history?: object[]}} body
 * @param {{signal?: AbortSignal, onMeta?: Function, onToken?: Function}} handlers
 */
export async function askStream(body, { signal, onMeta, onToken } = {}) {
  let response;
  try {
    response = await fetch('/api/ask/stream', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal,
    });
  } catch (exc) {
    throw networkError(exc);
  }
  if (!response.ok) throw await errorFrom(response);
  if (!response.body) throw new ApiError('incomplete', { error: 'empty response' });

  let final = null;
  let failure = null;
  const parser = sseParser((event, data) => {
    let payload;
    try {
      payload = JSON.parse(data);
    } catch {
      return; // not JSON: not one of ours
    }
    if (event === 'meta' && onMeta) onMeta(payload);
    else if (event === 'token' && onToken && payload && typeof payload.text === 'string') {
      onToken(payload.text);
    } else if (event === 'final') final = payload;
    else if (event === 'error') {
      failure = new ApiError('stream', {
        status: 200,
        error: String((payload && payload.error) || 'error'),
        detail: payload ? payload.detail : null,
      });
    }
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(value);
      if (final || failure) break;
    }
    parser.end();
  } catch (exc) {
    throw networkError(exc);
  } finally {
    reader.cancel().catch(() => {});
  }
  if (failure) throw failure;
  if (!final) throw new ApiError('incomplete', { error: 'the answer stream ended early' });
  return final;
}

async function getJson(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' } });
  } catch (exc) {
    throw networkError(exc);
  }
  if (!response.ok) throw await errorFrom(response);
  return response.json();
}

const documents = new Map();

/** One document with its canonical text (cached; a failed fetch is retried next time). */
export function getDocument(docId) {
  if (!documents.has(docId)) {
    const pending = getJson(`/api/documents/${encodeURIComponent(docId)}`);
    pending.catch(() => documents.delete(docId));
    documents.set(docId, pending);
  }
  return documents.get(docId);
}

export const getHealth = () => getJson('/api/health');

/** The domain vocabulary (specialties for the profile form), from the server's lexicon. */
export const getLexicon = () => getJson('/api/lexicon');
