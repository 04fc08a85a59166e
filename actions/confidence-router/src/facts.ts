import type { RestClient, RunContext } from '@agent-gates/action-kit';
import type { Logger } from '@agent-gates/core/gate';
import type { ChangeFacts } from '@agent-gates/core/router';

/**
 * What the router needs to know about the change beyond its inputs, read from the event and the REST
 * API. Each lookup may fail; a fact that could not be read is left out, and core treats it as
 * missing evidence (never as a pass).
 */

/** The REST API lists at most 3,000 files of a pull request. */
const MAX_FILES = 3000;

interface PullRequestPayload {
  pull_request?: { number?: number; user?: { login?: string; type?: string }; head?: { ref?: string; sha?: string }; changed_files?: number };
}

export async function gatherFacts(options: {
  context: RunContext;
  payload: unknown;
  client?: RestClient;
  needPaths: boolean;
  needCommits: boolean;
  codeScanning: boolean;
  log: Logger;
}): Promise<ChangeFacts> {
  const { context, client, log } = options;
  const pr = (options.payload as PullRequestPayload | undefined)?.pull_request;
  const number = context.pullRequest?.number;
  const facts: ChangeFacts = {
    headSha: context.pullRequest?.headSha ?? context.sha,
    ...(number !== undefined ? { pullRequest: number } : {}),
    ...(pr?.user?.login ? { author: { login: pr.user.login, ...(pr.user.type ? { type: pr.user.type } : {}) } } : {}),
    ...(context.pullRequest?.headRef ? { branch: context.pullRequest.headRef } : {}),
  };
  const [owner, repo] = context.repository.split('/');
  if (!client || !owner || !repo) return facts;
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      log.warning(`confidence-router: could not read ${what} (${(error as { status?: number }).status ?? 'error'}); treated as missing`);
      return undefined;
    }
  };
  if (number !== undefined && options.needPaths) {
    const listing = await attempt('the changed files', async () => {
      const paths: string[] = [];
      for (let page = 1; page <= MAX_FILES / 100; page += 1) {
        const { data } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner, repo, pull_number: number, per_page: 100, page });
        const files = Array.isArray(data) ? (data as { filename?: string; previous_filename?: string }[]) : [];
        for (const f of files) for (const name of [f.filename, f.previous_filename]) if (name) paths.push(name);
        if (files.length < 100) break;
      }
      return paths;
    });
    if (listing) {
      const listed = new Set(listing).size;
      const complete = listing.length < MAX_FILES && (pr?.changed_files === undefined || listed >= pr.changed_files);
      facts.changedPaths = { paths: [...new Set(listing)].sort(), complete };
    }
  }
  if (number !== undefined && options.needCommits) {
    const messages = await attempt('the commit messages', async () => {
      const { data } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { owner, repo, pull_number: number, per_page: 100 });
      return (Array.isArray(data) ? (data as { commit?: { message?: string } }[]) : []).map((c) => c.commit?.message ?? '');
    });
    if (messages) facts.commitMessages = messages;
  }
  if (options.codeScanning) {
    const ref = number !== undefined ? `refs/pull/${number}/head` : context.ref;
    const alerts = await attempt('the code-scanning alerts', async () => {
      let total = 0;
      for (let page = 1; page <= 50; page += 1) {
        const { data } = await client.request('GET /repos/{owner}/{repo}/code-scanning/alerts', { owner, repo, ref, state: 'open', per_page: 100, page });
        const items = Array.isArray(data) ? data.length : 0;
        total += items;
        if (items < 100) break;
      }
      return total;
    });
    if (alerts !== undefined) facts.codeScanningAlerts = alerts;
  }
  return facts;
}
