import { errors } from './errors';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' };

/**
 * Parses a Kubernetes label selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, comma-separated (all must hold).
 */
export function parseLabelSelector(
  selector: string | undefined,
): Requirement[] {
  if (!selector?.trim()) return [];
  const requirements: Requirement[] = [];
  // split on commas that are not inside parentheses
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  for (const raw of parts) {
    const part = raw.trim();
    const set = part.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/);
    const equality = part.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/);
    const absent = part.match(/^!\s*([\w./-]+)$/);
    const present = part.match(/^([\w./-]+)$/);
    if (set) {
      requirements.push({
        key: set[1],
        op: set[2] as 'in' | 'notin',
        values: set[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      });
    } else if (equality) {
      requirements.push({
        key: equality[1],
        op: equality[2] === '!=' ? 'notin' : 'in',
        values: [equality[3]],
      });
    } else if (absent) {
      requirements.push({ key: absent[1], op: 'doesnotexist' });
    } else if (present) {
      requirements.push({ key: present[1], op: 'exists' });
    } else {
      throw errors.badRequest(
        `unable to parse requirement: ${JSON.stringify(part)}`,
      );
    }
  }
  return requirements;
}

export function matchesLabels(
  labels: Record<string, string> | undefined,
  requirements: Requirement[],
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      default:
        return !has;
    }
  });
}

const supportedFields = new Set([
  'metadata.name',
  'metadata.namespace',
  'status.phase',
  'spec.nodeName',
  'involvedObject.name',
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.uid',
  'type',
  'reason',
]);

export type FieldRequirement = { path: string; equals: boolean; value: string };

export function parseFieldSelector(
  selector: string | undefined,
  kind: string,
): FieldRequirement[] {
  if (!selector?.trim()) return [];
  return selector.split(',').map(part => {
    const m = part.trim().match(/^([\w.]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m)
      throw errors.badRequest(
        `invalid selector: '${part}'; can't understand '${part}'`,
      );
    const [, path, op, value] = m;
    const allowed =
      path === 'metadata.name' ||
      path === 'metadata.namespace' ||
      (kind === 'Pod' &&
        (path === 'status.phase' || path === 'spec.nodeName')) ||
      (kind === 'VirtualMachineInstance' && path === 'status.phase') ||
      (kind === 'Event' && supportedFields.has(path));
    if (!allowed) {
      throw errors.badRequest(`field label not supported: ${path}`);
    }
    return { path, equals: op !== '!=', value };
  });
}

export function matchesFields(obj: any, requirements: FieldRequirement[]) {
  return requirements.every(r => {
    const actual = r.path
      .split('.')
      .reduce((o, k) => (o === null || o === undefined ? o : o[k]), obj);
    const v = actual === null || actual === undefined ? '' : String(actual);
    return r.equals ? v === r.value : v !== r.value;
  });
}
