/**
 * YOLO class lists: darknet's classes.txt / obj.names (one name per line, line k = class id k) and the ultralytics
 * data.yaml 'names' key (flow list, block list, or id: name map). Only that key is read; this is not a YAML parser.
 */
import { issueAt } from './box_checks';
import { extension } from './paths';
import { DatasetError, type DatasetIssue } from './report';

export interface ClassList {
  readonly classNames: string[];
  readonly issues: DatasetIssue[];
}

export function parseYoloClassList(text: string, file: string): ClassList {
  const ext = extension(file);
  const issues: DatasetIssue[] = [];
  const names = ext === 'yaml' || ext === 'yml' ? readYamlNames(text, file, issues) : readLines(text);
  if (names.length === 0) {
    throw new DatasetError('the class list is empty: write one class name per line (class id 0 first)', file);
  }
  // A blank entry still takes an id (darknet reads every line), so it cannot be skipped without shifting ids.
  names.forEach((n, id) => {
    if (n !== '') return;
    const msg = `class id ${id} has a blank name; named 'class${id}'`;
    issues.push(issueAt({ file }, 'warning', 'missing-field', msg));
    names[id] = `class${id}`;
  });
  const seen = new Set<string>();
  names.forEach((n, id) => {
    if (seen.has(n)) {
      issues.push(issueAt({ file }, 'warning', 'duplicate', `class '${n}' listed twice (id ${id}): both ids map to it`));
    }
    seen.add(n);
  });
  return { classNames: names, issues };
}

function readLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function readYamlNames(text: string, file: string, issues: DatasetIssue[]): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const at = lines.findIndex((l) => /^names\s*:/.test(l));
  if (at < 0) throw new DatasetError("no top-level 'names:' key: list the class names there", file);
  const rest = stripComment(lines[at].replace(/^names\s*:/, '')).trim();
  let names: string[];
  if (rest.startsWith('[')) {
    // flow list, possibly over several lines
    let flow = rest;
    for (let i = at + 1; !flow.includes(']') && i < lines.length; i++) flow += ` ${stripComment(lines[i]).trim()}`;
    if (!flow.includes(']')) throw new DatasetError("'names: [' is never closed with ']'", file, at + 1);
    names = splitFlow(flow.slice(1, flow.lastIndexOf(']')));
  } else if (rest !== '') {
    throw new DatasetError("'names:' must be a list ([a, b] or '- a' lines) or an 'id: name' map", file, at + 1);
  } else {
    names = readBlock(lines, at, file);
  }
  const nc = lines.map((l) => /^nc\s*:\s*(\d+)/.exec(l)).find((m) => m !== null);
  if (nc && Number(nc[1]) !== names.length) {
    const msg = `nc is ${nc[1]} but ${names.length} names are listed; the names are used`;
    issues.push(issueAt({ file }, 'warning', 'inconsistent-size', msg));
  }
  return names;
}

/** '- name' lines or '  id: name' lines indented under 'names:'. */
function readBlock(lines: string[], at: number, file: string): string[] {
  const byId = new Map<number, string>();
  const list: string[] = [];
  for (let i = at + 1; i < lines.length; i++) {
    const line = stripComment(lines[i]);
    if (line.trim() === '') continue;
    if (!/^\s/.test(line) && !line.startsWith('-')) break; // next top-level key
    const item = /^\s*-\s*(.*)$/.exec(line);
    const entry = /^\s*(\d+)\s*:\s*(.*)$/.exec(line);
    if (item) list.push(unquote(item[1]));
    else if (entry) byId.set(Number(entry[1]), unquote(entry[2]));
    else throw new DatasetError(`cannot read '${line.trim()}' under 'names:'`, file, i + 1);
  }
  if (byId.size === 0) return list;
  const ids = [...byId.keys()].sort((a, b) => a - b);
  if (ids.some((id, k) => id !== k)) throw new DatasetError("'names:' ids must run 0, 1, 2, ... without gaps", file, at + 1);
  return ids.map((id) => byId.get(id)!);
}

function splitFlow(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/\s*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]*)\s*(,|$)/g)) {
    if (m[0] === '') break;
    out.push(unquote(m[1]));
  }
  return out.filter((n, i) => n !== '' || i < out.length - 1);
}

function stripComment(line: string): string {
  return line.replace(/\s+#(?=(?:[^'"]|'[^']*'|"[^"]*")*$).*$/, '');
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"') return t.slice(1, -1).replace(/\\(.)/g, '$1');
  if (t.length >= 2 && t[0] === "'" && t[t.length - 1] === "'") return t.slice(1, -1).replace(/''/g, "'");
  return t;
}
