// Keeps a role's messages inside its context. Compaction rewrites the history in place and only when
// it nears the limit, bringing it well below: between compactions the history only grows at its end,
// so the runtime can reuse the evaluated prefix in the KV cache from one turn to the next. Both marks are
// fractions of the room left after the pinned turns, the only part compaction can free: measured
// against the whole context, a long system prompt would leave a target so close to the limit that
// every step compacted again, and every step evaluated all but the pinned turns anew.
import type { ChatTurn } from './ports.js';
import { cutToTokens } from './token-cut.js';

export interface ContextFit {
  contextSize: number;
  /** Tokens kept free for the reply. */
  reserve: number;
  countTokens(text: string): number;
  /** Compact when the unpinned turns pass this fraction of the room the pinned ones leave, down to `compactTo`. */
  compactAt: number;
  compactTo: number;
  /** Leading turns never dropped (the system prompt and the instruction). */
  pinned: number;
  /** Trailing turns never compacted. */
  keepRecent: number;
}

export type FitResult = { ok: true; compacted: boolean; tokens: number } | { ok: false; detail: string };

/** Chat templates wrap each turn in a few special tokens; count them too. */
const TURN_OVERHEAD = 8;
const DROPPED_NOTE = '[Earlier turns were removed to save context:';
/** Tokens of an old tool result's first line kept in its stub. */
const STUB_TOKENS = 40;
const COMPACTED_NOTE = '[output compacted to save context; call the tool again if you need it]';

export function historyTokens(messages: ChatTurn[], countTokens: (text: string) => number): number {
  return messages.reduce((sum, m) => sum + countTokens(m.content) + TURN_OVERHEAD, 0);
}

export function fitContext(messages: ChatTurn[], fit: ContextFit): FitResult {
  const room = fit.contextSize - fit.reserve;
  const count = () => historyTokens(messages, fit.countTokens);
  let tokens = count();
  const pinnedTokens = historyTokens(messages.slice(0, fit.pinned), fit.countTokens);
  const free = Math.max(0, room - pinnedTokens);
  if (tokens <= room && tokens <= pinnedTokens + free * fit.compactAt) return { ok: true, compacted: false, tokens };
  const target = pinnedTokens + free * fit.compactTo;

  // 1. Old tool outputs become a one-line stub, oldest first.
  for (let i = fit.pinned; i < messages.length - fit.keepRecent && tokens > target; i++) {
    const turn = messages[i]!;
    if (turn.role !== 'tool' || turn.content.endsWith(COMPACTED_NOTE) || fit.countTokens(turn.content) < STUB_TOKENS * 2) continue;
    const firstLine = cutToTokens(turn.content.split('\n', 1)[0]!, { maxTokens: STUB_TOKENS, countTokens: fit.countTokens });
    turn.content = `${firstLine}\n${COMPACTED_NOTE}`;
    tokens = count();
  }

  // 2. Old actions and their results are dropped, oldest first; user turns (feedback) stay.
  let dropped = 0;
  for (let i = fit.pinned; i < messages.length - fit.keepRecent && tokens > target;) {
    const turn = messages[i]!;
    if (turn.role === 'user') {
      i++;
      continue;
    }
    messages.splice(i, 1);
    dropped++;
    tokens = count();
  }
  if (dropped > 0) noteDropped(messages, fit.pinned, dropped);
  tokens = count();

  // 3. Whatever is left over the hard limit loses the middle of its longest turns.
  while (tokens > room) {
    const longest = longestTurn(messages);
    if (longest < 0) return { ok: false, detail: `the system prompt alone needs ${tokens} of ${room} tokens` };
    const turn = messages[longest]!;
    const excess = tokens - room;
    const turnTokens = fit.countTokens(turn.content);
    // At most 90% of a turn goes in one cut; the loop comes back for more if that was not enough.
    const shorter = cutToTokens(turn.content, { maxTokens: Math.max(Math.ceil(turnTokens * 0.1), turnTokens - excess), countTokens: fit.countTokens });
    if (fit.countTokens(shorter) >= turnTokens) return { ok: false, detail: `cannot shorten the history below ${tokens} tokens (room: ${room})` };
    turn.content = shorter;
    tokens = count();
  }
  return { ok: true, compacted: true, tokens };
}

function noteDropped(messages: ChatTurn[], at: number, dropped: number): void {
  const existing = messages[at];
  const previous = existing?.content.startsWith(DROPPED_NOTE) ? Number(/(\d+)\]$/.exec(existing.content)?.[1] ?? 0) : 0;
  const note: ChatTurn = { role: 'user', content: `${DROPPED_NOTE} ${previous + dropped}]` };
  if (previous > 0) messages[at] = note;
  else messages.splice(at, 0, note);
}

/** The longest turn other than the system prompt that can still be shortened, or -1. */
function longestTurn(messages: ChatTurn[]): number {
  let best = -1;
  for (let i = 0; i < messages.length; i++) {
    const turn = messages[i]!;
    if (turn.role === 'system' || turn.content.length < 64) continue;
    if (best < 0 || turn.content.length > messages[best]!.content.length) best = i;
  }
  return best;
}
