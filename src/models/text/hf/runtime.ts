/**
 * @huggingface/transformers, loaded on first use (its import costs ~0.6 s and a native library, which
 * commands that never classify text should not pay) and configured for local files only: no remote
 * models, no file cache written beside the package, warnings only when something fails. Nothing
 * here can download weights.
 */
type Transformers = typeof import('@huggingface/transformers');

let transformers: Promise<Transformers> | undefined;

export function loadTransformers(): Promise<Transformers> {
  transformers ??= import('@huggingface/transformers').then((module) => {
    const { env, LogLevel } = module;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.useFSCache = false;
    env.useBrowserCache = false;
    env.logLevel = LogLevel.ERROR;
    return module;
  });
  return transformers;
}
