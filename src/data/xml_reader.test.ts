import { describe, expect, it } from 'vitest';
import { DatasetError } from './report';
import { childElement, childText, decodeEntities, MAX_DEPTH, readXml } from './xml_reader';

const fails = (text: string) => {
  try {
    readXml(text, 'f.xml');
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return e as DatasetError;
  }
  throw new Error('expected a DatasetError');
};

describe('readXml', () => {
  it('reads elements, attributes, text and line numbers', () => {
    const root = readXml('<?xml version="1.0"?>\n<a x="1" y=\'two\'>\n  <b>hi</b>\n  <c/>\n</a>\n', 'f.xml');
    expect(root.name).toBe('a');
    expect(root.attrs).toEqual({ x: '1', y: 'two' });
    expect(root.children.map((c) => [c.name, c.line])).toEqual([['b', 3], ['c', 4]]);
    expect(childText(root, 'b')).toBe('hi');
    expect(childElement(root, 'c')?.children).toEqual([]);
  });

  it('decodes entities, CDATA and skips comments, PIs and a DOCTYPE with an internal subset', () => {
    const text = '\ufeff<!DOCTYPE a [<!ENTITY e "x">]>\n<!-- c <b> -->\n<a t="&lt;&amp;&#65;">' +
      '<n>R&amp;D &#x263A; &nbsp; & <![CDATA[<raw & stuff>]]></n><?pi x?><!-- <x> --></a>';
    const root = readXml(text, 'f.xml');
    expect(root.attrs.t).toBe('<&A');
    expect(childText(root, 'n')).toBe('R&D \u263a &nbsp; & <raw & stuff>');
  });

  it('matches child names case-insensitively', () => {
    expect(childText(readXml('<A><Name> x </Name></A>', 'f.xml'), 'name')).toBe('x');
  });

  it('keeps invalid numeric entities literally', () => {
    expect(decodeEntities('&#0; &#xD800; &#x110000;')).toBe('&#0; &#xD800; &#x110000;');
  });

  // the messages are fast-xml-parser's XMLValidator's, with the file and line in front
  it.each([
    ['filename,xmin\na.jpg,1', /char 'f' is not expected/],
    ['', /no root element/],
    ['<a><b></a>', /Expected closing tag 'b' \(opened in line 1, col 4\) instead of closing tag 'a'/],
    ['<a>', /Unclosed tag 'a'/],
    ['<a></a><b></b>', /Multiple possible root nodes/],
    ['<a></a>trailing', /Extra text at the end/],
    ['</a>', /Closing tag 'a' has not been opened/],
    ['<a x=1></a>', /Attribute 'x' is without value/],
    ['<a><!-- open', /Unclosed tag 'a'/],
    ['<a><![CDATA[ open', /Unclosed tag 'a'/],
    ['<a', /Unclosed tag 'a'/],
    ['< a></a>', /Invalid space after '<'/],
  ])('rejects %j', (text, message) => {
    expect(fails(text).message).toMatch(message);
  });

  it('names the line of the problem', () => {
    const e = fails('<a>\n<b>\n</c>\n</a>');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^f\.xml:3: /);
  });

  it(`reads nesting up to ${MAX_DEPTH} levels; deeper is a DatasetError, not a stack overflow`, () => {
    const ok = readXml('<a>'.repeat(MAX_DEPTH) + '</a>'.repeat(MAX_DEPTH), 'f.xml');
    let depth = 1;
    for (let el = ok; el.children.length > 0; el = el.children[0]) depth++;
    expect(depth).toBe(MAX_DEPTH);
    const deep = 100_000;
    expect(() => readXml('<a>'.repeat(deep) + '</a>'.repeat(deep), 'f.xml')).toThrow(/nested deeper than 100 levels/);
  });

  it('never expands entities a DOCTYPE defines (billion laughs)', () => {
    const defs = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    const t0 = performance.now();
    const root = readXml(`<!DOCTYPE a [<!ENTITY l0 "lol">${defs}]><a><b>&l9;</b></a>`, 'f.xml');
    expect(childText(root, 'b')).toBe('&l9;');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('keeps a stray & and unknown entities, and gives CRLF files the right lines', () => {
    const root = readXml('<a>\r\n<b>x & y &foo;</b>\r\n<c/>\r\n</a>', 'f.xml');
    expect(childText(root, 'b')).toBe('x & y &foo;');
    expect(root.children.map((c) => c.line)).toEqual([2, 3]);
  });
});
