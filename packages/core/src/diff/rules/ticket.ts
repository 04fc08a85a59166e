import { ConfigError } from '../../errors.js';
import type { Policy } from '../../policy/types.js';
import type { FileChange, Rule } from '../types.js';
import { Findings, GlobGroups, judgedPaths, settingIn, shown } from './common.js';

/** A ticket id longer than this is not one; a message is searched in full. */
const MAX_TICKET_SHOWN = 80;

/**
 * `require-ticket`: a change touching an entry's paths must name a ticket (a match of its pattern) in
 * the pull request's title, body or branch, or in a commit message (`ChangeSet.messages`). No
 * messages at all is no ticket.
 */
export function ticketRule(policy: Policy, policyFile?: string): Rule {
  const setting = settingIn(policyFile);
  const entries = policy.scope.requireTicket.map((entry, i) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(entry.pattern);
    } catch {
      throw new ConfigError('E_POLICY', `scope.require-ticket[${i}].pattern is not a valid regular expression`);
    }
    return { ...entry, index: i, pattern };
  });
  const groups = new GlobGroups(
    policy.scope.requireTicket.map((entry) => entry.paths),
    (i, j) => `scope.require-ticket[${i}].paths[${j}]`,
  );
  return {
    name: 'ticket',
    run(ctx) {
      const out = new Findings('ticket');
      if (entries.length === 0) return Promise.resolve([]);
      const touchedBy = entries.map((): FileChange[] => []);
      for (const file of ctx.changes.files) {
        const hit = new Set(judgedPaths(file).flatMap((path) => groups.matching(path)));
        for (const i of hit) touchedBy[i]?.push(file);
      }
      for (const entry of entries) {
        const touched = touchedBy[entry.index] as FileChange[];
        if (touched.length === 0) continue;
        const first = touched[0]?.path as string;
        const files = `${touched.length} changed file${touched.length === 1 ? '' : 's'} (${shown(first)}${touched.length > 1 ? ', …' : ''})`;
        const why = entry.reason ? ` (${entry.reason})` : '';
        const found = ctx.changes.messages.map((message) => entry.pattern.exec(message)?.[0]).find((match) => match !== undefined && match !== '');
        out.add(
          found === undefined
            ? {
                code: 'ticket-missing',
                severity: 'fail',
                message: `${files} need a ticket id matching /${entry.pattern.source}/${why} in the pull request title, body, branch or a commit message; none has one`,
                path: first,
                tier: 'medium',
                decidedBy: setting(`scope.require-ticket[${entry.index}]`),
              }
            : {
                code: 'ticket-found',
                severity: 'pass',
                message: `${files} need a ticket${why}: found ${JSON.stringify(shown(found.slice(0, MAX_TICKET_SHOWN)))}`,
                path: first,
                decidedBy: setting(`scope.require-ticket[${entry.index}]`),
              },
        );
      }
      return Promise.resolve(out.done());
    },
  };
}
