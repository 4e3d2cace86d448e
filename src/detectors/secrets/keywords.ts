/**
 * The keyword prefilter: an Aho-Corasick automaton over ASCII, folding A-Z to a-z as it reads, so
 * one pass over a file tells which of the catalog's keywords occur in it, without lowercasing a
 * copy of the text. Only rules with a keyword present run their regexes.
 */
const ALPHABET = 128;

export class KeywordMatcher {
  readonly keywords: readonly string[];
  /** Full transition table: delta[state * 128 + char]. */
  private readonly delta: Uint16Array;
  /** 1 for states that recognise at least one keyword. */
  private readonly accepting: Uint8Array;
  /** Keyword indexes recognised on entering each state (its own and those of its suffix states). */
  private readonly outputs: ReadonlyArray<readonly number[] | undefined>;

  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    const goto: Int32Array[] = [new Int32Array(ALPHABET).fill(-1)];
    const own: number[][] = [[]];
    keywords.forEach((keyword, index) => {
      if (keyword.length === 0) throw new Error('empty keyword');
      let state = 0;
      for (let i = 0; i < keyword.length; i++) {
        const code = keyword.charCodeAt(i);
        if (code >= ALPHABET || (code >= 65 && code <= 90)) throw new Error(`keyword ${JSON.stringify(keyword)} must be lowercase ASCII`);
        let next = goto[state]![code]!;
        if (next === -1) {
          next = goto.length;
          goto.push(new Int32Array(ALPHABET).fill(-1));
          own.push([]);
          goto[state]![code] = next;
        }
        state = next;
      }
      own[state]!.push(index);
    });

    const states = goto.length;
    if (states > 0xffff) throw new Error('too many keyword characters for the prefilter');
    const delta = new Uint16Array(states * ALPHABET);
    const fail = new Uint32Array(states);
    const outputs: Array<number[] | undefined> = new Array(states);
    // Breadth-first, so a state's failure target is complete before the state itself.
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const next = goto[0]![c]!;
      if (next === -1) delta[c] = 0;
      else {
        delta[c] = next;
        fail[next] = 0;
        queue.push(next);
      }
    }
    outputs[0] = own[0]!.length > 0 ? own[0] : undefined;
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const merged = [...own[state]!, ...(outputs[fail[state]!] ?? [])];
      outputs[state] = merged.length > 0 ? merged : undefined;
      for (let c = 0; c < ALPHABET; c++) {
        const next = goto[state]![c]!;
        if (next === -1) delta[state * ALPHABET + c] = delta[fail[state]! * ALPHABET + c]!;
        else {
          delta[state * ALPHABET + c] = next;
          fail[next] = delta[fail[state]! * ALPHABET + c]!;
          queue.push(next);
        }
      }
    }
    // Case folding lives in the table: an upper-case letter moves like its lower-case twin.
    for (let state = 0; state < states; state++) {
      for (let c = 65; c <= 90; c++) delta[state * ALPHABET + c] = delta[state * ALPHABET + c + 32]!;
    }
    const accepting = new Uint8Array(states);
    outputs.forEach((out, state) => {
      if (out) accepting[state] = 1;
    });
    this.delta = delta;
    this.outputs = outputs;
    this.accepting = accepting;
  }

  /** Flags, by keyword index, of the keywords that occur in `text` (ASCII case-insensitively). */
  find(text: string): Uint8Array {
    const found = new Uint8Array(this.keywords.length);
    const delta = this.delta;
    const accepting = this.accepting;
    let remaining = this.keywords.length;
    let state = 0;
    for (let i = 0, length = text.length; i < length; i++) {
      const code = text.charCodeAt(i);
      // Non-ASCII characters occur in no keyword: back to the root.
      state = code < ALPHABET ? delta[(state << 7) | code]! : 0;
      if (accepting[state] === 1) {
        for (const index of this.outputs[state]!) {
          if (found[index] === 0) {
            found[index] = 1;
            if (--remaining === 0) return found;
          }
        }
      }
    }
    return found;
  }
}
