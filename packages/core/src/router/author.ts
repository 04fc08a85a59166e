import type { RoutingPolicy } from '../policy/types.js';
import type { AuthorKind, ChangeFacts } from './types.js';

function loginGlob(glob: string): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * `author-kind: auto`: an agent when the pull request author is a bot or an agent login, the head
 * branch starts with an agent's prefix, or any commit carries an agent trailer; a person otherwise.
 */
export function detectAuthorKind(
  requested: 'auto' | AuthorKind,
  facts: Pick<ChangeFacts, 'author' | 'branch' | 'commitMessages'>,
  policy: RoutingPolicy['agentAuthors'],
): { kind: AuthorKind; because: string } {
  if (requested !== 'auto') return { kind: requested, because: `author-kind: ${requested}` };
  const login = facts.author?.login;
  if (login) {
    const glob = policy.logins.find((g) => loginGlob(g).test(login));
    if (glob) return { kind: 'agent', because: `author login matches ${glob}` };
  }
  if (facts.author?.type === 'Bot') return { kind: 'agent', because: 'author is a bot account' };
  const branch = facts.branch;
  if (branch) {
    const prefix = policy.branchPrefixes.find((p) => branch.toLowerCase().startsWith(p.toLowerCase()));
    if (prefix) return { kind: 'agent', because: `branch starts with ${prefix}` };
  }
  for (const message of facts.commitMessages ?? []) {
    for (const line of message.split(/\r?\n/)) {
      const trailer = policy.trailers.find((t) => line.trim().toLowerCase().startsWith(t.toLowerCase()));
      if (trailer) return { kind: 'agent', because: `commit trailer ${trailer}` };
    }
  }
  return { kind: 'human', because: 'no agent login, branch prefix or commit trailer' };
}
