/**
 * The audits zizmor is known for, over a workflow file, for the examples users copy and this
 * repository's own CI (zizmor itself is not reachable here). Each finding names the job and step.
 *
 * - `template-injection`: a `${{ }}` in a `run:` script that reads anything but values the workflow
 *   itself controls. Event fields, gate outputs and inputs go through `env:` and are quoted there.
 * - `dangerous-trigger`: `pull_request_target`, or `workflow_run` that checks out the head of the change.
 * - `unpinned-uses`: a third-party action not pinned to a full commit SHA.
 * - `excessive-permissions`: no top-level `permissions`, or a job without its own.
 * - `artipacked`: an `actions/checkout` that keeps its credentials (`persist-credentials` not false).
 * - `secrets-outside-step`: a secret in workflow- or job-level `env:`, where every step gets it.
 */
import { parse as parseYaml } from 'yaml';

export interface AuditFinding {
  rule: string;
  where: string;
  message: string;
}

type Yaml = Record<string, unknown>;
const isMap = (v: unknown): v is Yaml => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Contexts a `run:` script may read directly: set by the workflow or the runner, never by the change. */
const SAFE_IN_RUN =
  /^(?:matrix|env|runner|job|strategy|secrets)\.|^github\.(?:workspace|run_id|run_attempt|run_number|sha|repository|server_url|api_url|action_path|job)\b/;
/** The project's own gates, referenced by their release tag as users do (see the README on pinning). */
const PROJECT_GATE = /^[\w.-]+\/agent-gates\/actions\/[a-z0-9-]+@[a-z0-9-]+\/v\d+$/;
const HEAD_REF = /github\.event\.(?:pull_request\.head\.(?:sha|ref)|workflow_run\.head_(?:sha|branch))|github\.head_ref/;

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return isMap(on) ? Object.keys(on) : [];
}

export function auditWorkflow(text: string, file: string): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const doc = parseYaml(text) as Yaml;
  const add = (rule: string, where: string, message: string) => findings.push({ rule, where: `${file}: ${where}`, message });
  const on = triggers(doc['on'] ?? doc[true as unknown as string]);
  if (on.includes('pull_request_target'))
    add('dangerous-trigger', 'on', 'pull_request_target runs with a write token and secrets on untrusted changes: use pull_request, then workflow_run');
  if (!isMap(doc['permissions'])) add('excessive-permissions', 'permissions', 'no top-level permissions: set `permissions: {}` and grant per job');
  for (const key of Object.keys(isMap(doc['env']) ? doc['env'] : {})) {
    if (/\$\{\{\s*secrets\./.test(String((doc['env'] as Yaml)[key])))
      add('secrets-outside-step', `env.${key}`, 'a secret in workflow env reaches every step: pass it to the step that needs it');
  }
  const jobs = isMap(doc['jobs']) ? doc['jobs'] : {};
  for (const [id, raw] of Object.entries(jobs)) {
    const job = isMap(raw) ? raw : {};
    if (job['permissions'] === undefined && job['uses'] === undefined) add('excessive-permissions', `job ${id}`, 'the job sets no permissions of its own');
    for (const [key, value] of Object.entries(isMap(job['env']) ? job['env'] : {})) {
      if (/\$\{\{\s*secrets\./.test(String(value)))
        add('secrets-outside-step', `job ${id} env.${key}`, 'a secret in job env reaches every step: pass it to the step that needs it');
    }
    const steps = Array.isArray(job['steps']) ? (job['steps'] as unknown[]) : [];
    steps.forEach((s, i) => {
      const step = isMap(s) ? s : {};
      const where = `job ${id}, step ${typeof step['id'] === 'string' ? step['id'] : typeof step['name'] === 'string' ? step['name'] : i + 1}`;
      const uses = typeof step['uses'] === 'string' ? step['uses'] : undefined;
      const withs = isMap(step['with']) ? step['with'] : {};
      if (typeof step['run'] === 'string') {
        for (const m of step['run'].matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
          const expr = m[1]!.trim();
          if (!SAFE_IN_RUN.test(expr))
            add('template-injection', where, `\`\${{ ${expr} }}\` is expanded into the script before bash reads it: pass it through env and quote it`);
        }
      }
      if (uses && !uses.startsWith('./') && !uses.startsWith('docker://') && !PROJECT_GATE.test(uses) && !/@[0-9a-f]{40}$/.test(uses)) {
        add('unpinned-uses', where, `${uses} is not pinned to a full commit SHA`);
      }
      if (uses?.startsWith('actions/checkout@')) {
        if (withs['persist-credentials'] !== false) add('artipacked', where, 'actions/checkout keeps the token in .git/config: set persist-credentials: false');
        if ((on.includes('workflow_run') || on.includes('pull_request_target')) && typeof withs['ref'] === 'string' && HEAD_REF.test(withs['ref'])) {
          add(
            'dangerous-trigger',
            where,
            `a ${on.includes('workflow_run') ? 'workflow_run' : 'pull_request_target'} run checks out the change's head: it runs untrusted code with a privileged token`,
          );
        }
      }
    });
  }
  return findings;
}
