import { describe, expect, it } from 'vitest';
import { sizeRule, ticketRule } from '../../../../packages/core/src/diff/rules/index.js';
import { POLICY_FILE, changes, codes, file, policyOf, run } from './helpers.js';

describe('size', () => {
  it('fails too many files, too many lines, and a sweeping file, each naming its setting', async () => {
    const policy = await policyOf('scope:\n  max-files: 2\n  max-lines: 100\n  max-lines-per-file: 60\n');
    const set = changes([file('a.ts', { added: 70, deleted: 0 }), file('b.ts', { added: 20, deleted: 20 }), file('c.png', { binary: true, added: 0 })]);
    const found = await run(sizeRule(policy, POLICY_FILE), set);
    expect(found.map((f) => [f.code, f.severity, f.decidedBy])).toEqual([
      ['sweeping-file', 'fail', 'scope.max-lines-per-file in .github/agent-gates.yml'],
      ['too-many-files', 'fail', 'scope.max-files in .github/agent-gates.yml'],
      ['too-many-lines', 'fail', 'scope.max-lines in .github/agent-gates.yml'],
    ]);
    expect(found[0]?.path).toBe('a.ts');
    expect(found[2]?.message).toContain('110 changed lines');
  });

  it('passes a change exactly at every limit', async () => {
    const policy = await policyOf('scope:\n  max-files: 2\n  max-lines: 100\n  max-lines-per-file: 60\n');
    expect(await run(sizeRule(policy), changes([file('a.ts', { added: 30, deleted: 30 }), file('b.ts', { added: 40 })]))).toEqual([]);
  });
});

describe('require-ticket', () => {
  const yaml =
    'scope:\n  require-ticket:\n    - paths: ["infra/**/*.tf"]\n      pattern: "\\\\b[A-Z][A-Z0-9]+-[0-9]+\\\\b"\n      reason: infrastructure changes need a change request\n';

  it('fails a change to matching paths when no message names a ticket', async () => {
    const policy = await policyOf(yaml);
    const found = await run(ticketRule(policy, POLICY_FILE), changes([file('infra/prod/main.tf')], { messages: ['Fix the bucket', 'branch: fix-bucket'] }));
    expect(codes(found)).toEqual(['fail ticket-missing infra/prod/main.tf']);
    expect(found[0]?.decidedBy).toBe('scope.require-ticket[0] in .github/agent-gates.yml');
    expect(found[0]?.message).toContain('infrastructure changes need a change request');
  });

  it('fails when there are no messages at all', async () => {
    const found = await run(ticketRule(await policyOf(yaml)), changes([file('infra/main.tf')]));
    expect(codes(found)).toEqual(['fail ticket-missing infra/main.tf']);
  });

  it('passes when a commit message, the title or the branch names one, and says which', async () => {
    const found = await run(
      ticketRule(await policyOf(yaml)),
      changes([file('infra/main.tf')], { messages: ['Resize the cluster', 'feature/OPS-1234-resize'] }),
    );
    expect(codes(found)).toEqual(['pass ticket-found infra/main.tf']);
    expect(found[0]?.message).toContain('"OPS-1234"');
  });

  it('judges each entry on its own', async () => {
    const policy = await policyOf(
      'scope:\n  require-ticket:\n    - paths: [infra/**]\n      pattern: "OPS-[0-9]+"\n    - paths: [db/**]\n      pattern: "DBA-[0-9]+"\n    - paths: [ui/**]\n      pattern: "UI-[0-9]+"\n',
    );
    const found = await run(ticketRule(policy), changes([file('infra/a.tf'), file('db/1.sql'), file('src/x.ts')], { messages: ['OPS-7: resize'] }));
    expect(codes(found)).toEqual(['pass ticket-found infra/a.tf', 'fail ticket-missing db/1.sql']);
  });

  it('asks nothing of a change that does not touch the paths, and judges a rename out of them', async () => {
    const policy = await policyOf(yaml);
    expect(await run(ticketRule(policy), changes([file('src/main.ts')]))).toEqual([]);
    const moved = file('attic/main.tf', { status: 'renamed', oldPath: 'infra/main.tf' });
    expect(codes(await run(ticketRule(policy), changes([moved])))).toEqual(['fail ticket-missing attic/main.tf']);
  });
});
