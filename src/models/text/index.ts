/** Text classification (issue 8, item 4): the `text-classifier` flavor, its two kinds and the tiny fixture. */
export { benchTexts, textBenchmarks } from './bench.js';
export { loadTextClassifier, registerTextClassifierFlavor } from './flavor.js';
export { HF_RUN_BATCH } from './hf/engine.js';
export {
  HF_ONNX_FILES,
  hfOnnxParams,
  isHfTextClassifierFolder,
  type SaveTextClassifierOptions,
  saveTextClassifier,
} from './hf/save.js';
export { MAX_TEXT_CHARS, readTextRows, textProblem, wellFormed } from './input.js';
export { labelsFromId2Label, NEGATIVE, NEUTRAL, normaliseLabel, POSITIVE, softmax } from './labels.js';
export { compoundToPrediction, VADER_SHARPNESS, VADER_THRESHOLD } from './lexicon/confidence.js';
export { cutWords, installedVader, LEXICON_FILE, LEXICON_MAX_TOKENS } from './lexicon/engine.js';
export { DEFAULT_SENTIMENT_MODEL, lexiconSentimentParams, writeLexiconSentimentModel } from './lexicon/save.js';
export {
  makeTinyTextClassifier,
  TINY_SENTENCES,
  TINY_TEXT_CLASSIFIER_SEED,
  type TinyExpected,
  type TinyTextClassifierFixture,
  writeTinyTextClassifier,
} from './tiny/fixture.js';
export {
  type HfOnnxParams,
  type LexiconParams,
  TEXT_CLASSIFIER_KINDS,
  TEXT_CLASSIFIER_SIGNATURE,
  type TextClassification,
  type TextClassifierKind,
  type TextClassifierParams,
  type TextClassifierPredictor,
  type TextRow,
} from './types.js';
