// The fixture model's vocabulary: SentencePiece style with byte fallback, so any text tokenizes,
// plus the ChatML special tokens node-llama-cpp's chat wrappers look for.

/** llama.cpp token types. */
export const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

export interface FixtureVocab {
  tokens: string[];
  scores: number[];
  types: number[];
  ids: { unknown: number; bos: number; eos: number; imStart: number; imEnd: number };
}

// A handful of frequent pieces, so ordinary prose is not all single characters.
const PIECES = ['▁t', '▁a', '▁s', '▁c', '▁f', '▁i', '▁o', '▁w', '▁p', '▁b', 'th', 'he', 'in', 'er', 'an', 're', 'on', 'en', 'at', 'or', 'es', 'ed', 'is', 'it', '▁th', '▁the', 'ing', '▁in', '▁{', '▁"', '":', '",'];

export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export function buildFixtureVocab(): FixtureVocab {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const add = (text: string, type: number, score = 0): number => {
    tokens.push(text);
    scores.push(score);
    types.push(type);
    return tokens.length - 1;
  };
  const unknown = add('<unk>', TokenType.unknown);
  const bos = add('<s>', TokenType.control);
  const eos = add('</s>', TokenType.control);
  const imStart = add('<|im_start|>', TokenType.control);
  const imEnd = add('<|im_end|>', TokenType.control);
  // All 256 byte tokens: the fallback for any character not in the vocabulary. llama.cpp needs <0x0A> as newline.
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, TokenType.byte);
  let rank = 0;
  for (const piece of ['▁', ...printableAscii(), ...PIECES]) add(piece, TokenType.normal, -rank++);
  return { tokens, scores, types, ids: { unknown, bos, eos, imStart, imEnd } };
}

function printableAscii(): string[] {
  const chars: string[] = [];
  for (let c = 33; c < 127; c++) chars.push(String.fromCharCode(c));
  return chars;
}
