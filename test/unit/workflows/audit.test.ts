import { describe, expect, it } from 'vitest';
import { auditWorkflow } from '../../../packages/simulator/src/audit.js';

const SHA = '11bd71901bbe5b1630ceea73d27597364c9af683';
const good = `on: pull_request
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@${SHA} # v4.2.2
        with:
          persist-credentials: false
      - id: gate
        uses: acme/agent-gates/actions/diff-scope@diff-scope/v1
      - env:
          TITLE: \${{ github.event.pull_request.title }}
          TOKEN: \${{ secrets.DEPLOY_TOKEN }}
        run: echo "$TITLE \${{ matrix.n }} \${{ github.run_id }}"
`;

const rulesOf = (text: string) => auditWorkflow(text, 'wf.yml').map((f) => f.rule);

describe('workflow audits (what zizmor checks)', () => {
  it('finds nothing in a workflow that keeps every rule', () => {
    expect(auditWorkflow(good, 'wf.yml')).toEqual([]);
  });

  it.each([
    ['template-injection', good.replace('echo "$TITLE', 'echo "${{ github.event.pull_request.title }}')],
    ['template-injection', good.replace('echo "$TITLE', 'echo "${{ steps.gate.outputs.risk }}')],
    ['dangerous-trigger', good.replace('on: pull_request', 'on: pull_request_target')],
    [
      'dangerous-trigger',
      good
        .replace('on: pull_request', 'on:\n  workflow_run:\n    workflows: [ci]\n    types: [completed]')
        .replace('persist-credentials: false', 'persist-credentials: false\n          ref: ${{ github.event.workflow_run.head_sha }}'),
    ],
    ['unpinned-uses', good.replace(`@${SHA} # v4.2.2`, '@v4')],
    ['excessive-permissions', good.replace('permissions: {}\n', '')],
    ['excessive-permissions', good.replace('    permissions:\n      contents: read\n', '')],
    ['artipacked', good.replace('        with:\n          persist-credentials: false\n', '')],
    ['secrets-outside-step', good.replace('    runs-on: ubuntu-latest\n', '    runs-on: ubuntu-latest\n    env:\n      TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n')],
  ])('reports %s', (rule, text) => {
    expect(rulesOf(text)).toContain(rule);
  });
});
