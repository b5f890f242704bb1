// Tiny DOM builder. Text always goes in as text nodes: nothing from the corpus, the model or the
// user is ever parsed as HTML (no innerHTML anywhere in the page).

/**
 * Create an element.
 * @param {string} tag
 * @param {object} [props] class, text, dataset, or attributes (never on* handlers)
 * @param {...(Node|string|null|false|Array)} children strings become text nodes
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (/^on/i.test(key) || key === 'style' || key === 'srcdoc') {
      throw new Error(`h(): ${key} is not allowed; use addEventListener or classes`);
    } else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/** Append children (strings as text nodes), skipping empty ones. */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === '') continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export const reducedMotion = () =>
  window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/** Scroll an element into view unless it is already fully visible. */
export function reveal(node, block = 'start') {
  const rect = node.getBoundingClientRect();
  const visible = rect.top >= 0 && rect.bottom <= window.innerHeight;
  if (!visible) node.scrollIntoView({ block, behavior: reducedMotion() ? 'auto' : 'smooth' });
}
