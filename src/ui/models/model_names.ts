/** Names of models saved in this browser: what a name may hold, and a free name for "keep both". */

/** Saved-model names: letters, digits, space, dot, dash, underscore and parentheses ("raccoon (2)"). */
export const MODEL_NAME = /^[\w .()-]{1,60}$/;

/** A file name turned into a model name: other characters become '_'. */
export function modelNameFromFile(fileName: string): string {
  return fileName.replace(/\.json$/i, '').replace(/[^\w .()-]/g, '_').slice(0, 60) || 'uploaded';
}

/** "name (2)", "name (3)", …: the first that no model has yet (a trailing " (n)" of `name` is counted on from). */
export function keepBothName(name: string, taken: ReadonlySet<string>): string {
  const match = /^(.*) \((\d+)\)$/.exec(name);
  const base = match ? match[1] : name;
  for (let n = match ? Number(match[2]) + 1 : 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${base.slice(0, 60 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
