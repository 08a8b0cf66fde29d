/**
 * Escaping for the static HTML viewer: everything taken from a trace (node
 * names, message bodies, property details) is text, never markup.
 */

const REPLACEMENTS: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML or SVG content and for quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => REPLACEMENTS[character] as string);
}

/**
 * JSON for a `<script type="application/json">` block: `<` is written as
 * `\u003c` so that no `</script>` or `<!--` inside a string can end the block,
 * and the two line separators JavaScript once treated as line ends are escaped.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
