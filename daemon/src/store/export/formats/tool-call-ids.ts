// Call ids inside the store name steps; in a dataset they are renumbered call_0, call_1, ... in
// order, so identical conversations from different tasks serialize identically (and deduplicate).
import type { TrajectoryMessage } from '../trajectory.js';

export function renumberCalls(...parts: TrajectoryMessage[][]): TrajectoryMessage[][] {
  const ids = new Map<string, string>();
  const idOf = (id: string) => {
    let fresh = ids.get(id);
    if (!fresh) ids.set(id, (fresh = `call_${ids.size}`));
    return fresh;
  };
  return parts.map((messages) => messages.map((m): TrajectoryMessage => {
    if (m.role === 'assistant' && m.toolCall) return { ...m, toolCall: { ...m.toolCall, id: idOf(m.toolCall.id) } };
    if (m.role === 'tool') return { ...m, toolCallId: idOf(m.toolCallId) };
    return m;
  }));
}
