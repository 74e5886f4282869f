/**
 * XML for annotation files (VOC), read with fast-xml-parser: its XMLValidator finds malformed structure and says
 * where (line), its XMLParser builds the tree (in document order, with each element's start offset, from which the
 * element's own line is computed for the parsers' messages). DOMParser does not exist in Node or in workers.
 *
 * Entities: the predefined and numeric ones are decoded here (the parser leaves text raw); unknown entities and a
 * stray '&' are kept as written (annotation tools emit them; rejecting the file would lose its boxes), so the
 * validator is shown a copy with those '&' escaped. Nesting deeper than MAX_DEPTH is rejected (a VOC file is four
 * levels deep; the limit keeps hostile input from exhausting the stack).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { lineLocator } from './line_locator';
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

export const MAX_DEPTH = 100;

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g, (whole, body: string) => {
    if (body[0] !== '#') return NAMED_ENTITIES[body] ?? whole;
    const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';
const PARSER = new XMLParser({
  preserveOrder: true, // document order, and repeated elements stay separate
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false, // decodeEntities does it, leniently
  cdataPropName: CDATA,
  captureMetaData: true,
  maxNestedTags: MAX_DEPTH,
});
// typed Symbol (the wrapper) in fast-xml-parser's .d.ts; it is a symbol
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** fast-xml-parser's preserveOrder node: { [name]: children, ':@'?: attributes }. */
type OrderedNode = Record<string, unknown> & { [ATTRS]?: Record<string, string> };

/** Parses `text` and returns the root element. */
export function readXml(text: string, file: string): XmlElement {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineAt = lineLocator(src);
  const valid = XMLValidator.validate(escapeStrayAmpersands(src));
  if (valid !== true) {
    const { msg, line } = valid.err;
    if (/start tag expected/i.test(msg) && src.trim() === '') throw new DatasetError('not XML: no root element found', file);
    throw new DatasetError(`not valid XML: ${msg}`, file, line);
  }
  let nodes: OrderedNode[];
  try {
    nodes = PARSER.parse(src) as OrderedNode[];
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new DatasetError(`not valid XML: ${/nested/i.test(why) ? `elements nested deeper than ${MAX_DEPTH} levels` : why}`, file);
  }
  const roots = nodes.filter(isElement);
  if (roots.length === 0) throw new DatasetError('not XML: no root element found', file);
  return toElement(roots[0], lineAt);
}

function elementName(node: OrderedNode): string {
  return Object.keys(node).find((k) => k !== ATTRS) ?? '';
}

function isElement(node: OrderedNode): boolean {
  const name = elementName(node);
  return name !== TEXT && name !== CDATA && !name.startsWith('?') && !name.startsWith('!');
}

/** The parser's tree -> XmlElement, iteratively (the depth is bounded, but no recursion is needed either). */
function toElement(rootNode: OrderedNode, lineAt: (offset: number) => number): XmlElement {
  const make = (node: OrderedNode): XmlElement => {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(node[ATTRS] ?? {})) attrs[k] = decodeEntities(String(v));
    const start = (node as Record<symbol, { startIndex?: number } | undefined>)[META]?.startIndex ?? 0;
    return { name: elementName(node), attrs, children: [], text: '', line: lineAt(start) };
  };
  const root = make(rootNode);
  const work: [OrderedNode, XmlElement][] = [[rootNode, root]];
  while (work.length > 0) {
    const [node, element] = work.pop()!;
    for (const child of (node[element.name] as OrderedNode[] | undefined) ?? []) {
      const name = elementName(child);
      if (name === TEXT) element.text += decodeEntities(String(child[TEXT]));
      else if (name === CDATA) element.text += ((child[CDATA] as OrderedNode[]) ?? []).map((t) => String(t[TEXT] ?? '')).join('');
      else if (isElement(child)) {
        const made = make(child);
        element.children.push(made);
        work.push([child, made]);
      }
    }
  }
  return root;
}

/** '&' that starts no entity reference, outside CDATA and comments, as '&amp;' (offsets shift; lines do not). */
function escapeStrayAmpersands(src: string): string {
  if (!src.includes('&')) return src;
  return src.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|&(?!#x[0-9a-fA-F]+;|#[0-9]+;|[A-Za-z][\w.-]*;)/g,
    (m) => (m === '&' ? '&amp;' : m));
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
