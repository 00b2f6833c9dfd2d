/**
 * A PromQL subset: vector and range selectors (=, !=, =~, !~, offset),
 * functions over them, aggregations with by/without, arithmetic and
 * comparisons with on/ignoring matching. Errors read like Prometheus'
 * parser's: "<line>:<col>: parse error: <what>".
 */

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | {
      kind: 'selector';
      name?: string;
      matchers: Matcher[];
      offsetMs: number;
      rangeMs?: number;
    }
  | { kind: 'call'; fn: string; args: Expr[] }
  | {
      kind: 'aggregate';
      op: string;
      grouping: string[];
      without: boolean;
      expr: Expr;
      param?: Expr;
    }
  | {
      kind: 'binary';
      op: string;
      lhs: Expr;
      rhs: Expr;
      bool: boolean;
      on?: string[];
      ignoring?: string[];
    }
  | { kind: 'negate'; expr: Expr };

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export class PromQLError extends Error {}

export const AGGREGATIONS = [
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'stddev',
  'stdvar',
  'group',
  'topk',
  'bottomk',
  'quantile',
];

/** Argument types and result type of the functions the simulator evaluates. */
export const FUNCTIONS: Record<
  string,
  { args: ValueType[]; optional?: number; returns: ValueType }
> = {
  rate: { args: ['matrix'], returns: 'vector' },
  irate: { args: ['matrix'], returns: 'vector' },
  increase: { args: ['matrix'], returns: 'vector' },
  delta: { args: ['matrix'], returns: 'vector' },
  idelta: { args: ['matrix'], returns: 'vector' },
  avg_over_time: { args: ['matrix'], returns: 'vector' },
  min_over_time: { args: ['matrix'], returns: 'vector' },
  max_over_time: { args: ['matrix'], returns: 'vector' },
  sum_over_time: { args: ['matrix'], returns: 'vector' },
  count_over_time: { args: ['matrix'], returns: 'vector' },
  last_over_time: { args: ['matrix'], returns: 'vector' },
  abs: { args: ['vector'], returns: 'vector' },
  ceil: { args: ['vector'], returns: 'vector' },
  floor: { args: ['vector'], returns: 'vector' },
  round: { args: ['vector', 'scalar'], optional: 1, returns: 'vector' },
  clamp_min: { args: ['vector', 'scalar'], returns: 'vector' },
  clamp_max: { args: ['vector', 'scalar'], returns: 'vector' },
  scalar: { args: ['vector'], returns: 'scalar' },
  vector: { args: ['scalar'], returns: 'vector' },
  time: { args: [], returns: 'scalar' },
};

type Token = {
  type: 'ident' | 'number' | 'string' | 'duration' | 'op' | 'punct' | 'eof';
  text: string;
  pos: number;
  value?: number;
};

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** A Prometheus duration ("5m", "1h30m", "250ms") in milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g))
    ms += Number(n) * DURATION_UNITS[unit];
  return ms;
}

function position(input: string, pos: number) {
  const before = input.slice(0, pos);
  const line = before.split('\n').length;
  return `${line}:${pos - before.lastIndexOf('\n')}`;
}

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (msg: string, at = i): never => {
    throw new PromQLError(`${position(input, at)}: parse error: ${msg}`);
  };
  while (i < input.length) {
    const ch = input[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < input.length && input[i] !== '\n') i++;
      continue;
    }
    const start = i;
    const rest = input.slice(i);
    const duration = /^\d+(ms|s|m|h|d|w|y)(\d+(ms|s|m|h|d|w|y))*(?![\w.])/.exec(
      rest,
    );
    if (duration) {
      tokens.push({
        type: 'duration',
        text: duration[0],
        pos: start,
        value: parseDuration(duration[0]),
      });
      i += duration[0].length;
      continue;
    }
    const num = /[\d.]/.test(ch)
      ? /^(0x[0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(rest)
      : null;
    if (num) {
      tokens.push({
        type: 'number',
        text: num[0],
        pos: start,
        value: Number(num[0]),
      });
      i += num[0].length;
      continue;
    }
    const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
    if (ident) {
      const special = /^(inf|nan)$/i.test(ident[0]);
      tokens.push(
        special
          ? {
              type: 'number',
              text: ident[0],
              pos: start,
              value: /^inf$/i.test(ident[0]) ? Infinity : NaN,
            }
          : { type: 'ident', text: ident[0], pos: start },
      );
      i += ident[0].length;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      let value = '';
      while (j < input.length && input[j] !== ch) {
        if (input[j] === '\\' && ch !== '`') {
          const next = input[j + 1];
          value +=
            (
              {
                n: '\n',
                t: '\t',
                r: '\r',
                '\\': '\\',
                '"': '"',
                "'": "'",
              } as Record<string, string>
            )[next] ?? `\\${next}`;
          j += 2;
        } else value += input[j++];
      }
      if (j >= input.length) fail('unterminated quoted string', start);
      tokens.push({ type: 'string', text: input.slice(i, j + 1), pos: start });
      tokens[tokens.length - 1].text = value;
      i = j + 1;
      continue;
    }
    const op = /^(==|!=|>=|<=|=~|!~|[-+*/%^<>=])/.exec(rest);
    if (op) {
      tokens.push({ type: 'op', text: op[0], pos: start });
      i += op[0].length;
      continue;
    }
    if ('(){}[],'.includes(ch)) {
      tokens.push({ type: 'punct', text: ch, pos: start });
      i++;
      continue;
    }
    fail(`unexpected character: '${ch}'`);
  }
  tokens.push({ type: 'eof', text: '', pos: input.length });
  return tokens;
}

const PRECEDENCE: Record<string, number> = {
  '==': 1,
  '!=': 1,
  '<': 1,
  '>': 1,
  '<=': 1,
  '>=': 1,
  '+': 2,
  '-': 2,
  '*': 3,
  '/': 3,
  '%': 3,
  '^': 4,
};
const COMPARISONS = ['==', '!=', '<', '>', '<=', '>='];

const describe = (t: Token) => {
  if (t.type === 'eof') return '<EOF>';
  if (t.type === 'punct') {
    const names: Record<string, string> = {
      '(': 'left parenthesis',
      ')': 'right parenthesis',
      '{': 'left brace',
      '}': 'right brace',
      '[': 'left bracket',
      ']': 'right bracket',
      ',': 'comma',
    };
    return `${names[t.text]} '${t.text}'`;
  }
  if (t.type === 'ident') return `identifier "${t.text}"`;
  if (t.type === 'string') return `string "${t.text}"`;
  return `${t.type === 'op' ? 'operator' : t.type} "${t.text}"`;
};

/** Whether a matcher accepts the empty string (a label the series does not have). */
export function matchesEmpty(m: Matcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test('');
    default:
      return !new RegExp(`^(?:${m.value})$`).test('');
  }
}

export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'selector':
      return e.rangeMs !== undefined ? 'matrix' : 'vector';
    case 'call':
      return FUNCTIONS[e.fn].returns;
    case 'aggregate':
      return 'vector';
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar'
        ? 'scalar'
        : 'vector';
    default:
      return typeOf(e.expr);
  }
}

const TYPE_NAMES: Record<ValueType, string> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
};

/** Parses a PromQL expression, with Prometheus' type checks. */
export function parse(input: string): Expr {
  const tokens = lex(input);
  let k = 0;
  const peek = () => tokens[k];
  const next = () => tokens[k++];
  const fail = (msg: string, t: Token = peek()): never => {
    throw new PromQLError(`${position(input, t.pos)}: parse error: ${msg}`);
  };
  const expect = (text: string, context: string) => {
    const t = next();
    if (t.text !== text || t.type === 'string')
      fail(`unexpected ${describe(t)} in ${context}, expected "${text}"`, t);
    return t;
  };

  const labelList = (context: string): string[] => {
    expect('(', context);
    const labels: string[] = [];
    while (peek().text !== ')') {
      const t = next();
      if (t.type !== 'ident')
        fail(`unexpected ${describe(t)} in grouping opts, expected label`, t);
      labels.push(t.text);
      if (peek().text === ',') next();
      else if (peek().text !== ')')
        fail(
          `unexpected ${describe(
            peek(),
          )} in grouping opts, expected ")" or ","`,
        );
    }
    next();
    return labels;
  };

  const matchers = (): Matcher[] => {
    expect('{', 'label matching');
    const out: Matcher[] = [];
    while (peek().text !== '}') {
      const name = next();
      if (name.type !== 'ident' && name.type !== 'string')
        fail(
          `unexpected ${describe(
            name,
          )} in label matching, expected identifier or "}"`,
          name,
        );
      const op = next();
      if (!['=', '!=', '=~', '!~'].includes(op.text) || op.type !== 'op')
        fail(
          `unexpected ${describe(
            op,
          )} in label matching, expected label matching operator`,
          op,
        );
      const value = next();
      if (value.type !== 'string')
        fail(
          `unexpected ${describe(value)} in label matching, expected string`,
          value,
        );
      if (op.text === '=~' || op.text === '!~') {
        try {
          RegExp(`^(?:${value.text})$`);
        } catch (e) {
          fail(`error parsing regexp: ${(e as Error).message}`, value);
        }
      }
      out.push({
        name: name.text,
        op: op.text as Matcher['op'],
        value: value.text,
      });
      if (peek().text === ',') next();
      else if (peek().text !== '}')
        fail(
          `unexpected ${describe(
            peek(),
          )} in label matching, expected "," or "}"`,
        );
    }
    next();
    return out;
  };

  const selector = (): Expr => {
    const first = peek();
    let name: string | undefined;
    if (first.type === 'ident') name = next().text;
    const ms = peek().text === '{' && peek().type === 'punct' ? matchers() : [];
    if (!name && ms.every(matchesEmpty)) {
      fail(
        'vector selector must contain at least one non-empty matcher',
        first,
      );
    }
    const nameMatcher = ms.find(m => m.name === '__name__');
    if (name && nameMatcher)
      fail(
        `metric name must not be set twice: "${name}" or "${nameMatcher.value}"`,
        first,
      );
    return { kind: 'selector', name, matchers: ms, offsetMs: 0 };
  };

  // forward reference: expression parsing is mutually recursive
  let expression: (minPrecedence?: number) => Expr = () => fail('unreachable');

  const args = (fn: string): Expr[] => {
    expect('(', 'function call');
    const out: Expr[] = [];
    while (peek().text !== ')') {
      out.push(expression());
      if (peek().text === ',') next();
      else if (peek().text !== ')')
        fail(
          `unexpected ${describe(
            peek(),
          )} in call to function "${fn}", expected "," or ")"`,
        );
    }
    next();
    return out;
  };

  const primary = (): Expr => {
    const t = peek();
    if (t.type === 'number') {
      next();
      return { kind: 'number', value: t.value! };
    }
    if (t.type === 'duration') fail(`unexpected duration "${t.text}"`);
    if (t.type === 'string') {
      next();
      return { kind: 'string', value: t.text };
    }
    if (t.text === '(' && t.type === 'punct') {
      next();
      const e = expression();
      expect(')', 'paren expression');
      return e;
    }
    if (t.type === 'op' && (t.text === '-' || t.text === '+')) {
      next();
      const e = postfix(primary());
      if (t.text === '+') return e;
      return e.kind === 'number'
        ? { kind: 'number', value: -e.value }
        : { kind: 'negate', expr: e };
    }
    if (
      t.type === 'ident' &&
      AGGREGATIONS.includes(t.text) &&
      (tokens[k + 1].text === '(' ||
        ['by', 'without'].includes(tokens[k + 1].text))
    ) {
      next();
      if (!['sum', 'avg', 'min', 'max', 'count'].includes(t.text))
        fail(`aggregation "${t.text}" is not supported by the simulator`, t);
      let grouping: string[] = [];
      let without = false;
      if (['by', 'without'].includes(peek().text)) {
        without = next().text === 'without';
        grouping = labelList('aggregation');
      }
      expect('(', 'aggregation');
      const inner = expression();
      expect(')', 'aggregation');
      if (['by', 'without'].includes(peek().text)) {
        without = next().text === 'without';
        grouping = labelList('aggregation');
      }
      if (typeOf(inner) !== 'vector')
        fail(
          `expected type instant vector in aggregation expression, got ${
            TYPE_NAMES[typeOf(inner)]
          }`,
          t,
        );
      return { kind: 'aggregate', op: t.text, grouping, without, expr: inner };
    }
    if (
      t.type === 'ident' &&
      tokens[k + 1].text === '(' &&
      tokens[k + 1].type === 'punct'
    ) {
      next();
      const spec = FUNCTIONS[t.text];
      if (!spec) fail(`unknown function with name "${t.text}"`, t);
      const list = args(t.text);
      const min = spec.args.length - (spec.optional ?? 0);
      if (list.length < min || list.length > spec.args.length) {
        fail(
          `expected ${
            spec.args.length === min
              ? spec.args.length
              : `at most ${spec.args.length}`
          } argument(s) in call to "${t.text}", got ${list.length}`,
          t,
        );
      }
      list.forEach((a, i) => {
        if (typeOf(a) !== spec.args[i])
          fail(
            `expected type ${TYPE_NAMES[spec.args[i]]} in call to function "${
              t.text
            }", got ${TYPE_NAMES[typeOf(a)]}`,
            t,
          );
      });
      return { kind: 'call', fn: t.text, args: list };
    }
    if (t.type === 'ident' || (t.text === '{' && t.type === 'punct'))
      return selector();
    return fail(`unexpected ${describe(t)}`);
  };

  function postfix(e: Expr): Expr {
    let out = e;
    for (;;) {
      const t = peek();
      if (t.text === '[' && t.type === 'punct') {
        next();
        const d = next();
        if (d.type !== 'duration')
          fail(`unexpected ${describe(d)} in range, expected duration`, d);
        if (d.value === 0) fail('duration must be greater than 0', d);
        if (peek().text.startsWith(':'))
          fail('subqueries are not supported by the simulator');
        expect(']', 'range');
        if (out.kind !== 'selector' || out.rangeMs !== undefined)
          return fail('ranges only allowed for vector selectors', t);
        out = { ...out, rangeMs: d.value };
      } else if (t.type === 'ident' && t.text === 'offset') {
        next();
        let sign = 1;
        if (peek().text === '-') {
          next();
          sign = -1;
        }
        const d = next();
        if (d.type !== 'duration')
          fail(`unexpected ${describe(d)} in offset, expected duration`, d);
        if (out.kind !== 'selector')
          return fail(
            'offset modifier must be preceded by an instant vector selector or range vector selector',
            t,
          );
        out = { ...out, offsetMs: sign * d.value! };
      } else return out;
    }
  }

  expression = (minPrecedence = 1): Expr => {
    let lhs = postfix(primary());
    for (;;) {
      const t = peek();
      if (t.type === 'ident' && ['and', 'or', 'unless'].includes(t.text))
        fail(`set operator "${t.text}" is not supported by the simulator`);
      const prec = t.type === 'op' ? PRECEDENCE[t.text] : undefined;
      if (prec === undefined || prec < minPrecedence) return lhs;
      next();
      let bool = false;
      let on: string[] | undefined;
      let ignoring: string[] | undefined;
      if (peek().text === 'bool') {
        next();
        bool = true;
        if (!COMPARISONS.includes(t.text))
          fail('bool modifier can only be used on comparison operators', t);
      }
      if (peek().text === 'on') {
        next();
        on = labelList('on');
      } else if (peek().text === 'ignoring') {
        next();
        ignoring = labelList('ignoring');
      }
      if (['group_left', 'group_right'].includes(peek().text))
        fail(`${peek().text} is not supported by the simulator`);
      // ^ is right-associative
      const rhs = expression(t.text === '^' ? prec : prec + 1);
      for (const side of [lhs, rhs]) {
        if (typeOf(side) === 'matrix' || typeOf(side) === 'string')
          fail(
            'binary expression must contain only scalar and instant vector types',
            t,
          );
      }
      if (
        COMPARISONS.includes(t.text) &&
        !bool &&
        typeOf(lhs) === 'scalar' &&
        typeOf(rhs) === 'scalar'
      ) {
        fail('comparisons between scalars must use BOOL modifier', t);
      }
      lhs = { kind: 'binary', op: t.text, lhs, rhs, bool, on, ignoring };
    }
  };

  if (peek().type === 'eof') fail('no expression found in input');
  const result = expression();
  if (peek().type !== 'eof') fail(`unexpected ${describe(peek())}`);
  return result;
}
