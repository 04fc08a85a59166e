/**
 * Text from a pull request or a transcript is attacker-controlled: it must not open HTML, inject
 * links or images, close our <details>, or ping people. Everything untrusted passes through here
 * before it reaches a step summary, annotation or comment.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// A zero-width joiner after "@" keeps the text readable but stops GitHub from resolving a
// mention or team notification.
const MENTION = /@(?=[A-Za-z0-9_-])/g;

export function neutraliseMentions(text: string): string {
  return text.replace(MENTION, '@\u200d');
}

// GitHub links bare URLs (`https://…`, `www.…`) even where no Markdown link syntax is left; a zero-width
// space inside the scheme separator or after `www` stops the autolinker and reads the same.
const BARE_URL = /(:)(\/\/)|\b(www)(\.)/gi;

/** Turns any line break, a lone `\r` and U+2028/U+2029 included, into a space: one cell stays one cell. */
function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n|\u2028|\u2029/g, ' ');
}

/** Escapes text for inline Markdown/HTML: no tags, no emphasis, no links (bare URLs included), no mentions. */
export function escapeMarkdown(text: string): string {
  // Markdown first, then HTML: the other order backslash-escaped the `#` of `&#39;` and showed it raw.
  const md = oneLine(text)
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(BARE_URL, (_m, colon: string | undefined, slashes: string | undefined, www: string | undefined, dot: string | undefined) =>
      colon ? `${colon}\u200b${slashes}` : `${www}\u200b${dot}`,
    );
  const html = md.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
  return neutraliseMentions(html);
}

/** Escapes text for a <pre> block: HTML entities only (Markdown is not parsed there). */
export function escapePre(text: string): string {
  return neutraliseMentions(text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c));
}

/** Cuts a string to at most `maxChars`, saying so, without splitting a surrogate pair. */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = Math.max(0, maxChars - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
