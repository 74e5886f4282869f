import { describe, expect, it } from 'vitest';
import { DatasetError } from './report';
import { childElement, childText, decodeEntities, readXml } from './xml_reader';

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

  it.each([
    ['filename,xmin\na.jpg,1', /text before the root/],
    ['', /no root element/],
    ['<a><b></a>', /does not match <b>/],
    ['<a>', /<a> is never closed/],
    ['<a></a><b></b>', /more than one root/],
    ['<a></a>trailing', /text after the root/],
    ['</a>', /without a start tag/],
    ['<a x=1></a>', /malformed attribute/],
    ['<a><!-- open', /unterminated comment/],
    ['<a><![CDATA[ open', /unterminated CDATA/],
    ['<a', /unterminated start tag/],
    ['< a></a>', /expected an element name/],
  ])('rejects %j', (text, message) => {
    expect(fails(text).message).toMatch(message);
  });

  it('names the line of the problem', () => {
    const e = fails('<a>\n<b>\n</c>\n</a>');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^f\.xml:3: /);
  });

  it('handles deep nesting without recursion', () => {
    const depth = 100_000;
    const root = readXml('<a>'.repeat(depth) + '</a>'.repeat(depth), 'f.xml');
    expect(root.name).toBe('a');
  });
});
