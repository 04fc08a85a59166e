import { ConfigError } from '../../errors.js';
import type { Policy } from '../../policy/types.js';
import { runScan, type FileChange, type LineScan, type Rule } from '../types.js';
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
  /**
   * Fed file by file as the diff streams (which entries each file touches), so the end of the run,
   * where one core idles, only looks for the tickets: matching every path there took 30-50 ms on a
   * 20,000-file change.
   */
  const begin = (): LineScan => {
    const touchedBy = entries.map((): string[] => []);
    const seen = new Set<number>();
    return {
      file(file: FileChange) {
        if (entries.length === 0) return;
        seen.clear();
        for (const path of judgedPaths(file)) for (const i of groups.matching(path)) seen.add(i);
        for (const i of seen) touchedBy[i]?.push(file.path);
      },
      finish(ctx) {
        const out = new Findings('ticket');
        if (entries.length === 0) return Promise.resolve([]);
        for (const entry of entries) {
          const touched = touchedBy[entry.index] as string[];
          if (touched.length === 0) continue;
          const first = touched[0] as string;
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
  };
  return { name: 'ticket', begin, run: (ctx) => runScan(begin, ctx) };
}
