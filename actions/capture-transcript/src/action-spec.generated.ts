// Generated from action.yml by `pnpm docs`. Do not edit: change action.yml and regenerate.
export const ACTION_SPEC = {
  name: "agent-gates: capture-transcript",
  version: "0.1.0",
  inputs: {
    "path": { description: "Transcript file, or a glob matching exactly one file (for example `${{ steps.claude.outputs.execution_file }}`).", required: true },
    "format": { description: "Transcript format, or `auto` to detect it from the first 64 KiB. One of: auto, claude-code-action, claude-stream-json, claude-json-result, claude-session, claude-session-export, codex-rollout, codex-exec-json, gemini-stream-json, gemini-session, gemini-session-json, gemini-api-recording, copilot-cli, aider, openai-chat, openai-responses, anthropic-messages, cline-api-history, cline-ui-messages, openhands-trajectory, swe-agent-traj, mini-swe-agent-traj, cursor-specstory.", default: "auto" },
    "policy": { description: "Path of the policy file, relative to the workspace. For a change (a pull request, a comment on one, a merge queue group) it is read from the base commit, never from the change; when that base cannot be found the step fails.", default: ".github/agent-gates.yml" },
    "redact": { description: "Redact secrets before the transcript is stored. With `false` a transcript that holds a secret is not uploaded and the verdict is `fail`.", default: "true" },
    "mask-values": { description: "Extra literal values to redact and mask, one per line (pass secrets through `${{ secrets.X }}`).", default: "", sensitive: true },
    "redact-patterns": { description: "Extra regular expressions (JavaScript syntax) to redact, one per line.", default: "" },
    "allowed-tools": { description: "Tools the agent may use, one per line or comma separated, in Claude Code permission syntax (`Read`, `Edit(src/**)`, `Bash(npm test:*)`, `mcp__github__*`). Empty uses the policy; a call outside the list is a violation and fails the gate.", default: "" },
    "artifact-name": { description: "Name of the uploaded artifact. Empty builds one from the job, run id and attempt.", default: "" },
    "retention-days": { description: "Days to keep the artifact (1-90). Empty uses the policy, then the repository default.", default: "" },
    "upload": { description: "Upload the redacted transcript, summary.json and capture.json as an artifact.", default: "true" },
    "summary": { description: "Write a step summary for reviewers.", default: "true" },
    "fail-on": { description: "Which verdict fails the step: `fail`, `warn` (warn or fail), or `never` (outputs only, for the router).", default: "fail" },
    "github-token": { description: "Token for the GitHub API.", default: "${{ github.token }}", sensitive: true },
  },
  outputs: {
    "verdict": { description: "`pass`, `warn` or `fail`." },
    "report": { description: "Path of the gate report on disk (JSON, schema: packages/core/schemas/gate-report.schema.json)." },
    "report-digest": { description: "sha256 of the gate report file (`sha256:<hex>`), the digest later gates and audit records bind." },
    "transcript-file": { description: "Path of the redacted transcript on disk." },
    "transcript-digest": { description: "sha256 of the redacted transcript bytes as stored (`sha256:<hex>`)." },
    "source-digest": { description: "sha256 of the original transcript bytes." },
    "artifact-id": { description: "Id of the uploaded artifact." },
    "artifact-url": { description: "Web URL of the uploaded artifact." },
    "artifact-digest": { description: "sha256 of the uploaded artifact zip, as the artifact service recorded it." },
    "format": { description: "Detected transcript format." },
    "agent": { description: "Agent that wrote the transcript (claude-code, codex, gemini-cli, copilot-cli, aider, ...)." },
    "agent-version": { description: "Version of the agent, where the transcript records it." },
    "model": { description: "Model id in use at the end of the session (the last one seen); `models` lists every one." },
    "models": { description: "JSON array of every model id seen (at most 100; the summary counts any beyond as `modelsOmitted` and the verdict is at least `warn`)." },
    "session-id": { description: "Session id recorded by the agent (the first one; the summary lists every session a file holds as `sessionIds`)." },
    "turns": { description: "Number of user prompts (one meaning in every format; see docs/transcript-formats.md)." },
    "model-calls": { description: "Number of model responses (API calls), subagents included; empty when the format does not record them." },
    "tool-calls": { description: "Number of tool calls." },
    "tools": { description: "JSON object of tool name to call count." },
    "files-touched": { description: "JSON array of paths the agent edited or wrote, relative to the workspace." },
    "outside-workspace": { description: "JSON array of paths the agent wrote outside the workspace (a home directory shown as `~`); any makes the verdict `fail`." },
    "tool-violations": { description: "JSON array of tool calls outside the allow-list ({tool, argument, rule}); any makes the verdict `fail`." },
    "redactions": { description: "Number of secrets redacted." },
    "usage": { description: "JSON of token counts and cost, where the format records them." },
    "summary-file": { description: "Path of the normalised summary JSON (schema: packages/core/schemas/transcript-summary.schema.json)." },
  },
} as const;

export type InputName = keyof typeof ACTION_SPEC.inputs;
export type OutputName = keyof typeof ACTION_SPEC.outputs;
export const INPUT_NAMES = Object.keys(ACTION_SPEC.inputs) as InputName[];
export const OUTPUT_NAMES = Object.keys(ACTION_SPEC.outputs) as OutputName[];
