// Where generation stands inside an action pattern (action-pattern.ts), character by character: which
// text may follow, what the pattern forces next (the decoder evaluates that without sampling), which
// few strings a choice allows (a tool name, true/false, null), and whether the action is complete.
// A state is the set of ways the text so far can continue ("cursors"), each a stack of frames.
import type { PatternNode } from './action-pattern.js';

type Frame =
  | { f: 'node'; node: PatternNode }
  | { f: 'literal'; text: string; at: number }
  /** Inside a string after its opening quote; `length` in UTF-16 units; `escape` is 0, -1 right after a backslash, or the hex digits left of \u. */
  | { f: 'string'; maxLength: number; length: number; escape: number }
  | { f: 'integer'; stage: 'start' | 'after-minus' | 'digits'; digits: number }
  | { f: 'array-first'; item: PatternNode; maxItems: number }
  | { f: 'array-next'; item: PatternNode; maxItems: number; count: number };

type Cursor = readonly Frame[];

/** Where the decoder stands; immutable, so a candidate token can be tried without losing the state. */
export interface ActionState {
  readonly cursors: readonly Cursor[];
}

const MAX_INTEGER_DIGITS = 15;
const ESCAPABLE = '"\\/bfnrtu';
const HEX = /^[0-9a-fA-F]$/;
const DIGIT = /^[0-9]$/;

export function initialState(pattern: PatternNode): ActionState {
  return { cursors: expand([{ f: 'node', node: pattern }]) };
}

/** The state after `text`, or null when the pattern does not allow it here. */
export function advance(state: ActionState, text: string): ActionState | null {
  let cursors = state.cursors;
  for (const char of text) { // by code point: the grammar counts characters, not UTF-16 units
    const next: Cursor[] = [];
    for (const cursor of cursors) {
      const stepped = step(cursor, char);
      if (stepped) next.push(...expand(stepped));
    }
    if (next.length === 0) return null;
    cursors = next;
  }
  return { cursors };
}

/** The action is whole: nothing more needs to be generated. */
export function isComplete(state: ActionState): boolean {
  return state.cursors.some((cursor) => cursor.length === 0);
}

/** The text the pattern allows as the only continuation from here (empty where the model has a choice). */
export function forcedText(state: ActionState, limit = 256): string {
  let text = '';
  let current = state;
  while (text.length < limit && !isComplete(current)) {
    const next = nextChars(current);
    if (next.open || next.chars.size !== 1) break;
    const [char] = next.chars;
    text += char!;
    current = advance(current, char!)!;
  }
  return text;
}

/**
 * The strings a choice here allows (the tool names, true and false), each with the forced text that
 * follows it; null where the continuation is open (string contents, digits) or the choices are more
 * than `limit`.
 */
export function choiceStrings(state: ActionState, limit = 64): string[] | null {
  const done: string[] = [];
  const explore = (current: ActionState, prefix: string): boolean => {
    const forced = forcedText(current);
    const here = forced ? advance(current, forced)! : current;
    const text = prefix + forced;
    const next = nextChars(here);
    // A choice ends where forced text follows it: past that the model chooses again, on its own logits.
    if ((prefix && forced) || isComplete(here) || next.open || next.chars.size === 0) {
      done.push(text);
      return done.length <= limit;
    }
    for (const char of next.chars) {
      if (!explore(advance(here, char)!, text + char)) return false;
    }
    return true;
  };
  if (nextChars(state).open) return null;
  return explore(state, '') ? done : null;
}

/** A character that is always allowed here and leads towards the end: the way out when no candidate fits. */
export function fallbackChar(state: ActionState): string {
  for (const char of ['"', ']', '}', 'n', '1', '0']) if (advance(state, char)) return char;
  const [char] = nextChars(state).chars;
  if (char === undefined) throw new Error('the action pattern allows nothing here');
  return char;
}

/** The characters allowed next; `open` when many are (inside a string, in a number). */
function nextChars(state: ActionState): { chars: Set<string>; open: boolean } {
  const chars = new Set<string>();
  let open = false;
  for (const cursor of state.cursors) {
    const top = cursor.at(-1);
    if (!top) continue;
    if (top.f === 'literal') chars.add(String.fromCodePoint(top.text.codePointAt(top.at)!)); // a whole character, not half an emoji
    else if (top.f === 'string' && top.escape === -1) for (const char of ESCAPABLE) chars.add(char);
    else open = true;
  }
  return { chars, open };
}

/** Replaces frames that consume nothing until each cursor's top consumes a character (or the cursor is done). */
function expand(cursor: Cursor): Cursor[] {
  const top = cursor.at(-1);
  if (!top) return [cursor];
  const rest = cursor.slice(0, -1);
  switch (top.f) {
    case 'literal': return top.at < top.text.length ? [cursor] : expand(rest);
    case 'string': return [cursor];
    case 'integer': return top.stage === 'digits' ? [cursor, ...expand(rest)] : [cursor];
    case 'array-first': {
      const close = expand([...rest, literalFrame(']')]);
      return top.maxItems < 1 ? close : [...close, ...expand([...rest, { f: 'array-next', item: top.item, maxItems: top.maxItems, count: 1 }, { f: 'node', node: top.item }])];
    }
    case 'array-next': {
      const close = expand([...rest, literalFrame(']')]);
      if (top.count >= top.maxItems) return close;
      return [...close, ...expand([...rest, { ...top, count: top.count + 1 }, { f: 'node', node: top.item }, literalFrame(',')])];
    }
    case 'node': return expandNode(rest, top.node);
  }
}

function expandNode(rest: Cursor, node: PatternNode): Cursor[] {
  switch (node.kind) {
    case 'literal': return expand([...rest, literalFrame(node.text)]);
    case 'choice': return node.options.flatMap((option) => expandNode(rest, option));
    case 'sequence': return expand([...rest, ...[...node.items].reverse().map((item): Frame => ({ f: 'node', node: item }))]);
    case 'string': return expand([...rest, { f: 'string', maxLength: node.maxLength, length: 0, escape: 0 }, literalFrame('"')]);
    case 'integer': return [[...rest, { f: 'integer', stage: 'start', digits: 0 }]];
    case 'array': return expand([...rest, { f: 'array-first', item: node.item, maxItems: node.maxItems }, literalFrame('[')]);
  }
}

const literalFrame = (text: string): Frame => ({ f: 'literal', text, at: 0 });

/** The cursor after one character (frames that consume nothing are expanded by the caller), or null. */
function step(cursor: Cursor, char: string): Cursor | null {
  const top = cursor.at(-1);
  if (!top) return null;
  const rest = cursor.slice(0, -1);
  switch (top.f) {
    case 'literal': return top.text.startsWith(char, top.at) ? [...rest, { ...top, at: top.at + char.length }] : null;
    case 'string': return stepString(rest, top, char);
    case 'integer': return stepInteger(rest, top, char);
    default: return null; // expand() never leaves the other frames on top
  }
}

function stepString(rest: Cursor, top: Extract<Frame, { f: 'string' }>, char: string): Cursor | null {
  if (top.escape === -1) {
    if (!ESCAPABLE.includes(char)) return null;
    return [...rest, { ...top, escape: char === 'u' ? 4 : 0 }];
  }
  if (top.escape > 0) return HEX.test(char) ? [...rest, { ...top, escape: top.escape - 1 }] : null;
  if (char === '"') return rest;
  const code = char.codePointAt(0)!;
  // Control characters must be escaped in JSON; U+FFFD is what a cut multi-byte character detokenizes to.
  if (code < 0x20 || code === 0x7f || code === 0xfffd) return null;
  // Lengths are counted as JavaScript counts them (an emoji is 2), as the action parser and node-llama-cpp's
  // schema check do; its grammar counts code points, so this allows a subset of what it allows.
  if (top.length + char.length > top.maxLength) return null;
  return [...rest, { ...top, length: top.length + char.length, escape: char === '\\' ? -1 : 0 }];
}

function stepInteger(rest: Cursor, top: Extract<Frame, { f: 'integer' }>, char: string): Cursor | null {
  if (top.stage === 'start' && char === '-') return [...rest, { ...top, stage: 'after-minus' }];
  if (!DIGIT.test(char)) return null;
  if (top.stage !== 'digits') return char === '0' ? rest : [...rest, { ...top, stage: 'digits', digits: 1 }];
  return top.digits < MAX_INTEGER_DIGITS ? [...rest, { ...top, digits: top.digits + 1 }] : null;
}
