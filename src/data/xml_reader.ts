/**
 * A small, strict-enough XML reader for annotation files (VOC). DOMParser does not exist in Node or in workers, and
 * VOC needs only elements, attributes and text, so this reads exactly that: the prolog, comments, processing
 * instructions and the DOCTYPE are skipped; CDATA and the predefined and numeric entities are decoded. Unknown
 * entities and stray '&' are kept as written (annotation tools emit them; rejecting the file would lose its boxes).
 * Malformed structure (mismatched or unclosed tags, text outside the root) throws a DatasetError with the line.
 *
 * One linear pass with an explicit stack: no recursion, so deep or hostile input cannot overflow or hang it.
 */
import { DatasetError } from './report';

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Concatenated direct text (including CDATA) with entities decoded, untrimmed. */
  text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g, (whole, body: string) => {
    if (body[0] !== '#') return NAMED_ENTITIES[body] ?? whole;
    const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

/** Parses `text` and returns the root element. */
export function readXml(text: string, file: string): XmlElement {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineAt = lineLocator(src);
  const fail = (msg: string, at: number): never => {
    throw new DatasetError(`not valid XML: ${msg}`, file, lineAt(at));
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let pos = 0;
  while (pos < src.length) {
    const lt = src.indexOf('<', pos);
    const textEnd = lt < 0 ? src.length : lt;
    if (textEnd > pos) {
      const chunk = src.slice(pos, textEnd);
      if (stack.length > 0) stack[stack.length - 1].text += decodeEntities(chunk);
      else if (chunk.trim() !== '') fail(root ? 'text after the root element' : 'text before the root element', pos);
      pos = textEnd;
      continue;
    }
    // 1. markup that is not an element
    if (src.startsWith('<!--', pos)) {
      pos = skipPast(src, '-->', pos + 4, () => fail('unterminated comment', pos));
    } else if (src.startsWith('<![CDATA[', pos)) {
      const end = src.indexOf(']]>', pos + 9);
      if (end < 0) fail('unterminated CDATA section', pos);
      if (stack.length === 0) fail('CDATA outside the root element', pos);
      stack[stack.length - 1].text += src.slice(pos + 9, end);
      pos = end + 3;
    } else if (src.startsWith('<?', pos)) {
      pos = skipPast(src, '?>', pos + 2, () => fail('unterminated processing instruction', pos));
    } else if (src.startsWith('<!', pos)) {
      pos = skipDeclaration(src, pos, () => fail('unterminated declaration', pos));
    } else if (src.startsWith('</', pos)) {
      // 2. end tag
      const end = src.indexOf('>', pos);
      if (end < 0) fail('unterminated end tag', pos);
      const name = src.slice(pos + 2, end).trim();
      const open = stack.pop();
      if (open === undefined) fail(`end tag </${name}> without a start tag`, pos);
      else if (open.name !== name) fail(`end tag </${name}> does not match <${open.name}> (line ${open.line})`, pos);
      pos = end + 1;
    } else {
      // 3. start tag
      if (stack.length === 0 && root !== undefined) fail('more than one root element', pos);
      const tag = readStartTag(src, pos, lineAt(pos), fail);
      if (stack.length > 0) stack[stack.length - 1].children.push(tag.element);
      else root = tag.element;
      if (!tag.selfClosing) stack.push(tag.element);
      pos = tag.end;
    }
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1];
    throw new DatasetError(`not valid XML: <${open.name}> is never closed`, file, open.line);
  }
  if (root === undefined) throw new DatasetError('not XML: no root element found', file);
  return root;
}

const TAG_NAME = /[^\s/>=<"']+/y;
const ATTRIBUTE = /([^\s=/>"'<]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;

function readStartTag(
  src: string,
  start: number,
  line: number,
  fail: (msg: string, at: number) => never,
): { element: XmlElement; end: number; selfClosing: boolean } {
  TAG_NAME.lastIndex = start + 1;
  const nameMatch = TAG_NAME.exec(src);
  if (nameMatch === null) return fail('expected an element name after "<"', start);
  const attrs: Record<string, string> = {};
  const element: XmlElement = { name: nameMatch[0], attrs, children: [], text: '', line };
  let p = start + 1 + nameMatch[0].length;
  for (;;) {
    while (p < src.length && /\s/.test(src[p])) p++;
    if (p >= src.length) return fail(`unterminated start tag <${element.name}`, start);
    if (src[p] === '>') return { element, end: p + 1, selfClosing: false };
    if (src.startsWith('/>', p)) return { element, end: p + 2, selfClosing: true };
    ATTRIBUTE.lastIndex = p;
    const attr = ATTRIBUTE.exec(src);
    if (attr === null) return fail(`malformed attribute in <${element.name}>`, p);
    attrs[attr[1]] = decodeEntities(attr[2] ?? attr[3] ?? '');
    p += attr[0].length;
  }
}

function skipPast(src: string, terminator: string, from: number, onMissing: () => never): number {
  const end = src.indexOf(terminator, from);
  return end < 0 ? onMissing() : end + terminator.length;
}

/** <!DOCTYPE ...> possibly with an internal subset [...] that itself contains '>'. */
function skipDeclaration(src: string, start: number, onMissing: () => never): number {
  const close = src.indexOf('>', start);
  const bracket = src.indexOf('[', start);
  if (bracket >= 0 && (close < 0 || bracket < close)) {
    const endSubset = src.indexOf(']', bracket);
    if (endSubset < 0) return onMissing();
    return skipPast(src, '>', endSubset, onMissing);
  }
  return close < 0 ? onMissing() : close + 1;
}

function lineLocator(src: string): (offset: number) => number {
  const starts = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

// ---- lookups used by the VOC parser (element names compared case-insensitively: some tools capitalise) ----

export function childElements(el: XmlElement, name: string): XmlElement[] {
  const lower = name.toLowerCase();
  return el.children.filter((c) => c.name.toLowerCase() === lower);
}

export function childElement(el: XmlElement, name: string): XmlElement | undefined {
  return childElements(el, name)[0];
}

/** Trimmed text of the first child called `name`, or undefined when there is no such child. */
export function childText(el: XmlElement, name: string): string | undefined {
  return childElement(el, name)?.text.trim();
}
