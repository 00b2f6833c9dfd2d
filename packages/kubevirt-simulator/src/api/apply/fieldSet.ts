/**
 * Sets of field paths, as structured-merge-diff's `fieldpath.Set` holds them
 * and `metadata.managedFields[].fieldsV1` serializes them: a tree whose edges
 * are path elements (`f:name` a field, `k:{"name":"x"}` an item of a list
 * keyed by its fields, `v:"x"` an item of a set, `i:0` an index) and whose
 * nodes are members (the path itself is in the set) or only lead to members.
 */
export class FieldSet {
  /** Path elements (serialized, as in FieldsV1) of the children. */
  readonly children = new Map<string, FieldSet>();
  member = false;

  static of(...paths: string[][]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: string[]) {
    const node = path.reduce((parent: FieldSet, pe) => {
      let next = parent.children.get(pe);
      if (!next) parent.children.set(pe, (next = new FieldSet()));
      return next;
    }, this);
    if (path.length) node.member = true;
  }

  has(path: string[]): boolean {
    return path.length > 0 && !!this.at(path)?.member;
  }

  /** The subtree at a path (undefined when nothing of the set lies there). */
  at(path: string[]): FieldSet | undefined {
    return path.reduce(
      (node: FieldSet | undefined, pe) => node?.children.get(pe),
      this,
    );
  }

  empty(): boolean {
    return !this.member && this.children.size === 0;
  }

  /** Every member path, depth first in FieldsV1 order. */
  paths(prefix: string[] = []): string[][] {
    const out: string[][] = [];
    if (this.member && prefix.length) out.push(prefix);
    for (const pe of sortedElements(this.children.keys()))
      out.push(...this.children.get(pe)!.paths([...prefix, pe]));
    return out;
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    for (const p of other.paths()) out.insert(p);
    return out;
  }

  difference(other: FieldSet): FieldSet {
    return FieldSet.of(...this.paths().filter(p => !other.has(p)));
  }

  intersection(other: FieldSet): FieldSet {
    return FieldSet.of(...this.paths().filter(p => other.has(p)));
  }

  /** The set without the given subtrees (structured-merge-diff's ExcludeFields on whole prefixes). */
  withoutPrefixes(prefixes: string[][]): FieldSet {
    return FieldSet.of(
      ...this.paths().filter(
        p => !prefixes.some(x => x.every((pe, i) => p[i] === pe)),
      ),
    );
  }

  /** Only the given subtrees. */
  onlyPrefixes(prefixes: string[][]): FieldSet {
    return FieldSet.of(
      ...this.paths().filter(p =>
        prefixes.some(x => x.every((pe, i) => p[i] === pe)),
      ),
    );
  }

  copy(): FieldSet {
    return FieldSet.of(...this.paths());
  }

  /** The FieldsV1 JSON form (`fieldpath.Set.ToJSON`): `.` marks a member that also has children. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const pe of sortedElements(this.children.keys())) {
      const child = this.children.get(pe)!;
      const inner = child.toJSON();
      out[pe] =
        child.member && child.children.size ? { '.': {}, ...inner } : inner;
    }
    return out;
  }

  static fromJSON(json: unknown): FieldSet {
    const out = new FieldSet();
    const walk = (node: unknown, path: string[]) => {
      if (!node || typeof node !== 'object') return;
      const entries = Object.entries(node as Record<string, unknown>);
      if (path.length && entries.length === 0) out.insert(path);
      for (const [pe, child] of entries) {
        if (pe === '.') out.insert(path);
        else walk(child, [...path, pe]);
      }
    };
    walk(json, []);
    return out;
  }
}

/** A path as structured-merge-diff prints it (`Path.String`): `.spec.x`, `[name="a"]`, `[="v"]`, `[0]`. */
export function pathString(path: string[]): string {
  return path
    .map(pe => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'k':
          return `[${Object.entries(JSON.parse(body) as Record<string, unknown>)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`;
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

/** Byte order, as Go's strings.Compare. */
export const compareStrings = (a: string, b: string) =>
  Number(a > b) - Number(a < b);

/** `PathElement.Compare`'s order: fields, then keys, then values, then indexes. */
const rank: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function sortedElements(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => {
    const r = (rank[a[0]] ?? 4) - (rank[b[0]] ?? 4);
    if (r) return r;
    if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
    return compareStrings(a, b);
  });
}

export const fieldElement = (name: string) => `f:${name}`;

/** A keyed list item's element: its key fields, sorted by name, as JSON. */
export const keyElement = (item: Record<string, unknown>, keys: string[]) =>
  `k:${JSON.stringify(
    Object.fromEntries([...keys].sort().map(k => [k, item[k]])),
  )}`;

export const valueElement = (value: unknown) => `v:${JSON.stringify(value)}`;
