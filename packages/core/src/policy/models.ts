/**
 * The policy's `models` section: which model ids may produce a change, and whether they must be pinned.
 * Model globs are not path globs: `*` matches any run of characters, `/` included, because providers
 * prefix ids (`openrouter/anthropic/claude-…`, `bedrock/anthropic.claude-…`). Matching ignores case,
 * so `GPT-4o` is denied by `gpt-4o*` as the API itself treats them alike.
 */
import type { ModelsPolicy } from './types.js';

export interface ModelJudgement {
  model: string;
  /** False when the model is denied or no `allowed` glob matches it. */
  allowed: boolean;
  /** Why it is not allowed. */
  reason?: 'denied' | 'not-allowed';
  /** The `denied` glob that matched. */
  rule?: string;
  pinned: boolean;
}

const cache = new Map<string, RegExp>();

function modelGlob(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    re = new RegExp(
      `^${glob
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      'is',
    );
    if (cache.size < 1000) cache.set(glob, re);
  }
  return re;
}

/** The id and, for a provider-prefixed id, its last part: `openrouter/openai/gpt-5` is also `gpt-5`. */
function spellings(model: string): string[] {
  const last = model.slice(model.lastIndexOf('/') + 1);
  return last && last !== model ? [model, last] : [model];
}

export function matchModelGlob(glob: string, model: string): boolean {
  const re = modelGlob(glob);
  return spellings(model).some((m) => re.test(m));
}

/**
 * A dated snapshot (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`, Vertex's `…@20240620`, Bedrock's
 * `…-20240620-v1:0`) or a numbered Gemini version (`gemini-1.5-pro-002`); never an id that says `latest`.
 * Aliases such as `claude-sonnet-4-5` or `gpt-5-codex` move to new snapshots without notice.
 */
export function isPinnedModel(model: string): boolean {
  if (/latest/i.test(model)) return false;
  if (/(?:^|[^0-9])20\d{2}-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])(?![0-9])/.test(model)) return true;
  return /-\d{3}$/.test(model);
}

export function judgeModel(policy: ModelsPolicy, model: string): ModelJudgement {
  const pinned = isPinnedModel(model);
  const denied = policy.denied.find((glob) => matchModelGlob(glob, model));
  if (denied !== undefined) return { model, allowed: false, reason: 'denied', rule: denied, pinned };
  if (!policy.allowed.some((glob) => matchModelGlob(glob, model))) return { model, allowed: false, reason: 'not-allowed', pinned };
  return { model, allowed: true, pinned };
}

/** True when the section restricts which models may run (not just `allowed: ["*"]` with nothing denied). */
export function restrictsModels(policy: ModelsPolicy): boolean {
  return policy.denied.length > 0 || !policy.allowed.includes('*');
}
