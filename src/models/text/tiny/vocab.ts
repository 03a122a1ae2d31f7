/**
 * The tiny model's WordPiece vocabulary (about 500 entries: specials, punctuation, digits, letters
 * and their `##` continuations, common English words and a few suffixes), the Hugging Face
 * tokenizer files describing it (`tokenizer.json` for a BertNormalizer + BertPreTokenizer +
 * WordPiece pipeline, `tokenizer_config.json`, `vocab.txt`, `special_tokens_map.json`), and an
 * independent pure-TypeScript BERT tokenizer used to compute the fixture's expected token ids.
 */

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const PUNCTUATION = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
const DIGITS = [...'0123456789'];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
const SUFFIXES = [
  '##s',
  '##es',
  '##ed',
  '##ing',
  '##ly',
  '##er',
  '##est',
  '##ness',
  '##ful',
  '##less',
  '##able',
  '##y',
];

const WORDS = `the a an and or but not no nor so yet if then than that this these those it its
i me my we our you your he him his she her they them their what which who whom whose when where why
how all any both each few more most other some such only own same too very can will just don should
now is are was were be been being have has had having do does did doing would could might must shall
of at by for with about against between into through during before after above below to from up down
in out on off over under again further once here there there's it's i'm isn't wasn't don't didn't
doesn't can't won't movie film story plot acting actor actors actress cast scene scenes script
director character characters performance music ending book show series episode time year years day
people life world way thing things lot bit kind one two three first last good great best better
excellent amazing wonderful brilliant fantastic superb perfect beautiful lovely enjoyable fun funny
charming delightful moving powerful touching clever smart fresh solid strong nice pleasant happy love
loved loves like liked enjoy enjoyed recommend masterpiece favorite bad worse worst terrible awful
horrible poor boring dull weak mess disaster waste stupid annoying disappointing disappointed
predictable slow painful ugly sad hate hated fails failed flat bland lame pointless tedious
mediocre forgettable cheap confusing silly unfunny well really quite rather pretty almost never
ever always even still also much many little long short new old big small high low real whole full
entire make makes made see seen watch watched feel feels felt think thought know get got give go
going come look looks say said find found work works take want seems seemed tell end start right
wrong true hard easy nothing something everything anything service server servers cloud latency
load cpu memory fast slower faster cost costs price team support product customer customers user
users app update release version bug bugs crash crashes error errors fix fixed works working broken
reliable unstable stable outage downtime happy unhappy satisfied angry frustrated`;

/** The vocabulary in id order: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, then the rest. */
export function tinyVocabulary(): string[] {
  const words = WORDS.split(/\s+/).filter((w) => w.length > 0 && !/[^a-z]/.test(w));
  const entries = [
    ...SPECIAL_TOKENS,
    ...PUNCTUATION,
    ...DIGITS,
    ...LETTERS,
    ...LETTERS.map((l) => `##${l}`),
    ...DIGITS.map((d) => `##${d}`),
    ...SUFFIXES,
    ...words,
  ];
  return [...new Set(entries)];
}

// ---- An independent BERT tokenizer (basic tokenization + greedy longest-match WordPiece) ----

const isControl = (c: string) => /\p{Cc}|\p{Cf}/u.test(c) && !/[\t\n\r]/.test(c);
const isWhitespace = (c: string) => /\s/u.test(c);
/** BERT counts ASCII symbols as punctuation as well as Unicode P*. */
const isPunctuation = (c: string) => {
  const code = c.codePointAt(0)!;
  if ((code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96)) return true;
  if (code >= 123 && code <= 126) return true;
  return /\p{P}/u.test(c);
};

/** Lower-cased, accent-stripped words and punctuation, as BertNormalizer + BertPreTokenizer split them. */
export function basicTokens(text: string): string[] {
  let cleaned = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (code === 0 || code === 0xfffd || isControl(c)) continue;
    cleaned += isWhitespace(c) ? ' ' : c;
  }
  const normalised = cleaned
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
  const tokens: string[] = [];
  for (const word of normalised.split(' ')) {
    let current = '';
    for (const c of word) {
      if (isPunctuation(c)) {
        if (current) tokens.push(current);
        tokens.push(c);
        current = '';
      } else {
        current += c;
      }
    }
    if (current) tokens.push(current);
  }
  return tokens;
}

/** Greedy longest-match-first WordPiece; a word that cannot be covered becomes [UNK]. */
export function wordPiece(word: string, vocab: ReadonlyMap<string, number>, maxChars = 100): string[] {
  const chars = [...word];
  if (chars.length > maxChars) return ['[UNK]'];
  const pieces: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let found: string | undefined;
    while (start < end) {
      const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
      if (vocab.has(piece)) {
        found = piece;
        break;
      }
      end--;
    }
    if (!found) return ['[UNK]'];
    pieces.push(found);
    start = end;
  }
  return pieces;
}

/** [CLS] pieces… [SEP] ids, truncated to `maxLength` (specials kept) as Hugging Face truncates. */
export function encodeTiny(text: string, vocabulary: readonly string[], maxLength: number): number[] {
  const vocab = new Map(vocabulary.map((token, id) => [token, id]));
  const pieces = basicTokens(text).flatMap((word) => wordPiece(word, vocab));
  const ids = pieces.map((p) => vocab.get(p)!);
  return [vocab.get('[CLS]')!, ...ids.slice(0, maxLength - 2), vocab.get('[SEP]')!];
}

// ---- The Hugging Face tokenizer files ----

export function tokenizerJson(vocabulary: readonly string[]): Record<string, unknown> {
  const id = (token: string) => vocabulary.indexOf(token);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocabulary.map((token, i) => [token, i])),
    },
  };
}

export function tokenizerConfigJson(maxLength: number): Record<string, unknown> {
  return {
    clean_up_tokenization_spaces: true,
    cls_token: '[CLS]',
    do_lower_case: true,
    mask_token: '[MASK]',
    model_max_length: maxLength,
    pad_token: '[PAD]',
    sep_token: '[SEP]',
    strip_accents: null,
    tokenize_chinese_chars: true,
    tokenizer_class: 'DistilBertTokenizer',
    unk_token: '[UNK]',
  };
}

export const SPECIAL_TOKENS_MAP = {
  cls_token: '[CLS]',
  mask_token: '[MASK]',
  pad_token: '[PAD]',
  sep_token: '[SEP]',
  unk_token: '[UNK]',
};
