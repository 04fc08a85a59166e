export const id = 410;
export const ids = [410];
export const modules = {

/***/ 30410:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  ajvProblem: () => (/* binding */ ajvProblem),
  describeValue: () => (/* binding */ describeValue),
  parsePolicyText: () => (/* binding */ parsePolicyText)
});

// EXTERNAL MODULE: ../../packages/core/src/errors.ts
var errors = __webpack_require__(29179);
;// CONCATENATED MODULE: ../../packages/core/src/secrets/pattern-safety.ts
/**
 * User patterns (`redact-patterns`, the policy's `secrets.patterns`) run over every line an agent
 * wrote, so a hostile agent chooses their input. JavaScript regular expressions backtrack and have no
 * time limit: `(a+)+$` over 40 `a`s and a `b` never ends. The shapes that backtrack exponentially are
 * refused when the patterns are loaded:
 *  - a repeated group whose body repeats too (`(a+)+`, `(\w+\s?)*`), unless the body has a character
 *    that must occur once per repetition and that none of its repeated parts can match, which splits
 *    the input unambiguously (`(?:[a-z0-9]+\.)+`, `(?:\s*,\s*\w+)*`);
 *  - a repeated alternation whose branches can start with the same character (`(a|a)*`, `(a|ab)+`).
 * The check is conservative: it may refuse a pattern that would have been fine, and says how to fix it.
 */
/** A repetition bound above this backtracks as badly as an unbounded one on a line of a few hundred characters. */
const MANY = 10;
const ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
function parse(source) {
    let i = 0;
    function quantifier() {
        const c = source[i];
        let q;
        if (c === '*')
            q = { min: 0, max: Infinity };
        else if (c === '+')
            q = { min: 1, max: Infinity };
        else if (c === '?')
            q = { min: 0, max: 1 };
        else if (c === '{') {
            const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
            if (!m)
                return undefined;
            const min = Number(m[1]);
            q = { min, max: m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity };
            i += m[0].length - 1;
        }
        if (!q)
            return undefined;
        i++;
        if (source[i] === '?')
            i++;
        return q;
    }
    function sequence() {
        const alts = [[]];
        while (i < source.length) {
            const c = source[i];
            if (c === ')')
                break;
            if (c === '|') {
                alts.push([]);
                i++;
                continue;
            }
            let node;
            if (c === '(') {
                const prefix = /^\((?:\?(?::|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>))?/.exec(source.slice(i))[0];
                i += prefix.length;
                const inner = sequence();
                i++; // ')'
                node = { kind: 'group', alts: inner, zeroWidth: /^\(\?(?:=|!|<=|<!)/.test(prefix) };
            }
            else if (c === '[') {
                let j = i + 1;
                if (source[j] === '^')
                    j++;
                if (source[j] === ']')
                    j++;
                while (j < source.length && source[j] !== ']')
                    j += source[j] === '\\' ? 2 : 1;
                node = { kind: 'atom', src: source.slice(i, j + 1) };
                i = j + 1;
            }
            else if (c === '\\') {
                const m = /^\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|[pP]\{[^}]*\}|k<[^>]*>|\d+|[\s\S])/.exec(source.slice(i));
                node = { kind: 'atom', src: m[0] };
                i += m[0].length;
            }
            else {
                node = { kind: 'atom', src: c };
                i++;
            }
            const q = quantifier();
            if (q)
                node.quant = q;
            alts[alts.length - 1].push(node);
        }
        return alts;
    }
    const alts = sequence();
    return alts;
}
const ZERO_WIDTH = /^(?:\^|\$|\\[bB])$/;
/** The ASCII characters an atom can match (all of them when that cannot be told). */
function matches(src, flags) {
    if (ZERO_WIDTH.test(src))
        return new Set();
    if (/^\\(?:\d|k<)/.test(src))
        return new Set(ASCII);
    try {
        const re = new RegExp(`^(?:${src})$`, flags.replace(/[gyd]/g, ''));
        return new Set(ASCII.filter((ch) => re.test(ch)));
    }
    catch {
        return new Set(ASCII);
    }
}
function leaves(nodes, out = []) {
    for (const n of nodes) {
        if (n.kind === 'atom')
            out.push(n.src);
        else if (!n.zeroWidth)
            for (const alt of n.alts)
                leaves(alt, out);
    }
    return out;
}
/** The atoms under a repetition (max above one) anywhere in `nodes`. */
function repeatedLeaves(nodes, out = []) {
    for (const n of nodes) {
        if (n.kind === 'group' && n.zeroWidth)
            continue;
        if (n.quant && n.quant.max > 1)
            leaves([n], out);
        else if (n.kind === 'group')
            for (const alt of n.alts)
                repeatedLeaves(alt, out);
    }
    return out;
}
function firstLeaf(nodes) {
    for (const n of nodes) {
        if (n.kind === 'atom') {
            if (ZERO_WIDTH.test(n.src))
                continue;
            return n.src;
        }
        if (n.zeroWidth)
            continue;
        return n.alts.length === 1 ? firstLeaf(n.alts[0]) : null;
    }
    return null;
}
function problemIn(alts, flags) {
    for (const alt of alts)
        for (const n of alt) {
            if (n.kind !== 'group' || n.zeroWidth)
                continue;
            if (n.quant && n.quant.max > MANY) {
                if (n.alts.length > 1) {
                    const firsts = n.alts.map((a) => firstLeaf(a));
                    const sets = firsts.map((f) => (f === null ? new Set(ASCII) : matches(f, flags)));
                    for (let a = 0; a < sets.length; a++)
                        for (let b = a + 1; b < sets.length; b++)
                            if ([...sets[a]].some((ch) => sets[b].has(ch)))
                                return 'repeats an alternation whose branches can start with the same character (like (a|a)*)';
                }
                const inner = repeatedLeaves(n.alts.flat());
                if (inner.length) {
                    const innerSets = inner.map((src) => matches(src, flags));
                    const separated = n.alts.length === 1 &&
                        n.alts[0].some((m) => {
                            if (m.kind !== 'atom' || (m.quant && m.quant.min === 0) || (m.quant && m.quant.max > 1))
                                return false;
                            const own = matches(m.src, flags);
                            return own.size > 0 && [...own].every((ch) => innerSets.every((s) => !s.has(ch)));
                        });
                    if (!separated)
                        return 'repeats a group that repeats inside too (like (a+)+), which can take exponential time';
                }
            }
            const nested = problemIn(n.alts, flags);
            if (nested)
                return nested;
        }
    return undefined;
}
/** Why a JavaScript pattern could backtrack without end on a hostile line, or undefined when it cannot. */
function catastrophicShape(source, flags = '') {
    return problemIn(parse(source), flags);
}

;// CONCATENATED MODULE: ../../packages/core/src/secrets/translate.ts
/**
 * Go RE2 → JavaScript regex translation for gitleaks' rule set.
 *
 * Node 20 has no scoped inline modifiers, and no engine has RE2's "flag applies from here to the end of
 * the enclosing group" form (`p8e-(?i)[a-z0-9]{32}`). When a pattern mixes case-sensitive and
 * case-insensitive spans we drop the JS `i` flag and spell the insensitive spans out as explicit case
 * classes; when the whole pattern has one sensitivity we keep the cheap `i` flag.
 */
/**
 * JS backtracks where RE2 does not, so an unbounded `.*` after a common keyword (curl rules) can go
 * quadratic on a long line. A dot run longer than this is not part of any real credential context.
 */
const DOT_RUN_LIMIT = 256;
const POSIX_CLASSES = {
    alnum: 'a-zA-Z0-9',
    alpha: 'a-zA-Z',
    digit: '0-9',
    lower: 'a-z',
    upper: 'A-Z',
    space: '\\t\\n\\v\\f\\r ',
    xdigit: '0-9a-fA-F',
    word: '\\w',
    punct: '!-\\/:-@\\[-`{-~',
};
const isLetter = (c) => /^[A-Za-z]$/.test(c);
/** Parses `(?flags)` / `(?flags:` at `i` (pointing at `(`); returns null when it is another group kind. */
function readFlagGroup(src, i) {
    const m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(src.slice(i, i + 16));
    if (!m || (m[1] === '' && (m[2] ?? '') === ''))
        return null;
    return { on: m[1] ?? '', off: m[2] ?? '', scoped: m[3] === ':', end: i + m[0].length };
}
function hasCaseToggles(src) {
    for (let i = 0; i < src.length; i++) {
        if (src[i] === '\\') {
            i++;
            continue;
        }
        if (src[i] === '(') {
            const g = readFlagGroup(src, i);
            if (g && (g.on.includes('i') || g.off.includes('i')))
                return true;
        }
    }
    return false;
}
/** Adds the other case to every letter and letter range of a class body (already JS syntax). */
function foldClassBody(items) {
    const extra = [];
    for (const item of items) {
        const range = /^([A-Za-z])-([A-Za-z])$/.exec(item);
        if (range) {
            const [, a, b] = range;
            const bothLower = a >= 'a' && b <= 'z' && a <= b;
            const bothUpper = a >= 'A' && b <= 'Z' && a <= b;
            if (bothLower)
                extra.push(`${a.toUpperCase()}-${b.toUpperCase()}`);
            else if (bothUpper)
                extra.push(`${a.toLowerCase()}-${b.toLowerCase()}`);
        }
        else if (item.length === 1 && isLetter(item)) {
            extra.push(item === item.toLowerCase() ? item.toUpperCase() : item.toLowerCase());
        }
    }
    return items.join('') + extra.join('');
}
/** Reads a bracket class starting at `i` (`[`); returns its JS form and the index after `]`. */
function readClass(src, i, ci) {
    let j = i + 1;
    let negate = '';
    if (src[j] === '^') {
        negate = '^';
        j++;
    }
    const items = [];
    let first = true;
    while (j < src.length && (src[j] !== ']' || first)) {
        first = false;
        if (src.startsWith('[:', j)) {
            const close = src.indexOf(':]', j);
            const name = src.slice(j + 2, close);
            const expansion = POSIX_CLASSES[name];
            if (close < 0 || expansion === undefined)
                throw new Error(`unsupported POSIX class at ${j}`);
            items.push(expansion);
            j = close + 2;
            continue;
        }
        let atom;
        if (src[j] === '\\') {
            atom = src.slice(j, j + 2);
            if (atom === '\\x')
                atom = src.slice(j, j + 4);
            j += atom.length;
        }
        else if (src[j] === '[') {
            atom = '\\[';
            j++;
        }
        else {
            atom = src[j];
            j++;
        }
        // A range a-z: keep as one item so folding sees it.
        if (src[j] === '-' && src[j + 1] !== undefined && src[j + 1] !== ']') {
            let hi;
            if (src[j + 1] === '\\') {
                hi = src.slice(j + 1, j + 3);
                if (hi === '\\x')
                    hi = src.slice(j + 1, j + 5);
            }
            else
                hi = src[j + 1];
            items.push(`${atom}-${hi}`);
            j += 1 + hi.length;
            continue;
        }
        items.push(atom);
    }
    if (src[j] !== ']')
        throw new Error(`unterminated class at ${i}`);
    const body = ci ? foldClassBody(items) : items.join('');
    return { out: `[${negate}${body}]`, end: j + 1 };
}
/** Leading `[\w.-]{0,50}?` only widens where a match starts; dropping it keeps the same secrets and
 * removes 50 backtracking steps at every position of every line that holds a keyword. */
function dropLazyPrefix(src) {
    const prefix = '[\\w.-]{0,50}?';
    let s = src;
    const lead = s.startsWith('(?i)') ? '(?i)' : '';
    s = s.slice(lead.length);
    if (s.startsWith(prefix))
        s = s.slice(prefix.length);
    if (s.startsWith('(?i:' + prefix))
        s = '(?i:' + s.slice(4 + prefix.length);
    return lead + s;
}
function translateGoRegex(goSource, options = {}) {
    let src = options.dropLeadingContext ? dropLazyPrefix(goSource) : goSource;
    let leadingCi = false;
    if (src.startsWith('(?i)')) {
        leadingCi = true;
        src = src.slice(4);
    }
    const expand = hasCaseToggles(src);
    const stack = [{ ci: leadingCi, dotAll: false }];
    let out = '';
    const top = () => stack[stack.length - 1];
    let i = 0;
    while (i < src.length) {
        const c = src[i];
        if (c === '\\') {
            const next = src[i + 1];
            if (next === 'z')
                out += '$';
            else if (next === 'A')
                out += '^';
            else if (next === 'Q' || next === 'E' || next === 'C' || next === 'p' || next === 'P')
                throw new Error(`unsupported escape \\${next}`);
            else if (next === 'x') {
                out += src.slice(i, i + 4);
                i += 4;
                continue;
            }
            else if (expand && top().ci && next !== undefined && isLetter(next) && !/[wWdDsSbBnrtfv]/.test(next))
                out += `[${next.toLowerCase()}${next.toUpperCase()}]`;
            else
                out += src.slice(i, i + 2);
            i += 2;
            continue;
        }
        if (c === '[') {
            const cls = readClass(src, i, expand && top().ci);
            out += cls.out;
            i = cls.end;
            continue;
        }
        if (c === '(') {
            const flagGroup = readFlagGroup(src, i);
            if (flagGroup) {
                const f = { ...top() };
                if (flagGroup.on.includes('i'))
                    f.ci = true;
                if (flagGroup.off.includes('i'))
                    f.ci = false;
                if (flagGroup.on.includes('s'))
                    f.dotAll = true;
                if (flagGroup.off.includes('s'))
                    f.dotAll = false;
                for (const flag of flagGroup.on + flagGroup.off)
                    if (flag !== 'i' && flag !== 's')
                        throw new Error(`unsupported flag ${flag}`);
                if (flagGroup.scoped) {
                    stack.push(f);
                    out += '(?:';
                }
                else {
                    stack[stack.length - 1] = f;
                }
                i = flagGroup.end;
                continue;
            }
            if (src.startsWith('(?P<', i)) {
                out += '(?<';
                i += 4;
            }
            else if (src.startsWith('(?:', i)) {
                out += '(?:';
                i += 3;
            }
            else {
                out += '(';
                i += 1;
            }
            stack.push({ ...top() });
            continue;
        }
        if (c === ')') {
            if (stack.length > 1)
                stack.pop();
            out += ')';
            i++;
            continue;
        }
        if (c === '.') {
            out += top().dotAll ? '[\\s\\S]' : '[^\\n]';
            i++;
            const q = src[i];
            if (q === '*' || q === '+') {
                out += q === '*' ? `{0,${DOT_RUN_LIMIT}}` : `{1,${DOT_RUN_LIMIT}}`;
                i++;
            }
            continue;
        }
        if (expand && top().ci && isLetter(c)) {
            out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
            i++;
            continue;
        }
        out += c;
        i++;
    }
    const flags = !expand && leadingCi ? 'i' : '';
    return { source: out, flags };
}

// EXTERNAL MODULE: ../../packages/core/src/policy/defaults.ts + 1 modules
var defaults = __webpack_require__(49842);
// EXTERNAL MODULE: ../../packages/core/src/policy/glob.ts
var policy_glob = __webpack_require__(25559);
;// CONCATENATED MODULE: ../../packages/core/src/policy/policy-validate.generated.js
// Generated by scripts/gen-policy-artifacts.ts from packages/core/schemas/policy.schema.json. Do not edit: run `pnpm generate`.
/* eslint-disable */
function ucs2length(str) {
    const len = str.length;
    let length = 0;
    let pos = 0;
    let value;
    while (pos < len) {
        length++;
        value = str.charCodeAt(pos++);
        if (value >= 0xd800 && value <= 0xdbff && pos < len) {
            // high surrogate, and there is a next character
            value = str.charCodeAt(pos);
            if ((value & 0xfc00) === 0xdc00)
                pos++; // low surrogate
        }
    }
    return length;
}

const validate = (/* unused pure expression or super */ null && (validate10));
/* harmony default export */ const policy_validate_generated = (validate10);
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://agent-gates.dev/schemas/policy.schema.json","title":"agent-gates policy","description":"The one policy file of agent-gates, `.github/agent-gates.yml`. Every gate reads its own section; an action input overrides a single value. The file is optional: without it every gate runs with the defaults below. On pull requests the file is read from the base commit, so a change cannot loosen the rules that judge it. Unknown keys are errors, so a typo never silently loosens a rule.","type":"object","additionalProperties":false,"required":["version"],"properties":{"version":{"description":"Version of the policy format. Required when the file exists; this release understands `1`.","const":1},"models":{"description":"Which models may produce a change (read by verify-manifest and capture-transcript).","type":"object","additionalProperties":false,"default":{},"properties":{"allowed":{"description":"Model ids that may produce a change, as globs (`*` matches any run of characters), for example `claude-sonnet-4-5-*` or `gpt-5-codex`. `[\"*\"]` allows any model; an empty list allows none.","type":"array","default":["*"],"maxItems":200,"items":{"$ref":"#/definitions/modelPattern"}},"denied":{"description":"Model ids refused even when `allowed` matches them, as globs.","type":"array","default":[],"maxItems":200,"items":{"$ref":"#/definitions/modelPattern"}},"require-pinned":{"description":"Require a pinned model id (a dated snapshot such as `claude-sonnet-4-5-20250929`, not a moving alias such as `claude-sonnet-4-5` or `*-latest`), so the record says exactly which model wrote the change. verify-manifest also accepts an alias whose manifest `version` is exact (`1.4.2`, `2025-09-29`), never `latest`, a range or a wildcard.","type":"boolean","default":true},"require-seed":{"description":"Require the manifest to record the `random_seed` the model ran with, so the generation can be repeated.","type":"boolean","default":false},"max-temperature":{"description":"Highest sampling `temperature` a manifest may record. Unset (the default) sets no limit; a manifest without `temperature` is not judged by it.","type":"number","minimum":0,"maximum":10},"max-age":{"description":"Oldest a manifest's `timestamp` may be when the gate runs, as a number and a unit: `90m`, `36h`, `30d`, `2w`. Unset (the default) sets no limit. A timestamp more than 5 minutes in the future always fails, whatever this says.","type":"string","pattern":"^[1-9][0-9]{0,5}[mhdw]$"}}},"signing":{"description":"Whether the agent's manifest must be signed, and by whom (read by verify-manifest).","type":"object","additionalProperties":false,"default":{},"properties":{"required":{"description":"Fail when the manifest is unsigned or its signature does not verify against `identities` or `keys`. When false an unsigned manifest is reported and lowers the router's confidence, but does not fail the gate.","type":"boolean","default":false},"identities":{"description":"Keyless (sigstore) signers accepted: each entry names the OIDC issuer and either the exact certificate subject or a regular expression over it.","type":"array","default":[],"maxItems":100,"items":{"type":"object","additionalProperties":false,"required":["issuer"],"properties":{"issuer":{"description":"OIDC issuer URL of the signing certificate, for example `https://token.actions.githubusercontent.com`.","type":"string","minLength":1,"maxLength":500},"subject":{"description":"Exact certificate subject (SAN), for example `https://github.com/acme/agents/.github/workflows/agent.yml@refs/heads/main`. Give this or `subject-regex`, not both.","type":"string","minLength":1,"maxLength":1000},"subject-regex":{"description":"JavaScript regular expression the whole certificate subject must match (it is anchored for you). Give this or `subject`, not both.","type":"string","minLength":1,"maxLength":1000}}}},"keys":{"description":"Repository-relative paths of public keys (PEM) accepted for key-based signatures. They are read from the same commit as the policy.","type":"array","default":[],"maxItems":50,"items":{"$ref":"#/definitions/repoPath"}}}},"scope":{"description":"Which files a change may touch, how big it may be, and what its added lines may hold (read by diff-scope). Globs are matched against repository-relative paths: `*` stays within one folder, `**` crosses folders, `?` is one character, `{a,b}` is either. A rename is judged under its old and its new path, a copy under its new one. Every finding says which setting decided it, for example `scope.denied-paths[0] in .github/agent-gates.yml` or `default: dependency manifests`. Whatever the settings say, a file name holding control, bidirectional-override or invisible characters is a violation (`fail`), and one that is not valid UTF-8 is a warning.","type":"object","additionalProperties":false,"default":{},"properties":{"allowed-paths":{"description":"Every changed file must match one of these globs; a file outside them is a scope violation (`fail`). The default `[\"**\"]` allows every path.","type":"array","default":["**"],"maxItems":500,"items":{"$ref":"#/definitions/pathGlob"}},"protected-paths":{"description":"Extra globs of high-risk files: a change touching one is never auto-approved (a `warn` finding, risk tier `high`). They are added to the default protected set (see `protect-agent-instructions`), never replace it. The policy file itself is always protected, and a change to it is a violation (`fail`, tier `critical`): the base commit's policy judges the change.","type":"array","default":[],"maxItems":500,"items":{"$ref":"#/definitions/pathGlob"}},"protect-agent-instructions":{"description":"Protect the default set, each group reported under its own name: agent instructions and CI workflows (tier `critical`: `.github/workflows/**`, `.github/actions/**`, `**/CLAUDE.md`, `**/AGENTS.md`, `**/GEMINI.md`, `**/.claude/**`, `**/.cursor/**`, `**/.windsurfrules`, `**/.clinerules`, `**/.roo/**`, `**/.continue/**`, `**/CONVENTIONS.md` (Aider), `**/.codex/**`, `**/.amazonq/**`, `**/.junie/**`, `.github/copilot-instructions.md`, `**/.mcp.json`, CODEOWNERS and the like); dependency manifests and lockfiles of every major ecosystem matched by base name anywhere (tier `high`: `package.json`, `pnpm-lock.yaml`, `requirements*.txt`, `pyproject.toml`, `go.mod`, `Cargo.lock`, `Gemfile.lock`, `pom.xml`, `*.csproj`…); `CODEOWNERS` and `SECURITY.md` anywhere; CI configuration outside dot-folders (`.gitlab-ci.yml`, `Jenkinsfile`, `.gitattributes`, `.gitmodules`…); every top-level dot-folder (`.*/**`); and documents agents read as context (tier `medium`: `README.md`, `CONTRIBUTING.md`, `CHANGELOG.md`…). The full lists are below. Setting it to false removes the whole default set; the policy file itself stays protected whatever this says.","type":"boolean","default":true},"max-files":{"description":"Most files one change may touch (added, modified, deleted, renamed or copied); more is a violation (`fail`).","type":"integer","minimum":1,"maximum":100000,"default":100},"max-lines":{"description":"Most changed lines (added plus deleted, binary files not counted) in one change; more is a violation (`fail`).","type":"integer","minimum":1,"maximum":10000000,"default":2000},"forbid-binary":{"description":"Treat a binary file added or changed by the change as a scope violation (`fail`): a reviewer cannot read it. When false it is listed (`pass`, tier `medium`).","type":"boolean","default":true},"denied-paths":{"description":"Globs no change may touch, whatever `allowed-paths` says: a file matching one is a violation (`fail`, tier `high`), for example `secrets/**` or `**/*.pem`.","type":"array","default":[],"maxItems":500,"items":{"$ref":"#/definitions/pathGlob"}},"max-lines-per-file":{"description":"Most changed lines (added plus deleted) in any one file: the \"sweeping diff\" check. A file over it is a violation (`fail`, tier `medium`): an agent rewrote what it was asked to touch.","type":"integer","minimum":1,"maximum":10000000,"default":1000},"risk-tiers":{"description":"Risk tiers for paths: a change touching a file that matches an entry's `paths` reaches at least that entry's `tier`. The change's tier is the highest any entry or finding reaches, never lowered by anything else: a floor the router may raise but never lower. Without a matching entry or finding a change is `low`.","type":"array","default":[],"maxItems":200,"items":{"type":"object","additionalProperties":false,"required":["paths","tier"],"properties":{"paths":{"description":"Globs of the files this tier applies to.","type":"array","minItems":1,"maxItems":200,"items":{"$ref":"#/definitions/pathGlob"}},"tier":{"description":"The tier a change touching them reaches at least.","type":"string","enum":["low","medium","high","critical"]},"reason":{"description":"Why, shown in the report next to the tier.","type":"string","minLength":1,"maxLength":500}}}},"require-ticket":{"description":"Changes to some paths need a ticket: when a changed file matches an entry's `paths`, a match of its `pattern` must appear in the pull request's title, body or branch name or in a commit message; otherwise it is a violation (`fail`, tier `medium`).","type":"array","default":[],"maxItems":100,"items":{"type":"object","additionalProperties":false,"required":["paths","pattern"],"properties":{"paths":{"description":"Globs of the files that need a ticket, for example `infra/**/*.tf`.","type":"array","minItems":1,"maxItems":200,"items":{"$ref":"#/definitions/pathGlob"}},"pattern":{"description":"JavaScript regular expression of a ticket id, for example `\\b[A-Z][A-Z0-9]+-[0-9]+\\b` (Jira) or `#[0-9]+`. It must not match the empty string.","type":"string","minLength":1,"maxLength":1000},"reason":{"description":"Why these paths need a ticket, shown with the finding.","type":"string","minLength":1,"maxLength":500}}}},"forbid":{"description":"Content not allowed in the lines a change adds: each added line of a file matching `paths` is tested against `regex`, and a match is a violation (`fail`, tier `high`) reported with `message` at that line. Examples: network calls in generated tests, `eval(`, `child_process` in generated code. The matched text is never printed.","type":"array","default":[],"maxItems":200,"items":{"type":"object","additionalProperties":false,"required":["regex","message"],"properties":{"paths":{"description":"Globs of the files the entry applies to; every file when left out.","type":"array","default":["**"],"minItems":1,"maxItems":200,"items":{"$ref":"#/definitions/pathGlob"}},"regex":{"description":"JavaScript regular expression tested against each added line, for example `\\beval\\(`. It must not match the empty string, and shapes that backtrack without end (`(a+)+`) are refused.","type":"string","minLength":1,"maxLength":1000},"message":{"description":"What a reviewer reads at the line, for example `generated tests must not call the network`.","type":"string","minLength":1,"maxLength":500,"pattern":"\\S"}}}},"tests":{"description":"What a change may do to tests. Test files are recognised by each ecosystem's conventions (JS/TS, Python, Go, Java/Kotlin, Rust, Ruby).","type":"object","additionalProperties":false,"default":{},"properties":{"allow-deleted":{"description":"Allow a change to delete a test file. When false a deleted test file is a violation (`fail`).","type":"boolean","default":false},"allow-skipped":{"description":"Allow newly skipped or focused tests (`.skip`, `xit`, `it.only`, `fdescribe`, `@pytest.mark.skip`, `t.Skip`, `@Disabled`, `#[ignore]`, `pending`…). When false each is a violation (`fail`).","type":"boolean","default":false},"allow-fewer":{"description":"Allow a test file to end with fewer test cases than it had. When false a net loss is a violation (`fail`).","type":"boolean","default":false}}},"dependencies":{"description":"What a change may do to dependencies, read from manifests and lockfiles with each format's parser. New dependencies are always listed in the report as a risk signal.","type":"object","additionalProperties":false,"default":{},"properties":{"allow-downgrade":{"description":"Allow a dependency's version to decrease. When false a downgrade is a violation (`fail`).","type":"boolean","default":false},"allow-registry-change":{"description":"Allow a dependency's source (registry host, git URL, index) to change. When false such a change is a violation (`fail`).","type":"boolean","default":false}}},"allow-executable":{"description":"Allow a change to add a file with the executable bit or set it on an existing file. When false that is a violation (`fail`, tier `high`); when true it is listed (`pass`, tier `medium`).","type":"boolean","default":false},"allow-symlinks":{"description":"Allow a change to add a symbolic link or change where one points. When false that is a violation (`fail`, tier `high`). A link that points out of the repository (an absolute target such as `/etc/passwd`, or `../..` past the root) or into `.git` is a violation whatever this says (`fail`, tier `critical`).","type":"boolean","default":false},"allow-submodules":{"description":"Allow a change to add, move, remove or update a git submodule. When false that is a violation (`fail`, tier `high`).","type":"boolean","default":false},"require-claimed":{"description":"When the agent's claimed files are given (diff-scope's `claimed-files`), a changed file the agent never claimed is a violation (`fail`, tier `high`); when false it is a warning. A claimed file that is not in the change is always a warning.","type":"boolean","default":true}}},"secrets":{"description":"How secrets found in the diff and the transcript are handled. Found values are masked and never printed; reports carry a rule id and a fingerprint.","type":"object","additionalProperties":false,"default":{},"properties":{"fail-on":{"description":"Lowest verdict that fails the step: `fail` fails on a finding, `warn` also fails on warnings, `never` reports without failing (the router still sees the finding).","type":"string","enum":["fail","warn","never"],"default":"fail"},"disabled-rules":{"description":"Ids of built-in detection rules to switch off, for example `generic-api-key`.","type":"array","default":[],"maxItems":500,"items":{"$ref":"#/definitions/ruleId"}},"patterns":{"description":"Extra detection rules for secrets specific to your organisation.","type":"array","default":[],"maxItems":200,"items":{"type":"object","additionalProperties":false,"required":["id","regex"],"properties":{"id":{"description":"Rule id reported with each finding, for example `acme-deploy-token`.","type":"string","minLength":1,"maxLength":100,"pattern":"^[A-Za-z0-9][A-Za-z0-9._-]*$"},"regex":{"description":"JavaScript regular expression matching the secret, for example `acme_[A-Za-z0-9]{32}`.","type":"string","minLength":1,"maxLength":1000},"description":{"description":"What the rule finds, shown next to its findings.","type":"string","maxLength":500}}}},"allow":{"description":"Findings to accept, each with the reason a reviewer will read. An entry matches a finding when every criterion it gives matches; it must give `paths` or `regex`.","type":"array","default":[],"maxItems":500,"items":{"type":"object","additionalProperties":false,"required":["reason"],"properties":{"paths":{"description":"Globs of files whose findings are accepted, for example `test/fixtures/**`.","type":"array","minItems":1,"maxItems":100,"items":{"$ref":"#/definitions/pathGlob"}},"regex":{"description":"JavaScript regular expression the found value must match, for documented example values such as `AKIAIOSFODNN7EXAMPLE`. Never put a real secret here.","type":"string","minLength":1,"maxLength":1000},"rules":{"description":"Rule ids the entry applies to; without it the entry applies to every rule.","type":"array","minItems":1,"maxItems":100,"items":{"$ref":"#/definitions/ruleId"}},"reason":{"description":"Why these findings are acceptable; shown in the report.","type":"string","minLength":1,"maxLength":1000,"pattern":"\\S"}}}}}},"transcript":{"description":"How the agent's transcript is captured, redacted and kept, and which tool calls it may contain (read by capture-transcript). Values to mask come from the gate's inputs and secrets, never from this file.","type":"object","additionalProperties":false,"default":{},"properties":{"redact":{"description":"Redact secrets and `redact-patterns` from the transcript before it is stored.","type":"boolean","default":true},"allowed-tools":{"description":"Tool calls the agent may make, as Claude Code permission rules: `Read`, `Edit(src/**)`, `Bash(npm test:*)`, `Bash(git status)`, `WebFetch(domain:example.com)`, `mcp__github__*`. `*` allows every tool. A call matching none is a tool violation. A prefix rule such as `Bash(npm test:*)` never allows a command that chains another one (`;`, `&&`, `||`, `|`, `&`, backticks, `$(`, redirections, new lines).","type":"array","default":["*"],"maxItems":500,"items":{"$ref":"#/definitions/toolPattern"}},"denied-tools":{"description":"Tool calls that are violations even when `allowed-tools` allows them, in the same syntax. A denied command is found in any part of a chained command too, and in every shell tool: `Bash(curl:*)` also denies `curl` run through Codex's `exec_command` or typed into a running shell with `write_stdin`.","type":"array","default":[],"maxItems":500,"items":{"$ref":"#/definitions/toolPattern"}},"redact-patterns":{"description":"Extra JavaScript regular expressions whose matches are redacted from the transcript, for example internal host names.","type":"array","default":[],"maxItems":200,"items":{"type":"string","minLength":1,"maxLength":1000}},"retention-days":{"description":"Days the transcript artifact is kept.","type":"integer","minimum":1,"maximum":90,"default":30},"max-bytes":{"description":"Largest transcript accepted, in bytes. A larger one is not truncated silently: the gate fails, because a partial record is not a record. Line-oriented formats (JSONL, Aider) stream in bounded memory; single-JSON formats are read whole and are also capped at 256 MiB.","type":"integer","minimum":1024,"maximum":17179869184,"default":2147483648},"allow-outside-workspace":{"description":"Accept writes the agent made outside the workspace (the home directory, `/etc`, a `..` escape) with a warning instead of failing the gate. They are listed in `outside-workspace` either way. Leave it off unless the agent is meant to write there, for example a cache it manages.","type":"boolean","default":false}}},"routing":{"description":"How confidence-router turns the gates' signals into `auto_approve`, `human_review` or `reject`.","type":"object","additionalProperties":false,"default":{},"properties":{"auto-approve-threshold":{"description":"Lowest confidence (0 to 1) at which a change with no `require-human-for` reason may merge without a person. The default for every risk tier that `thresholds` does not name.","type":"number","minimum":0,"maximum":1,"default":0.9},"reject-threshold":{"description":"Confidence (0 to 1) below which a change is rejected. Must be lower than every auto-approve threshold; between the two a person decides.","type":"number","minimum":0,"maximum":1,"default":0.3},"thresholds":{"description":"Auto-approve thresholds per risk tier (`low`, `medium`, `high`), for every author; a tier not named uses `auto-approve-threshold`. `critical` is never auto-approved. Typical: `{low: 0.6, medium: 0.75, high: 0.9}`.","type":"object","additionalProperties":false,"default":{},"properties":{"low":{"description":"Lowest confidence at which a `low`-risk change may merge without a person.","type":"number","minimum":0,"maximum":1},"medium":{"description":"Lowest confidence at which a `medium`-risk change may merge without a person.","type":"number","minimum":0,"maximum":1},"high":{"description":"Lowest confidence at which a `high`-risk change may merge without a person.","type":"number","minimum":0,"maximum":1}}},"agent-thresholds":{"description":"Thresholds per risk tier for changes authored by an agent, over `thresholds`.","type":"object","additionalProperties":false,"default":{},"properties":{"low":{"description":"Lowest confidence at which a `low`-risk change may merge without a person.","type":"number","minimum":0,"maximum":1},"medium":{"description":"Lowest confidence at which a `medium`-risk change may merge without a person.","type":"number","minimum":0,"maximum":1},"high":{"description":"Lowest confidence at which a `high`-risk change may merge without a person.","type":"number","minimum":0,"maximum":1}}},"human-thresholds":{"description":"Thresholds per risk tier for changes authored by a person, over `thresholds`.","type":"object","additionalProperties":false,"default":{},"properties":{"low":{"description":"Lowest confidence at which a `low`-risk change may merge without a person.","type":"number","minimum":0,"maximum":1},"medium":{"description":"Lowest confidence at which a `medium`-risk change may merge without a person.","type":"number","minimum":0,"maximum":1},"high":{"description":"Lowest confidence at which a `high`-risk change may merge without a person.","type":"number","minimum":0,"maximum":1}}},"require-human-for":{"description":"Signals that always send a change to a person, whatever its confidence.","type":"array","default":["protected-path","secret-finding","tool-violation","scope-violation","missing-signal"],"uniqueItems":true,"items":{"type":"string","enum":["protected-path","secret-finding","tool-violation","scope-violation","missing-signal","unsigned-manifest","unpinned-model","binary-file","large-change","dependency-change"]}},"unknown":{"description":"What happens when a signal is missing, unreadable or from a gate version the router does not understand. Never auto-approval.","type":"string","enum":["human_review","reject"],"default":"human_review"},"expected-signals":{"description":"Gates whose outputs must be in the router's `signals`; an absent one routes to `unknown` (never to approval).","type":"array","uniqueItems":true,"default":["capture-transcript","verify-manifest","diff-scope"],"items":{"type":"string","enum":["capture-transcript","verify-manifest","diff-scope"]}},"on-gate-fail":{"description":"What a gate's hard failure (verdict `fail`, a secret, a denied path, an invalid manifest) does, per gate: `reject` or `human_review`.","type":"object","additionalProperties":false,"default":{},"properties":{"capture-transcript":{"description":"On a hard failure of capture-transcript.","type":"string","enum":["reject","human_review"],"default":"reject"},"verify-manifest":{"description":"On a hard failure of verify-manifest.","type":"string","enum":["reject","human_review"],"default":"reject"},"diff-scope":{"description":"On a hard failure of diff-scope.","type":"string","enum":["reject","human_review"],"default":"reject"}}},"weights":{"description":"Weight of each normalised signal (0 to 1) in the confidence. A signal that was not given counts as 0 at its weight (missing evidence never helps); set a weight to 0 to leave the signal out.","type":"object","additionalProperties":false,"default":{},"properties":{"gates":{"description":"The gates' verdicts: pass 1, warn 0.5, fail or missing 0, averaged over `expected-signals`.","type":"number","minimum":0,"maximum":100,"default":0.4},"tests":{"description":"`tests`: passed 1, failed 0.","type":"number","minimum":0,"maximum":100,"default":0.2},"review-score":{"description":"`review-score` divided by 100.","type":"number","minimum":0,"maximum":100,"default":0.2},"agent-confidence":{"description":"`agent-confidence` as given (0 to 1).","type":"number","minimum":0,"maximum":100,"default":0.1},"vulnerabilities":{"description":"`vulnerabilities` or open code-scanning alerts: none 1, otherwise 1/(1+count).","type":"number","minimum":0,"maximum":100,"default":0.1}}},"path-tiers":{"description":"Risk tiers for changed paths: the highest tier of any matching entry raises the change's tier (never lowers it).","type":"array","default":[],"items":{"type":"object","additionalProperties":false,"required":["paths","tier"],"properties":{"paths":{"type":"array","minItems":1,"items":{"$ref":"#/definitions/pathGlob"},"description":"Globs over changed paths."},"tier":{"type":"string","enum":["low","medium","high","critical"],"description":"The tier a change touching one of `paths` reaches at least."}}}},"reviewers":{"description":"Role-based review: changed paths matching `paths` request these `users` and `teams` (team slugs of the repository's organisation).","type":"array","default":[],"items":{"type":"object","additionalProperties":false,"required":["paths"],"properties":{"paths":{"type":"array","minItems":1,"items":{"$ref":"#/definitions/pathGlob"},"description":"Globs over changed paths."},"users":{"type":"array","default":[],"items":{"type":"string","pattern":"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"},"description":"GitHub logins to request a review from."},"teams":{"type":"array","default":[],"items":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"},"description":"Team slugs to request a review from."}}}},"agent-authors":{"description":"How `author-kind: auto` recognises an agent: pull request author logins (globs), head branch prefixes, and commit message trailers (case-insensitive prefixes of a line).","type":"object","additionalProperties":false,"default":{},"properties":{"logins":{"type":"array","default":["*[bot]","Copilot","copilot-swe-agent","devin-ai-integration","claude","codex"],"items":{"type":"string","minLength":1,"maxLength":100},"description":"Pull request author logins (globs, case-insensitive) that are agents."},"branch-prefixes":{"type":"array","default":["copilot/","claude/","codex/","cursor/","devin/","jules/","openhands/","sweep/","aider/","agent/"],"items":{"type":"string","minLength":1,"maxLength":100},"description":"Head branch prefixes agents push to."},"trailers":{"type":"array","default":["Co-authored-by: Claude","Co-authored-by: Copilot","Co-authored-by: Codex","Co-authored-by: Cursor","Co-authored-by: devin-ai-integration","Generated-by:","Generated-with:","Assisted-by:"],"items":{"type":"string","minLength":1,"maxLength":200},"description":"Commit message lines (case-insensitive prefixes) that mark an agent's commit."}}}}},"audit":{"description":"Where audit-emit records each decision.","type":"object","additionalProperties":false,"default":{},"properties":{"sinks":{"description":"Where each event goes, in order. `artifact` uploads the event (and any spooled events) as a workflow artifact; `file` appends it to `path`; `webhook` POSTs it to `url` (HMAC-signed with the `hmac-key` input, the event id as `Idempotency-Key`); `otlp` exports it as an OpenTelemetry log record to an OTLP/HTTP logs endpoint. HTTP sinks need `https://` (plain `http://` only to a loopback host); what they do not take waits in `spool` for the next run. The `sinks` input replaces this list.","type":"array","default":[{"type":"artifact"}],"maxItems":20,"items":{"type":"object","additionalProperties":false,"required":["type"],"properties":{"type":{"description":"`artifact`, `file`, `webhook` or `otlp`.","type":"string","enum":["artifact","file","webhook","otlp"]},"url":{"description":"Endpoint of a `webhook` or `otlp` sink (required for them; for OTLP, the logs path, usually `/v1/logs`).","type":"string","minLength":1,"maxLength":2000},"protocol":{"description":"Encoding of an `otlp` sink: `protobuf` (`application/x-protobuf`) or `json`.","type":"string","enum":["protobuf","json"],"default":"protobuf"},"format":{"description":"Body of a `webhook` sink: the `native` event, or a `cloudevents` structured-mode CloudEvent whose `data` is the event.","type":"string","enum":["native","cloudevents"],"default":"native"},"max-attempts":{"description":"Attempts per request of an HTTP sink before the event is spooled (connection errors, 429, 502, 503 and 504 are retried with backoff and jitter, honouring `Retry-After`; other 4xx never).","type":"integer","minimum":1,"maximum":20,"default":5},"timeout-seconds":{"description":"Time allowed for one request of an HTTP sink.","type":"integer","minimum":1,"maximum":300,"default":30}}}},"path":{"description":"Workspace-relative file the `file` sink appends events to (JSON Lines).","type":"string","default":"agent-gates-audit.jsonl","minLength":1,"maxLength":1000},"chain":{"description":"Link each event to the previous one by its digest (`prev`), so a removed or altered event breaks the chain that `agent-gates verify-chain` checks.","type":"boolean","default":true},"retention-days":{"description":"Days the audit artifact is kept.","type":"integer","minimum":1,"maximum":90,"default":90},"spool":{"description":"Workspace-relative JSON Lines file where events an HTTP sink did not take wait; the next audit-emit run delivers it first (keep it with actions/cache or the artifact).","type":"string","default":".agent-gates/audit-spool.jsonl","minLength":1,"maxLength":1000}}}},"definitions":{"modelPattern":{"description":"A model id or a glob over model ids.","type":"string","minLength":1,"maxLength":200,"pattern":"^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$"},"pathGlob":{"description":"A glob over repository-relative paths.","type":"string","minLength":1,"maxLength":1000},"repoPath":{"description":"A repository-relative path without `..`.","type":"string","minLength":1,"maxLength":1000},"ruleId":{"description":"A detection rule id.","type":"string","minLength":1,"maxLength":100,"pattern":"^[A-Za-z0-9][A-Za-z0-9._-]*$"},"toolPattern":{"description":"A Claude Code permission rule: `Tool`, `Tool(specifier)` or an MCP tool name glob.","type":"string","minLength":1,"maxLength":1000}}};
const schema12 = {"description":"A model id or a glob over model ids.","type":"string","minLength":1,"maxLength":200,"pattern":"^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$"};
const schema14 = {"description":"A repository-relative path without `..`.","type":"string","minLength":1,"maxLength":1000};
const schema15 = {"description":"A glob over repository-relative paths.","type":"string","minLength":1,"maxLength":1000};
const schema21 = {"description":"A detection rule id.","type":"string","minLength":1,"maxLength":100,"pattern":"^[A-Za-z0-9][A-Za-z0-9._-]*$"};
const schema24 = {"description":"A Claude Code permission rule: `Tool`, `Tool(specifier)` or an MCP tool name glob.","type":"string","minLength":1,"maxLength":1000};
const func2 = ucs2length;
const func14 = Object.prototype.hasOwnProperty;
const pattern0 = new RegExp("^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$", "u");
const pattern2 = new RegExp("^[1-9][0-9]{0,5}[mhdw]$", "u");
const pattern3 = new RegExp("\\S", "u");
const pattern4 = new RegExp("^[A-Za-z0-9][A-Za-z0-9._-]*$", "u");
const pattern8 = new RegExp("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$", "u");
const pattern9 = new RegExp("^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$", "u");

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://agent-gates.dev/schemas/policy.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.models === undefined){
data.models = {};
}
if(data.signing === undefined){
data.signing = {};
}
if(data.scope === undefined){
data.scope = {};
}
if(data.secrets === undefined){
data.secrets = {};
}
if(data.transcript === undefined){
data.transcript = {};
}
if(data.routing === undefined){
data.routing = {};
}
if(data.audit === undefined){
data.audit = {};
}
if(data.version === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'",schema:schema11.required,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!((((((((key0 === "version") || (key0 === "models")) || (key0 === "signing")) || (key0 === "scope")) || (key0 === "secrets")) || (key0 === "transcript")) || (key0 === "routing")) || (key0 === "audit"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.version !== undefined){
let data0 = data.version;
if(1 !== data0){
const err2 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1},message:"must be equal to constant",schema:1,parentSchema:schema11.properties.version,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
let data1 = data.models;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.allowed === undefined){
data1.allowed = ["*"];
}
if(data1.denied === undefined){
data1.denied = [];
}
if(data1["require-pinned"] === undefined){
data1["require-pinned"] = true;
}
if(data1["require-seed"] === undefined){
data1["require-seed"] = false;
}
for(const key1 in data1){
if(!((((((key1 === "allowed") || (key1 === "denied")) || (key1 === "require-pinned")) || (key1 === "require-seed")) || (key1 === "max-temperature")) || (key1 === "max-age"))){
const err3 = {instancePath:instancePath+"/models",schemaPath:"#/properties/models/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.models,data:data1};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
let data2 = data1.allowed;
if(Array.isArray(data2)){
if(data2.length > 200){
const err4 = {instancePath:instancePath+"/models/allowed",schemaPath:"#/properties/models/properties/allowed/maxItems",keyword:"maxItems",params:{limit: 200},message:"must NOT have more than 200 items",schema:200,parentSchema:schema11.properties.models.properties.allowed,data:data2};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
const len0 = data2.length;
for(let i0=0; i0<len0; i0++){
let data3 = data2[i0];
if(typeof data3 === "string"){
if(func2(data3) > 200){
const err5 = {instancePath:instancePath+"/models/allowed/" + i0,schemaPath:"#/definitions/modelPattern/maxLength",keyword:"maxLength",params:{limit: 200},message:"must NOT have more than 200 characters",schema:200,parentSchema:schema12,data:data3};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(func2(data3) < 1){
const err6 = {instancePath:instancePath+"/models/allowed/" + i0,schemaPath:"#/definitions/modelPattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema12,data:data3};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(!pattern0.test(data3)){
const err7 = {instancePath:instancePath+"/models/allowed/" + i0,schemaPath:"#/definitions/modelPattern/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$"},message:"must match pattern \""+"^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$"+"\"",schema:"^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$",parentSchema:schema12,data:data3};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/models/allowed/" + i0,schemaPath:"#/definitions/modelPattern/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.type,parentSchema:schema12,data:data3};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
else {
const err9 = {instancePath:instancePath+"/models/allowed",schemaPath:"#/properties/models/properties/allowed/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.models.properties.allowed.type,parentSchema:schema11.properties.models.properties.allowed,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
let data4 = data1.denied;
if(Array.isArray(data4)){
if(data4.length > 200){
const err10 = {instancePath:instancePath+"/models/denied",schemaPath:"#/properties/models/properties/denied/maxItems",keyword:"maxItems",params:{limit: 200},message:"must NOT have more than 200 items",schema:200,parentSchema:schema11.properties.models.properties.denied,data:data4};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
const len1 = data4.length;
for(let i1=0; i1<len1; i1++){
let data5 = data4[i1];
if(typeof data5 === "string"){
if(func2(data5) > 200){
const err11 = {instancePath:instancePath+"/models/denied/" + i1,schemaPath:"#/definitions/modelPattern/maxLength",keyword:"maxLength",params:{limit: 200},message:"must NOT have more than 200 characters",schema:200,parentSchema:schema12,data:data5};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(func2(data5) < 1){
const err12 = {instancePath:instancePath+"/models/denied/" + i1,schemaPath:"#/definitions/modelPattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema12,data:data5};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(!pattern0.test(data5)){
const err13 = {instancePath:instancePath+"/models/denied/" + i1,schemaPath:"#/definitions/modelPattern/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$"},message:"must match pattern \""+"^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$"+"\"",schema:"^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$",parentSchema:schema12,data:data5};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
else {
const err14 = {instancePath:instancePath+"/models/denied/" + i1,schemaPath:"#/definitions/modelPattern/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.type,parentSchema:schema12,data:data5};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath:instancePath+"/models/denied",schemaPath:"#/properties/models/properties/denied/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.models.properties.denied.type,parentSchema:schema11.properties.models.properties.denied,data:data4};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
let data6 = data1["require-pinned"];
if(typeof data6 !== "boolean"){
const err16 = {instancePath:instancePath+"/models/require-pinned",schemaPath:"#/properties/models/properties/require-pinned/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.models.properties["require-pinned"].type,parentSchema:schema11.properties.models.properties["require-pinned"],data:data6};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
let data7 = data1["require-seed"];
if(typeof data7 !== "boolean"){
const err17 = {instancePath:instancePath+"/models/require-seed",schemaPath:"#/properties/models/properties/require-seed/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.models.properties["require-seed"].type,parentSchema:schema11.properties.models.properties["require-seed"],data:data7};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(data1["max-temperature"] !== undefined){
let data8 = data1["max-temperature"];
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 10 || isNaN(data8)){
const err18 = {instancePath:instancePath+"/models/max-temperature",schemaPath:"#/properties/models/properties/max-temperature/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10},message:"must be <= 10",schema:10,parentSchema:schema11.properties.models.properties["max-temperature"],data:data8};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data8 < 0 || isNaN(data8)){
const err19 = {instancePath:instancePath+"/models/max-temperature",schemaPath:"#/properties/models/properties/max-temperature/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.models.properties["max-temperature"],data:data8};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/models/max-temperature",schemaPath:"#/properties/models/properties/max-temperature/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.models.properties["max-temperature"].type,parentSchema:schema11.properties.models.properties["max-temperature"],data:data8};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data1["max-age"] !== undefined){
let data9 = data1["max-age"];
if(typeof data9 === "string"){
if(!pattern2.test(data9)){
const err21 = {instancePath:instancePath+"/models/max-age",schemaPath:"#/properties/models/properties/max-age/pattern",keyword:"pattern",params:{pattern: "^[1-9][0-9]{0,5}[mhdw]$"},message:"must match pattern \""+"^[1-9][0-9]{0,5}[mhdw]$"+"\"",schema:"^[1-9][0-9]{0,5}[mhdw]$",parentSchema:schema11.properties.models.properties["max-age"],data:data9};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/models/max-age",schemaPath:"#/properties/models/properties/max-age/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.models.properties["max-age"].type,parentSchema:schema11.properties.models.properties["max-age"],data:data9};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
else {
const err23 = {instancePath:instancePath+"/models",schemaPath:"#/properties/models/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.models.type,parentSchema:schema11.properties.models,data:data1};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
let data10 = data.signing;
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
if(data10.required === undefined){
data10.required = false;
}
if(data10.identities === undefined){
data10.identities = [];
}
if(data10.keys === undefined){
data10.keys = [];
}
for(const key2 in data10){
if(!(((key2 === "required") || (key2 === "identities")) || (key2 === "keys"))){
const err24 = {instancePath:instancePath+"/signing",schemaPath:"#/properties/signing/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.signing,data:data10};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
let data11 = data10.required;
if(typeof data11 !== "boolean"){
const err25 = {instancePath:instancePath+"/signing/required",schemaPath:"#/properties/signing/properties/required/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.signing.properties.required.type,parentSchema:schema11.properties.signing.properties.required,data:data11};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
let data12 = data10.identities;
if(Array.isArray(data12)){
if(data12.length > 100){
const err26 = {instancePath:instancePath+"/signing/identities",schemaPath:"#/properties/signing/properties/identities/maxItems",keyword:"maxItems",params:{limit: 100},message:"must NOT have more than 100 items",schema:100,parentSchema:schema11.properties.signing.properties.identities,data:data12};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
const len2 = data12.length;
for(let i2=0; i2<len2; i2++){
let data13 = data12[i2];
if(data13 && typeof data13 == "object" && !Array.isArray(data13)){
if(data13.issuer === undefined){
const err27 = {instancePath:instancePath+"/signing/identities/" + i2,schemaPath:"#/properties/signing/properties/identities/items/required",keyword:"required",params:{missingProperty: "issuer"},message:"must have required property '"+"issuer"+"'",schema:schema11.properties.signing.properties.identities.items.required,parentSchema:schema11.properties.signing.properties.identities.items,data:data13};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
for(const key3 in data13){
if(!(((key3 === "issuer") || (key3 === "subject")) || (key3 === "subject-regex"))){
const err28 = {instancePath:instancePath+"/signing/identities/" + i2,schemaPath:"#/properties/signing/properties/identities/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.signing.properties.identities.items,data:data13};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data13.issuer !== undefined){
let data14 = data13.issuer;
if(typeof data14 === "string"){
if(func2(data14) > 500){
const err29 = {instancePath:instancePath+"/signing/identities/" + i2+"/issuer",schemaPath:"#/properties/signing/properties/identities/items/properties/issuer/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters",schema:500,parentSchema:schema11.properties.signing.properties.identities.items.properties.issuer,data:data14};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(func2(data14) < 1){
const err30 = {instancePath:instancePath+"/signing/identities/" + i2+"/issuer",schemaPath:"#/properties/signing/properties/identities/items/properties/issuer/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.signing.properties.identities.items.properties.issuer,data:data14};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
else {
const err31 = {instancePath:instancePath+"/signing/identities/" + i2+"/issuer",schemaPath:"#/properties/signing/properties/identities/items/properties/issuer/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.signing.properties.identities.items.properties.issuer.type,parentSchema:schema11.properties.signing.properties.identities.items.properties.issuer,data:data14};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data13.subject !== undefined){
let data15 = data13.subject;
if(typeof data15 === "string"){
if(func2(data15) > 1000){
const err32 = {instancePath:instancePath+"/signing/identities/" + i2+"/subject",schemaPath:"#/properties/signing/properties/identities/items/properties/subject/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema11.properties.signing.properties.identities.items.properties.subject,data:data15};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(func2(data15) < 1){
const err33 = {instancePath:instancePath+"/signing/identities/" + i2+"/subject",schemaPath:"#/properties/signing/properties/identities/items/properties/subject/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.signing.properties.identities.items.properties.subject,data:data15};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
else {
const err34 = {instancePath:instancePath+"/signing/identities/" + i2+"/subject",schemaPath:"#/properties/signing/properties/identities/items/properties/subject/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.signing.properties.identities.items.properties.subject.type,parentSchema:schema11.properties.signing.properties.identities.items.properties.subject,data:data15};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data13["subject-regex"] !== undefined){
let data16 = data13["subject-regex"];
if(typeof data16 === "string"){
if(func2(data16) > 1000){
const err35 = {instancePath:instancePath+"/signing/identities/" + i2+"/subject-regex",schemaPath:"#/properties/signing/properties/identities/items/properties/subject-regex/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema11.properties.signing.properties.identities.items.properties["subject-regex"],data:data16};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(func2(data16) < 1){
const err36 = {instancePath:instancePath+"/signing/identities/" + i2+"/subject-regex",schemaPath:"#/properties/signing/properties/identities/items/properties/subject-regex/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.signing.properties.identities.items.properties["subject-regex"],data:data16};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
else {
const err37 = {instancePath:instancePath+"/signing/identities/" + i2+"/subject-regex",schemaPath:"#/properties/signing/properties/identities/items/properties/subject-regex/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.signing.properties.identities.items.properties["subject-regex"].type,parentSchema:schema11.properties.signing.properties.identities.items.properties["subject-regex"],data:data16};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
}
else {
const err38 = {instancePath:instancePath+"/signing/identities/" + i2,schemaPath:"#/properties/signing/properties/identities/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.signing.properties.identities.items.type,parentSchema:schema11.properties.signing.properties.identities.items,data:data13};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
}
else {
const err39 = {instancePath:instancePath+"/signing/identities",schemaPath:"#/properties/signing/properties/identities/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.signing.properties.identities.type,parentSchema:schema11.properties.signing.properties.identities,data:data12};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
let data17 = data10.keys;
if(Array.isArray(data17)){
if(data17.length > 50){
const err40 = {instancePath:instancePath+"/signing/keys",schemaPath:"#/properties/signing/properties/keys/maxItems",keyword:"maxItems",params:{limit: 50},message:"must NOT have more than 50 items",schema:50,parentSchema:schema11.properties.signing.properties.keys,data:data17};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
const len3 = data17.length;
for(let i3=0; i3<len3; i3++){
let data18 = data17[i3];
if(typeof data18 === "string"){
if(func2(data18) > 1000){
const err41 = {instancePath:instancePath+"/signing/keys/" + i3,schemaPath:"#/definitions/repoPath/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema14,data:data18};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if(func2(data18) < 1){
const err42 = {instancePath:instancePath+"/signing/keys/" + i3,schemaPath:"#/definitions/repoPath/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema14,data:data18};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
else {
const err43 = {instancePath:instancePath+"/signing/keys/" + i3,schemaPath:"#/definitions/repoPath/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data18};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
}
else {
const err44 = {instancePath:instancePath+"/signing/keys",schemaPath:"#/properties/signing/properties/keys/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.signing.properties.keys.type,parentSchema:schema11.properties.signing.properties.keys,data:data17};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
else {
const err45 = {instancePath:instancePath+"/signing",schemaPath:"#/properties/signing/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.signing.type,parentSchema:schema11.properties.signing,data:data10};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
let data19 = data.scope;
if(data19 && typeof data19 == "object" && !Array.isArray(data19)){
if(data19["allowed-paths"] === undefined){
data19["allowed-paths"] = ["**"];
}
if(data19["protected-paths"] === undefined){
data19["protected-paths"] = [];
}
if(data19["protect-agent-instructions"] === undefined){
data19["protect-agent-instructions"] = true;
}
if(data19["max-files"] === undefined){
data19["max-files"] = 100;
}
if(data19["max-lines"] === undefined){
data19["max-lines"] = 2000;
}
if(data19["forbid-binary"] === undefined){
data19["forbid-binary"] = true;
}
if(data19["denied-paths"] === undefined){
data19["denied-paths"] = [];
}
if(data19["max-lines-per-file"] === undefined){
data19["max-lines-per-file"] = 1000;
}
if(data19["risk-tiers"] === undefined){
data19["risk-tiers"] = [];
}
if(data19["require-ticket"] === undefined){
data19["require-ticket"] = [];
}
if(data19.forbid === undefined){
data19.forbid = [];
}
if(data19.tests === undefined){
data19.tests = {};
}
if(data19.dependencies === undefined){
data19.dependencies = {};
}
if(data19["allow-executable"] === undefined){
data19["allow-executable"] = false;
}
if(data19["allow-symlinks"] === undefined){
data19["allow-symlinks"] = false;
}
if(data19["allow-submodules"] === undefined){
data19["allow-submodules"] = false;
}
if(data19["require-claimed"] === undefined){
data19["require-claimed"] = true;
}
for(const key4 in data19){
if(!(func14.call(schema11.properties.scope.properties, key4))){
const err46 = {instancePath:instancePath+"/scope",schemaPath:"#/properties/scope/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.scope,data:data19};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
let data20 = data19["allowed-paths"];
if(Array.isArray(data20)){
if(data20.length > 500){
const err47 = {instancePath:instancePath+"/scope/allowed-paths",schemaPath:"#/properties/scope/properties/allowed-paths/maxItems",keyword:"maxItems",params:{limit: 500},message:"must NOT have more than 500 items",schema:500,parentSchema:schema11.properties.scope.properties["allowed-paths"],data:data20};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
const len4 = data20.length;
for(let i4=0; i4<len4; i4++){
let data21 = data20[i4];
if(typeof data21 === "string"){
if(func2(data21) > 1000){
const err48 = {instancePath:instancePath+"/scope/allowed-paths/" + i4,schemaPath:"#/definitions/pathGlob/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema15,data:data21};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
if(func2(data21) < 1){
const err49 = {instancePath:instancePath+"/scope/allowed-paths/" + i4,schemaPath:"#/definitions/pathGlob/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15,data:data21};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
else {
const err50 = {instancePath:instancePath+"/scope/allowed-paths/" + i4,schemaPath:"#/definitions/pathGlob/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.type,parentSchema:schema15,data:data21};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
}
else {
const err51 = {instancePath:instancePath+"/scope/allowed-paths",schemaPath:"#/properties/scope/properties/allowed-paths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.scope.properties["allowed-paths"].type,parentSchema:schema11.properties.scope.properties["allowed-paths"],data:data20};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
let data22 = data19["protected-paths"];
if(Array.isArray(data22)){
if(data22.length > 500){
const err52 = {instancePath:instancePath+"/scope/protected-paths",schemaPath:"#/properties/scope/properties/protected-paths/maxItems",keyword:"maxItems",params:{limit: 500},message:"must NOT have more than 500 items",schema:500,parentSchema:schema11.properties.scope.properties["protected-paths"],data:data22};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
const len5 = data22.length;
for(let i5=0; i5<len5; i5++){
let data23 = data22[i5];
if(typeof data23 === "string"){
if(func2(data23) > 1000){
const err53 = {instancePath:instancePath+"/scope/protected-paths/" + i5,schemaPath:"#/definitions/pathGlob/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema15,data:data23};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if(func2(data23) < 1){
const err54 = {instancePath:instancePath+"/scope/protected-paths/" + i5,schemaPath:"#/definitions/pathGlob/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15,data:data23};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
else {
const err55 = {instancePath:instancePath+"/scope/protected-paths/" + i5,schemaPath:"#/definitions/pathGlob/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.type,parentSchema:schema15,data:data23};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
}
else {
const err56 = {instancePath:instancePath+"/scope/protected-paths",schemaPath:"#/properties/scope/properties/protected-paths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.scope.properties["protected-paths"].type,parentSchema:schema11.properties.scope.properties["protected-paths"],data:data22};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
let data24 = data19["protect-agent-instructions"];
if(typeof data24 !== "boolean"){
const err57 = {instancePath:instancePath+"/scope/protect-agent-instructions",schemaPath:"#/properties/scope/properties/protect-agent-instructions/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties["protect-agent-instructions"].type,parentSchema:schema11.properties.scope.properties["protect-agent-instructions"],data:data24};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
let data25 = data19["max-files"];
if(!(((typeof data25 == "number") && (!(data25 % 1) && !isNaN(data25))) && (isFinite(data25)))){
const err58 = {instancePath:instancePath+"/scope/max-files",schemaPath:"#/properties/scope/properties/max-files/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.scope.properties["max-files"].type,parentSchema:schema11.properties.scope.properties["max-files"],data:data25};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
if((typeof data25 == "number") && (isFinite(data25))){
if(data25 > 100000 || isNaN(data25)){
const err59 = {instancePath:instancePath+"/scope/max-files",schemaPath:"#/properties/scope/properties/max-files/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000},message:"must be <= 100000",schema:100000,parentSchema:schema11.properties.scope.properties["max-files"],data:data25};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
if(data25 < 1 || isNaN(data25)){
const err60 = {instancePath:instancePath+"/scope/max-files",schemaPath:"#/properties/scope/properties/max-files/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.scope.properties["max-files"],data:data25};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
let data26 = data19["max-lines"];
if(!(((typeof data26 == "number") && (!(data26 % 1) && !isNaN(data26))) && (isFinite(data26)))){
const err61 = {instancePath:instancePath+"/scope/max-lines",schemaPath:"#/properties/scope/properties/max-lines/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.scope.properties["max-lines"].type,parentSchema:schema11.properties.scope.properties["max-lines"],data:data26};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if((typeof data26 == "number") && (isFinite(data26))){
if(data26 > 10000000 || isNaN(data26)){
const err62 = {instancePath:instancePath+"/scope/max-lines",schemaPath:"#/properties/scope/properties/max-lines/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10000000},message:"must be <= 10000000",schema:10000000,parentSchema:schema11.properties.scope.properties["max-lines"],data:data26};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
if(data26 < 1 || isNaN(data26)){
const err63 = {instancePath:instancePath+"/scope/max-lines",schemaPath:"#/properties/scope/properties/max-lines/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.scope.properties["max-lines"],data:data26};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
let data27 = data19["forbid-binary"];
if(typeof data27 !== "boolean"){
const err64 = {instancePath:instancePath+"/scope/forbid-binary",schemaPath:"#/properties/scope/properties/forbid-binary/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties["forbid-binary"].type,parentSchema:schema11.properties.scope.properties["forbid-binary"],data:data27};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
let data28 = data19["denied-paths"];
if(Array.isArray(data28)){
if(data28.length > 500){
const err65 = {instancePath:instancePath+"/scope/denied-paths",schemaPath:"#/properties/scope/properties/denied-paths/maxItems",keyword:"maxItems",params:{limit: 500},message:"must NOT have more than 500 items",schema:500,parentSchema:schema11.properties.scope.properties["denied-paths"],data:data28};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
const len6 = data28.length;
for(let i6=0; i6<len6; i6++){
let data29 = data28[i6];
if(typeof data29 === "string"){
if(func2(data29) > 1000){
const err66 = {instancePath:instancePath+"/scope/denied-paths/" + i6,schemaPath:"#/definitions/pathGlob/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema15,data:data29};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
if(func2(data29) < 1){
const err67 = {instancePath:instancePath+"/scope/denied-paths/" + i6,schemaPath:"#/definitions/pathGlob/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15,data:data29};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
else {
const err68 = {instancePath:instancePath+"/scope/denied-paths/" + i6,schemaPath:"#/definitions/pathGlob/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.type,parentSchema:schema15,data:data29};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
}
else {
const err69 = {instancePath:instancePath+"/scope/denied-paths",schemaPath:"#/properties/scope/properties/denied-paths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.scope.properties["denied-paths"].type,parentSchema:schema11.properties.scope.properties["denied-paths"],data:data28};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
let data30 = data19["max-lines-per-file"];
if(!(((typeof data30 == "number") && (!(data30 % 1) && !isNaN(data30))) && (isFinite(data30)))){
const err70 = {instancePath:instancePath+"/scope/max-lines-per-file",schemaPath:"#/properties/scope/properties/max-lines-per-file/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.scope.properties["max-lines-per-file"].type,parentSchema:schema11.properties.scope.properties["max-lines-per-file"],data:data30};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 > 10000000 || isNaN(data30)){
const err71 = {instancePath:instancePath+"/scope/max-lines-per-file",schemaPath:"#/properties/scope/properties/max-lines-per-file/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10000000},message:"must be <= 10000000",schema:10000000,parentSchema:schema11.properties.scope.properties["max-lines-per-file"],data:data30};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
if(data30 < 1 || isNaN(data30)){
const err72 = {instancePath:instancePath+"/scope/max-lines-per-file",schemaPath:"#/properties/scope/properties/max-lines-per-file/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.scope.properties["max-lines-per-file"],data:data30};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
let data31 = data19["risk-tiers"];
if(Array.isArray(data31)){
if(data31.length > 200){
const err73 = {instancePath:instancePath+"/scope/risk-tiers",schemaPath:"#/properties/scope/properties/risk-tiers/maxItems",keyword:"maxItems",params:{limit: 200},message:"must NOT have more than 200 items",schema:200,parentSchema:schema11.properties.scope.properties["risk-tiers"],data:data31};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
const len7 = data31.length;
for(let i7=0; i7<len7; i7++){
let data32 = data31[i7];
if(data32 && typeof data32 == "object" && !Array.isArray(data32)){
if(data32.paths === undefined){
const err74 = {instancePath:instancePath+"/scope/risk-tiers/" + i7,schemaPath:"#/properties/scope/properties/risk-tiers/items/required",keyword:"required",params:{missingProperty: "paths"},message:"must have required property '"+"paths"+"'",schema:schema11.properties.scope.properties["risk-tiers"].items.required,parentSchema:schema11.properties.scope.properties["risk-tiers"].items,data:data32};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
if(data32.tier === undefined){
const err75 = {instancePath:instancePath+"/scope/risk-tiers/" + i7,schemaPath:"#/properties/scope/properties/risk-tiers/items/required",keyword:"required",params:{missingProperty: "tier"},message:"must have required property '"+"tier"+"'",schema:schema11.properties.scope.properties["risk-tiers"].items.required,parentSchema:schema11.properties.scope.properties["risk-tiers"].items,data:data32};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
for(const key5 in data32){
if(!(((key5 === "paths") || (key5 === "tier")) || (key5 === "reason"))){
const err76 = {instancePath:instancePath+"/scope/risk-tiers/" + i7,schemaPath:"#/properties/scope/properties/risk-tiers/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.scope.properties["risk-tiers"].items,data:data32};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
if(data32.paths !== undefined){
let data33 = data32.paths;
if(Array.isArray(data33)){
if(data33.length > 200){
const err77 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/paths",schemaPath:"#/properties/scope/properties/risk-tiers/items/properties/paths/maxItems",keyword:"maxItems",params:{limit: 200},message:"must NOT have more than 200 items",schema:200,parentSchema:schema11.properties.scope.properties["risk-tiers"].items.properties.paths,data:data33};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
if(data33.length < 1){
const err78 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/paths",schemaPath:"#/properties/scope/properties/risk-tiers/items/properties/paths/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.scope.properties["risk-tiers"].items.properties.paths,data:data33};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
const len8 = data33.length;
for(let i8=0; i8<len8; i8++){
let data34 = data33[i8];
if(typeof data34 === "string"){
if(func2(data34) > 1000){
const err79 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/paths/" + i8,schemaPath:"#/definitions/pathGlob/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema15,data:data34};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
if(func2(data34) < 1){
const err80 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/paths/" + i8,schemaPath:"#/definitions/pathGlob/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15,data:data34};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
else {
const err81 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/paths/" + i8,schemaPath:"#/definitions/pathGlob/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.type,parentSchema:schema15,data:data34};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
}
else {
const err82 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/paths",schemaPath:"#/properties/scope/properties/risk-tiers/items/properties/paths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.scope.properties["risk-tiers"].items.properties.paths.type,parentSchema:schema11.properties.scope.properties["risk-tiers"].items.properties.paths,data:data33};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
if(data32.tier !== undefined){
let data35 = data32.tier;
if(typeof data35 !== "string"){
const err83 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/tier",schemaPath:"#/properties/scope/properties/risk-tiers/items/properties/tier/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.scope.properties["risk-tiers"].items.properties.tier.type,parentSchema:schema11.properties.scope.properties["risk-tiers"].items.properties.tier,data:data35};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
if(!((((data35 === "low") || (data35 === "medium")) || (data35 === "high")) || (data35 === "critical"))){
const err84 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/tier",schemaPath:"#/properties/scope/properties/risk-tiers/items/properties/tier/enum",keyword:"enum",params:{allowedValues: schema11.properties.scope.properties["risk-tiers"].items.properties.tier.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.scope.properties["risk-tiers"].items.properties.tier.enum,parentSchema:schema11.properties.scope.properties["risk-tiers"].items.properties.tier,data:data35};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
if(data32.reason !== undefined){
let data36 = data32.reason;
if(typeof data36 === "string"){
if(func2(data36) > 500){
const err85 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/reason",schemaPath:"#/properties/scope/properties/risk-tiers/items/properties/reason/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters",schema:500,parentSchema:schema11.properties.scope.properties["risk-tiers"].items.properties.reason,data:data36};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
if(func2(data36) < 1){
const err86 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/reason",schemaPath:"#/properties/scope/properties/risk-tiers/items/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.scope.properties["risk-tiers"].items.properties.reason,data:data36};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
else {
const err87 = {instancePath:instancePath+"/scope/risk-tiers/" + i7+"/reason",schemaPath:"#/properties/scope/properties/risk-tiers/items/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.scope.properties["risk-tiers"].items.properties.reason.type,parentSchema:schema11.properties.scope.properties["risk-tiers"].items.properties.reason,data:data36};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
}
else {
const err88 = {instancePath:instancePath+"/scope/risk-tiers/" + i7,schemaPath:"#/properties/scope/properties/risk-tiers/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.scope.properties["risk-tiers"].items.type,parentSchema:schema11.properties.scope.properties["risk-tiers"].items,data:data32};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
}
}
else {
const err89 = {instancePath:instancePath+"/scope/risk-tiers",schemaPath:"#/properties/scope/properties/risk-tiers/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.scope.properties["risk-tiers"].type,parentSchema:schema11.properties.scope.properties["risk-tiers"],data:data31};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
let data37 = data19["require-ticket"];
if(Array.isArray(data37)){
if(data37.length > 100){
const err90 = {instancePath:instancePath+"/scope/require-ticket",schemaPath:"#/properties/scope/properties/require-ticket/maxItems",keyword:"maxItems",params:{limit: 100},message:"must NOT have more than 100 items",schema:100,parentSchema:schema11.properties.scope.properties["require-ticket"],data:data37};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
const len9 = data37.length;
for(let i9=0; i9<len9; i9++){
let data38 = data37[i9];
if(data38 && typeof data38 == "object" && !Array.isArray(data38)){
if(data38.paths === undefined){
const err91 = {instancePath:instancePath+"/scope/require-ticket/" + i9,schemaPath:"#/properties/scope/properties/require-ticket/items/required",keyword:"required",params:{missingProperty: "paths"},message:"must have required property '"+"paths"+"'",schema:schema11.properties.scope.properties["require-ticket"].items.required,parentSchema:schema11.properties.scope.properties["require-ticket"].items,data:data38};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
if(data38.pattern === undefined){
const err92 = {instancePath:instancePath+"/scope/require-ticket/" + i9,schemaPath:"#/properties/scope/properties/require-ticket/items/required",keyword:"required",params:{missingProperty: "pattern"},message:"must have required property '"+"pattern"+"'",schema:schema11.properties.scope.properties["require-ticket"].items.required,parentSchema:schema11.properties.scope.properties["require-ticket"].items,data:data38};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
for(const key6 in data38){
if(!(((key6 === "paths") || (key6 === "pattern")) || (key6 === "reason"))){
const err93 = {instancePath:instancePath+"/scope/require-ticket/" + i9,schemaPath:"#/properties/scope/properties/require-ticket/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.scope.properties["require-ticket"].items,data:data38};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
}
if(data38.paths !== undefined){
let data39 = data38.paths;
if(Array.isArray(data39)){
if(data39.length > 200){
const err94 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/paths",schemaPath:"#/properties/scope/properties/require-ticket/items/properties/paths/maxItems",keyword:"maxItems",params:{limit: 200},message:"must NOT have more than 200 items",schema:200,parentSchema:schema11.properties.scope.properties["require-ticket"].items.properties.paths,data:data39};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
if(data39.length < 1){
const err95 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/paths",schemaPath:"#/properties/scope/properties/require-ticket/items/properties/paths/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.scope.properties["require-ticket"].items.properties.paths,data:data39};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
const len10 = data39.length;
for(let i10=0; i10<len10; i10++){
let data40 = data39[i10];
if(typeof data40 === "string"){
if(func2(data40) > 1000){
const err96 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/paths/" + i10,schemaPath:"#/definitions/pathGlob/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema15,data:data40};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
if(func2(data40) < 1){
const err97 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/paths/" + i10,schemaPath:"#/definitions/pathGlob/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15,data:data40};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
else {
const err98 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/paths/" + i10,schemaPath:"#/definitions/pathGlob/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.type,parentSchema:schema15,data:data40};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
}
}
else {
const err99 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/paths",schemaPath:"#/properties/scope/properties/require-ticket/items/properties/paths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.scope.properties["require-ticket"].items.properties.paths.type,parentSchema:schema11.properties.scope.properties["require-ticket"].items.properties.paths,data:data39};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
}
if(data38.pattern !== undefined){
let data41 = data38.pattern;
if(typeof data41 === "string"){
if(func2(data41) > 1000){
const err100 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/pattern",schemaPath:"#/properties/scope/properties/require-ticket/items/properties/pattern/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema11.properties.scope.properties["require-ticket"].items.properties.pattern,data:data41};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
if(func2(data41) < 1){
const err101 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/pattern",schemaPath:"#/properties/scope/properties/require-ticket/items/properties/pattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.scope.properties["require-ticket"].items.properties.pattern,data:data41};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
}
else {
const err102 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/pattern",schemaPath:"#/properties/scope/properties/require-ticket/items/properties/pattern/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.scope.properties["require-ticket"].items.properties.pattern.type,parentSchema:schema11.properties.scope.properties["require-ticket"].items.properties.pattern,data:data41};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
}
if(data38.reason !== undefined){
let data42 = data38.reason;
if(typeof data42 === "string"){
if(func2(data42) > 500){
const err103 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/reason",schemaPath:"#/properties/scope/properties/require-ticket/items/properties/reason/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters",schema:500,parentSchema:schema11.properties.scope.properties["require-ticket"].items.properties.reason,data:data42};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
if(func2(data42) < 1){
const err104 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/reason",schemaPath:"#/properties/scope/properties/require-ticket/items/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.scope.properties["require-ticket"].items.properties.reason,data:data42};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
}
else {
const err105 = {instancePath:instancePath+"/scope/require-ticket/" + i9+"/reason",schemaPath:"#/properties/scope/properties/require-ticket/items/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.scope.properties["require-ticket"].items.properties.reason.type,parentSchema:schema11.properties.scope.properties["require-ticket"].items.properties.reason,data:data42};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
}
else {
const err106 = {instancePath:instancePath+"/scope/require-ticket/" + i9,schemaPath:"#/properties/scope/properties/require-ticket/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.scope.properties["require-ticket"].items.type,parentSchema:schema11.properties.scope.properties["require-ticket"].items,data:data38};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
}
}
else {
const err107 = {instancePath:instancePath+"/scope/require-ticket",schemaPath:"#/properties/scope/properties/require-ticket/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.scope.properties["require-ticket"].type,parentSchema:schema11.properties.scope.properties["require-ticket"],data:data37};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
let data43 = data19.forbid;
if(Array.isArray(data43)){
if(data43.length > 200){
const err108 = {instancePath:instancePath+"/scope/forbid",schemaPath:"#/properties/scope/properties/forbid/maxItems",keyword:"maxItems",params:{limit: 200},message:"must NOT have more than 200 items",schema:200,parentSchema:schema11.properties.scope.properties.forbid,data:data43};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
const len11 = data43.length;
for(let i11=0; i11<len11; i11++){
let data44 = data43[i11];
if(data44 && typeof data44 == "object" && !Array.isArray(data44)){
if(data44.paths === undefined){
data44.paths = ["**"];
}
if(data44.regex === undefined){
const err109 = {instancePath:instancePath+"/scope/forbid/" + i11,schemaPath:"#/properties/scope/properties/forbid/items/required",keyword:"required",params:{missingProperty: "regex"},message:"must have required property '"+"regex"+"'",schema:schema11.properties.scope.properties.forbid.items.required,parentSchema:schema11.properties.scope.properties.forbid.items,data:data44};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
if(data44.message === undefined){
const err110 = {instancePath:instancePath+"/scope/forbid/" + i11,schemaPath:"#/properties/scope/properties/forbid/items/required",keyword:"required",params:{missingProperty: "message"},message:"must have required property '"+"message"+"'",schema:schema11.properties.scope.properties.forbid.items.required,parentSchema:schema11.properties.scope.properties.forbid.items,data:data44};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
for(const key7 in data44){
if(!(((key7 === "paths") || (key7 === "regex")) || (key7 === "message"))){
const err111 = {instancePath:instancePath+"/scope/forbid/" + i11,schemaPath:"#/properties/scope/properties/forbid/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.scope.properties.forbid.items,data:data44};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
}
let data45 = data44.paths;
if(Array.isArray(data45)){
if(data45.length > 200){
const err112 = {instancePath:instancePath+"/scope/forbid/" + i11+"/paths",schemaPath:"#/properties/scope/properties/forbid/items/properties/paths/maxItems",keyword:"maxItems",params:{limit: 200},message:"must NOT have more than 200 items",schema:200,parentSchema:schema11.properties.scope.properties.forbid.items.properties.paths,data:data45};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
if(data45.length < 1){
const err113 = {instancePath:instancePath+"/scope/forbid/" + i11+"/paths",schemaPath:"#/properties/scope/properties/forbid/items/properties/paths/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.scope.properties.forbid.items.properties.paths,data:data45};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
const len12 = data45.length;
for(let i12=0; i12<len12; i12++){
let data46 = data45[i12];
if(typeof data46 === "string"){
if(func2(data46) > 1000){
const err114 = {instancePath:instancePath+"/scope/forbid/" + i11+"/paths/" + i12,schemaPath:"#/definitions/pathGlob/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema15,data:data46};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
if(func2(data46) < 1){
const err115 = {instancePath:instancePath+"/scope/forbid/" + i11+"/paths/" + i12,schemaPath:"#/definitions/pathGlob/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15,data:data46};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
}
else {
const err116 = {instancePath:instancePath+"/scope/forbid/" + i11+"/paths/" + i12,schemaPath:"#/definitions/pathGlob/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.type,parentSchema:schema15,data:data46};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
}
}
else {
const err117 = {instancePath:instancePath+"/scope/forbid/" + i11+"/paths",schemaPath:"#/properties/scope/properties/forbid/items/properties/paths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.scope.properties.forbid.items.properties.paths.type,parentSchema:schema11.properties.scope.properties.forbid.items.properties.paths,data:data45};
if(vErrors === null){
vErrors = [err117];
}
else {
vErrors.push(err117);
}
errors++;
}
if(data44.regex !== undefined){
let data47 = data44.regex;
if(typeof data47 === "string"){
if(func2(data47) > 1000){
const err118 = {instancePath:instancePath+"/scope/forbid/" + i11+"/regex",schemaPath:"#/properties/scope/properties/forbid/items/properties/regex/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema11.properties.scope.properties.forbid.items.properties.regex,data:data47};
if(vErrors === null){
vErrors = [err118];
}
else {
vErrors.push(err118);
}
errors++;
}
if(func2(data47) < 1){
const err119 = {instancePath:instancePath+"/scope/forbid/" + i11+"/regex",schemaPath:"#/properties/scope/properties/forbid/items/properties/regex/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.scope.properties.forbid.items.properties.regex,data:data47};
if(vErrors === null){
vErrors = [err119];
}
else {
vErrors.push(err119);
}
errors++;
}
}
else {
const err120 = {instancePath:instancePath+"/scope/forbid/" + i11+"/regex",schemaPath:"#/properties/scope/properties/forbid/items/properties/regex/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.scope.properties.forbid.items.properties.regex.type,parentSchema:schema11.properties.scope.properties.forbid.items.properties.regex,data:data47};
if(vErrors === null){
vErrors = [err120];
}
else {
vErrors.push(err120);
}
errors++;
}
}
if(data44.message !== undefined){
let data48 = data44.message;
if(typeof data48 === "string"){
if(func2(data48) > 500){
const err121 = {instancePath:instancePath+"/scope/forbid/" + i11+"/message",schemaPath:"#/properties/scope/properties/forbid/items/properties/message/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters",schema:500,parentSchema:schema11.properties.scope.properties.forbid.items.properties.message,data:data48};
if(vErrors === null){
vErrors = [err121];
}
else {
vErrors.push(err121);
}
errors++;
}
if(func2(data48) < 1){
const err122 = {instancePath:instancePath+"/scope/forbid/" + i11+"/message",schemaPath:"#/properties/scope/properties/forbid/items/properties/message/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.scope.properties.forbid.items.properties.message,data:data48};
if(vErrors === null){
vErrors = [err122];
}
else {
vErrors.push(err122);
}
errors++;
}
if(!pattern3.test(data48)){
const err123 = {instancePath:instancePath+"/scope/forbid/" + i11+"/message",schemaPath:"#/properties/scope/properties/forbid/items/properties/message/pattern",keyword:"pattern",params:{pattern: "\\S"},message:"must match pattern \""+"\\S"+"\"",schema:"\\S",parentSchema:schema11.properties.scope.properties.forbid.items.properties.message,data:data48};
if(vErrors === null){
vErrors = [err123];
}
else {
vErrors.push(err123);
}
errors++;
}
}
else {
const err124 = {instancePath:instancePath+"/scope/forbid/" + i11+"/message",schemaPath:"#/properties/scope/properties/forbid/items/properties/message/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.scope.properties.forbid.items.properties.message.type,parentSchema:schema11.properties.scope.properties.forbid.items.properties.message,data:data48};
if(vErrors === null){
vErrors = [err124];
}
else {
vErrors.push(err124);
}
errors++;
}
}
}
else {
const err125 = {instancePath:instancePath+"/scope/forbid/" + i11,schemaPath:"#/properties/scope/properties/forbid/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.scope.properties.forbid.items.type,parentSchema:schema11.properties.scope.properties.forbid.items,data:data44};
if(vErrors === null){
vErrors = [err125];
}
else {
vErrors.push(err125);
}
errors++;
}
}
}
else {
const err126 = {instancePath:instancePath+"/scope/forbid",schemaPath:"#/properties/scope/properties/forbid/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.scope.properties.forbid.type,parentSchema:schema11.properties.scope.properties.forbid,data:data43};
if(vErrors === null){
vErrors = [err126];
}
else {
vErrors.push(err126);
}
errors++;
}
let data49 = data19.tests;
if(data49 && typeof data49 == "object" && !Array.isArray(data49)){
if(data49["allow-deleted"] === undefined){
data49["allow-deleted"] = false;
}
if(data49["allow-skipped"] === undefined){
data49["allow-skipped"] = false;
}
if(data49["allow-fewer"] === undefined){
data49["allow-fewer"] = false;
}
for(const key8 in data49){
if(!(((key8 === "allow-deleted") || (key8 === "allow-skipped")) || (key8 === "allow-fewer"))){
const err127 = {instancePath:instancePath+"/scope/tests",schemaPath:"#/properties/scope/properties/tests/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.scope.properties.tests,data:data49};
if(vErrors === null){
vErrors = [err127];
}
else {
vErrors.push(err127);
}
errors++;
}
}
let data50 = data49["allow-deleted"];
if(typeof data50 !== "boolean"){
const err128 = {instancePath:instancePath+"/scope/tests/allow-deleted",schemaPath:"#/properties/scope/properties/tests/properties/allow-deleted/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties.tests.properties["allow-deleted"].type,parentSchema:schema11.properties.scope.properties.tests.properties["allow-deleted"],data:data50};
if(vErrors === null){
vErrors = [err128];
}
else {
vErrors.push(err128);
}
errors++;
}
let data51 = data49["allow-skipped"];
if(typeof data51 !== "boolean"){
const err129 = {instancePath:instancePath+"/scope/tests/allow-skipped",schemaPath:"#/properties/scope/properties/tests/properties/allow-skipped/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties.tests.properties["allow-skipped"].type,parentSchema:schema11.properties.scope.properties.tests.properties["allow-skipped"],data:data51};
if(vErrors === null){
vErrors = [err129];
}
else {
vErrors.push(err129);
}
errors++;
}
let data52 = data49["allow-fewer"];
if(typeof data52 !== "boolean"){
const err130 = {instancePath:instancePath+"/scope/tests/allow-fewer",schemaPath:"#/properties/scope/properties/tests/properties/allow-fewer/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties.tests.properties["allow-fewer"].type,parentSchema:schema11.properties.scope.properties.tests.properties["allow-fewer"],data:data52};
if(vErrors === null){
vErrors = [err130];
}
else {
vErrors.push(err130);
}
errors++;
}
}
else {
const err131 = {instancePath:instancePath+"/scope/tests",schemaPath:"#/properties/scope/properties/tests/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.scope.properties.tests.type,parentSchema:schema11.properties.scope.properties.tests,data:data49};
if(vErrors === null){
vErrors = [err131];
}
else {
vErrors.push(err131);
}
errors++;
}
let data53 = data19.dependencies;
if(data53 && typeof data53 == "object" && !Array.isArray(data53)){
if(data53["allow-downgrade"] === undefined){
data53["allow-downgrade"] = false;
}
if(data53["allow-registry-change"] === undefined){
data53["allow-registry-change"] = false;
}
for(const key9 in data53){
if(!((key9 === "allow-downgrade") || (key9 === "allow-registry-change"))){
const err132 = {instancePath:instancePath+"/scope/dependencies",schemaPath:"#/properties/scope/properties/dependencies/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key9},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.scope.properties.dependencies,data:data53};
if(vErrors === null){
vErrors = [err132];
}
else {
vErrors.push(err132);
}
errors++;
}
}
let data54 = data53["allow-downgrade"];
if(typeof data54 !== "boolean"){
const err133 = {instancePath:instancePath+"/scope/dependencies/allow-downgrade",schemaPath:"#/properties/scope/properties/dependencies/properties/allow-downgrade/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties.dependencies.properties["allow-downgrade"].type,parentSchema:schema11.properties.scope.properties.dependencies.properties["allow-downgrade"],data:data54};
if(vErrors === null){
vErrors = [err133];
}
else {
vErrors.push(err133);
}
errors++;
}
let data55 = data53["allow-registry-change"];
if(typeof data55 !== "boolean"){
const err134 = {instancePath:instancePath+"/scope/dependencies/allow-registry-change",schemaPath:"#/properties/scope/properties/dependencies/properties/allow-registry-change/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties.dependencies.properties["allow-registry-change"].type,parentSchema:schema11.properties.scope.properties.dependencies.properties["allow-registry-change"],data:data55};
if(vErrors === null){
vErrors = [err134];
}
else {
vErrors.push(err134);
}
errors++;
}
}
else {
const err135 = {instancePath:instancePath+"/scope/dependencies",schemaPath:"#/properties/scope/properties/dependencies/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.scope.properties.dependencies.type,parentSchema:schema11.properties.scope.properties.dependencies,data:data53};
if(vErrors === null){
vErrors = [err135];
}
else {
vErrors.push(err135);
}
errors++;
}
let data56 = data19["allow-executable"];
if(typeof data56 !== "boolean"){
const err136 = {instancePath:instancePath+"/scope/allow-executable",schemaPath:"#/properties/scope/properties/allow-executable/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties["allow-executable"].type,parentSchema:schema11.properties.scope.properties["allow-executable"],data:data56};
if(vErrors === null){
vErrors = [err136];
}
else {
vErrors.push(err136);
}
errors++;
}
let data57 = data19["allow-symlinks"];
if(typeof data57 !== "boolean"){
const err137 = {instancePath:instancePath+"/scope/allow-symlinks",schemaPath:"#/properties/scope/properties/allow-symlinks/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties["allow-symlinks"].type,parentSchema:schema11.properties.scope.properties["allow-symlinks"],data:data57};
if(vErrors === null){
vErrors = [err137];
}
else {
vErrors.push(err137);
}
errors++;
}
let data58 = data19["allow-submodules"];
if(typeof data58 !== "boolean"){
const err138 = {instancePath:instancePath+"/scope/allow-submodules",schemaPath:"#/properties/scope/properties/allow-submodules/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties["allow-submodules"].type,parentSchema:schema11.properties.scope.properties["allow-submodules"],data:data58};
if(vErrors === null){
vErrors = [err138];
}
else {
vErrors.push(err138);
}
errors++;
}
let data59 = data19["require-claimed"];
if(typeof data59 !== "boolean"){
const err139 = {instancePath:instancePath+"/scope/require-claimed",schemaPath:"#/properties/scope/properties/require-claimed/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.scope.properties["require-claimed"].type,parentSchema:schema11.properties.scope.properties["require-claimed"],data:data59};
if(vErrors === null){
vErrors = [err139];
}
else {
vErrors.push(err139);
}
errors++;
}
}
else {
const err140 = {instancePath:instancePath+"/scope",schemaPath:"#/properties/scope/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.scope.type,parentSchema:schema11.properties.scope,data:data19};
if(vErrors === null){
vErrors = [err140];
}
else {
vErrors.push(err140);
}
errors++;
}
let data60 = data.secrets;
if(data60 && typeof data60 == "object" && !Array.isArray(data60)){
if(data60["fail-on"] === undefined){
data60["fail-on"] = "fail";
}
if(data60["disabled-rules"] === undefined){
data60["disabled-rules"] = [];
}
if(data60.patterns === undefined){
data60.patterns = [];
}
if(data60.allow === undefined){
data60.allow = [];
}
for(const key10 in data60){
if(!((((key10 === "fail-on") || (key10 === "disabled-rules")) || (key10 === "patterns")) || (key10 === "allow"))){
const err141 = {instancePath:instancePath+"/secrets",schemaPath:"#/properties/secrets/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key10},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.secrets,data:data60};
if(vErrors === null){
vErrors = [err141];
}
else {
vErrors.push(err141);
}
errors++;
}
}
let data61 = data60["fail-on"];
if(typeof data61 !== "string"){
const err142 = {instancePath:instancePath+"/secrets/fail-on",schemaPath:"#/properties/secrets/properties/fail-on/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.secrets.properties["fail-on"].type,parentSchema:schema11.properties.secrets.properties["fail-on"],data:data61};
if(vErrors === null){
vErrors = [err142];
}
else {
vErrors.push(err142);
}
errors++;
}
if(!(((data61 === "fail") || (data61 === "warn")) || (data61 === "never"))){
const err143 = {instancePath:instancePath+"/secrets/fail-on",schemaPath:"#/properties/secrets/properties/fail-on/enum",keyword:"enum",params:{allowedValues: schema11.properties.secrets.properties["fail-on"].enum},message:"must be equal to one of the allowed values",schema:schema11.properties.secrets.properties["fail-on"].enum,parentSchema:schema11.properties.secrets.properties["fail-on"],data:data61};
if(vErrors === null){
vErrors = [err143];
}
else {
vErrors.push(err143);
}
errors++;
}
let data62 = data60["disabled-rules"];
if(Array.isArray(data62)){
if(data62.length > 500){
const err144 = {instancePath:instancePath+"/secrets/disabled-rules",schemaPath:"#/properties/secrets/properties/disabled-rules/maxItems",keyword:"maxItems",params:{limit: 500},message:"must NOT have more than 500 items",schema:500,parentSchema:schema11.properties.secrets.properties["disabled-rules"],data:data62};
if(vErrors === null){
vErrors = [err144];
}
else {
vErrors.push(err144);
}
errors++;
}
const len13 = data62.length;
for(let i13=0; i13<len13; i13++){
let data63 = data62[i13];
if(typeof data63 === "string"){
if(func2(data63) > 100){
const err145 = {instancePath:instancePath+"/secrets/disabled-rules/" + i13,schemaPath:"#/definitions/ruleId/maxLength",keyword:"maxLength",params:{limit: 100},message:"must NOT have more than 100 characters",schema:100,parentSchema:schema21,data:data63};
if(vErrors === null){
vErrors = [err145];
}
else {
vErrors.push(err145);
}
errors++;
}
if(func2(data63) < 1){
const err146 = {instancePath:instancePath+"/secrets/disabled-rules/" + i13,schemaPath:"#/definitions/ruleId/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema21,data:data63};
if(vErrors === null){
vErrors = [err146];
}
else {
vErrors.push(err146);
}
errors++;
}
if(!pattern4.test(data63)){
const err147 = {instancePath:instancePath+"/secrets/disabled-rules/" + i13,schemaPath:"#/definitions/ruleId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._-]*$"+"\"",schema:"^[A-Za-z0-9][A-Za-z0-9._-]*$",parentSchema:schema21,data:data63};
if(vErrors === null){
vErrors = [err147];
}
else {
vErrors.push(err147);
}
errors++;
}
}
else {
const err148 = {instancePath:instancePath+"/secrets/disabled-rules/" + i13,schemaPath:"#/definitions/ruleId/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema21.type,parentSchema:schema21,data:data63};
if(vErrors === null){
vErrors = [err148];
}
else {
vErrors.push(err148);
}
errors++;
}
}
}
else {
const err149 = {instancePath:instancePath+"/secrets/disabled-rules",schemaPath:"#/properties/secrets/properties/disabled-rules/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.secrets.properties["disabled-rules"].type,parentSchema:schema11.properties.secrets.properties["disabled-rules"],data:data62};
if(vErrors === null){
vErrors = [err149];
}
else {
vErrors.push(err149);
}
errors++;
}
let data64 = data60.patterns;
if(Array.isArray(data64)){
if(data64.length > 200){
const err150 = {instancePath:instancePath+"/secrets/patterns",schemaPath:"#/properties/secrets/properties/patterns/maxItems",keyword:"maxItems",params:{limit: 200},message:"must NOT have more than 200 items",schema:200,parentSchema:schema11.properties.secrets.properties.patterns,data:data64};
if(vErrors === null){
vErrors = [err150];
}
else {
vErrors.push(err150);
}
errors++;
}
const len14 = data64.length;
for(let i14=0; i14<len14; i14++){
let data65 = data64[i14];
if(data65 && typeof data65 == "object" && !Array.isArray(data65)){
if(data65.id === undefined){
const err151 = {instancePath:instancePath+"/secrets/patterns/" + i14,schemaPath:"#/properties/secrets/properties/patterns/items/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'",schema:schema11.properties.secrets.properties.patterns.items.required,parentSchema:schema11.properties.secrets.properties.patterns.items,data:data65};
if(vErrors === null){
vErrors = [err151];
}
else {
vErrors.push(err151);
}
errors++;
}
if(data65.regex === undefined){
const err152 = {instancePath:instancePath+"/secrets/patterns/" + i14,schemaPath:"#/properties/secrets/properties/patterns/items/required",keyword:"required",params:{missingProperty: "regex"},message:"must have required property '"+"regex"+"'",schema:schema11.properties.secrets.properties.patterns.items.required,parentSchema:schema11.properties.secrets.properties.patterns.items,data:data65};
if(vErrors === null){
vErrors = [err152];
}
else {
vErrors.push(err152);
}
errors++;
}
for(const key11 in data65){
if(!(((key11 === "id") || (key11 === "regex")) || (key11 === "description"))){
const err153 = {instancePath:instancePath+"/secrets/patterns/" + i14,schemaPath:"#/properties/secrets/properties/patterns/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key11},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.secrets.properties.patterns.items,data:data65};
if(vErrors === null){
vErrors = [err153];
}
else {
vErrors.push(err153);
}
errors++;
}
}
if(data65.id !== undefined){
let data66 = data65.id;
if(typeof data66 === "string"){
if(func2(data66) > 100){
const err154 = {instancePath:instancePath+"/secrets/patterns/" + i14+"/id",schemaPath:"#/properties/secrets/properties/patterns/items/properties/id/maxLength",keyword:"maxLength",params:{limit: 100},message:"must NOT have more than 100 characters",schema:100,parentSchema:schema11.properties.secrets.properties.patterns.items.properties.id,data:data66};
if(vErrors === null){
vErrors = [err154];
}
else {
vErrors.push(err154);
}
errors++;
}
if(func2(data66) < 1){
const err155 = {instancePath:instancePath+"/secrets/patterns/" + i14+"/id",schemaPath:"#/properties/secrets/properties/patterns/items/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.secrets.properties.patterns.items.properties.id,data:data66};
if(vErrors === null){
vErrors = [err155];
}
else {
vErrors.push(err155);
}
errors++;
}
if(!pattern4.test(data66)){
const err156 = {instancePath:instancePath+"/secrets/patterns/" + i14+"/id",schemaPath:"#/properties/secrets/properties/patterns/items/properties/id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._-]*$"+"\"",schema:"^[A-Za-z0-9][A-Za-z0-9._-]*$",parentSchema:schema11.properties.secrets.properties.patterns.items.properties.id,data:data66};
if(vErrors === null){
vErrors = [err156];
}
else {
vErrors.push(err156);
}
errors++;
}
}
else {
const err157 = {instancePath:instancePath+"/secrets/patterns/" + i14+"/id",schemaPath:"#/properties/secrets/properties/patterns/items/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.secrets.properties.patterns.items.properties.id.type,parentSchema:schema11.properties.secrets.properties.patterns.items.properties.id,data:data66};
if(vErrors === null){
vErrors = [err157];
}
else {
vErrors.push(err157);
}
errors++;
}
}
if(data65.regex !== undefined){
let data67 = data65.regex;
if(typeof data67 === "string"){
if(func2(data67) > 1000){
const err158 = {instancePath:instancePath+"/secrets/patterns/" + i14+"/regex",schemaPath:"#/properties/secrets/properties/patterns/items/properties/regex/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema11.properties.secrets.properties.patterns.items.properties.regex,data:data67};
if(vErrors === null){
vErrors = [err158];
}
else {
vErrors.push(err158);
}
errors++;
}
if(func2(data67) < 1){
const err159 = {instancePath:instancePath+"/secrets/patterns/" + i14+"/regex",schemaPath:"#/properties/secrets/properties/patterns/items/properties/regex/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.secrets.properties.patterns.items.properties.regex,data:data67};
if(vErrors === null){
vErrors = [err159];
}
else {
vErrors.push(err159);
}
errors++;
}
}
else {
const err160 = {instancePath:instancePath+"/secrets/patterns/" + i14+"/regex",schemaPath:"#/properties/secrets/properties/patterns/items/properties/regex/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.secrets.properties.patterns.items.properties.regex.type,parentSchema:schema11.properties.secrets.properties.patterns.items.properties.regex,data:data67};
if(vErrors === null){
vErrors = [err160];
}
else {
vErrors.push(err160);
}
errors++;
}
}
if(data65.description !== undefined){
let data68 = data65.description;
if(typeof data68 === "string"){
if(func2(data68) > 500){
const err161 = {instancePath:instancePath+"/secrets/patterns/" + i14+"/description",schemaPath:"#/properties/secrets/properties/patterns/items/properties/description/maxLength",keyword:"maxLength",params:{limit: 500},message:"must NOT have more than 500 characters",schema:500,parentSchema:schema11.properties.secrets.properties.patterns.items.properties.description,data:data68};
if(vErrors === null){
vErrors = [err161];
}
else {
vErrors.push(err161);
}
errors++;
}
}
else {
const err162 = {instancePath:instancePath+"/secrets/patterns/" + i14+"/description",schemaPath:"#/properties/secrets/properties/patterns/items/properties/description/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.secrets.properties.patterns.items.properties.description.type,parentSchema:schema11.properties.secrets.properties.patterns.items.properties.description,data:data68};
if(vErrors === null){
vErrors = [err162];
}
else {
vErrors.push(err162);
}
errors++;
}
}
}
else {
const err163 = {instancePath:instancePath+"/secrets/patterns/" + i14,schemaPath:"#/properties/secrets/properties/patterns/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.secrets.properties.patterns.items.type,parentSchema:schema11.properties.secrets.properties.patterns.items,data:data65};
if(vErrors === null){
vErrors = [err163];
}
else {
vErrors.push(err163);
}
errors++;
}
}
}
else {
const err164 = {instancePath:instancePath+"/secrets/patterns",schemaPath:"#/properties/secrets/properties/patterns/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.secrets.properties.patterns.type,parentSchema:schema11.properties.secrets.properties.patterns,data:data64};
if(vErrors === null){
vErrors = [err164];
}
else {
vErrors.push(err164);
}
errors++;
}
let data69 = data60.allow;
if(Array.isArray(data69)){
if(data69.length > 500){
const err165 = {instancePath:instancePath+"/secrets/allow",schemaPath:"#/properties/secrets/properties/allow/maxItems",keyword:"maxItems",params:{limit: 500},message:"must NOT have more than 500 items",schema:500,parentSchema:schema11.properties.secrets.properties.allow,data:data69};
if(vErrors === null){
vErrors = [err165];
}
else {
vErrors.push(err165);
}
errors++;
}
const len15 = data69.length;
for(let i15=0; i15<len15; i15++){
let data70 = data69[i15];
if(data70 && typeof data70 == "object" && !Array.isArray(data70)){
if(data70.reason === undefined){
const err166 = {instancePath:instancePath+"/secrets/allow/" + i15,schemaPath:"#/properties/secrets/properties/allow/items/required",keyword:"required",params:{missingProperty: "reason"},message:"must have required property '"+"reason"+"'",schema:schema11.properties.secrets.properties.allow.items.required,parentSchema:schema11.properties.secrets.properties.allow.items,data:data70};
if(vErrors === null){
vErrors = [err166];
}
else {
vErrors.push(err166);
}
errors++;
}
for(const key12 in data70){
if(!((((key12 === "paths") || (key12 === "regex")) || (key12 === "rules")) || (key12 === "reason"))){
const err167 = {instancePath:instancePath+"/secrets/allow/" + i15,schemaPath:"#/properties/secrets/properties/allow/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key12},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.secrets.properties.allow.items,data:data70};
if(vErrors === null){
vErrors = [err167];
}
else {
vErrors.push(err167);
}
errors++;
}
}
if(data70.paths !== undefined){
let data71 = data70.paths;
if(Array.isArray(data71)){
if(data71.length > 100){
const err168 = {instancePath:instancePath+"/secrets/allow/" + i15+"/paths",schemaPath:"#/properties/secrets/properties/allow/items/properties/paths/maxItems",keyword:"maxItems",params:{limit: 100},message:"must NOT have more than 100 items",schema:100,parentSchema:schema11.properties.secrets.properties.allow.items.properties.paths,data:data71};
if(vErrors === null){
vErrors = [err168];
}
else {
vErrors.push(err168);
}
errors++;
}
if(data71.length < 1){
const err169 = {instancePath:instancePath+"/secrets/allow/" + i15+"/paths",schemaPath:"#/properties/secrets/properties/allow/items/properties/paths/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.secrets.properties.allow.items.properties.paths,data:data71};
if(vErrors === null){
vErrors = [err169];
}
else {
vErrors.push(err169);
}
errors++;
}
const len16 = data71.length;
for(let i16=0; i16<len16; i16++){
let data72 = data71[i16];
if(typeof data72 === "string"){
if(func2(data72) > 1000){
const err170 = {instancePath:instancePath+"/secrets/allow/" + i15+"/paths/" + i16,schemaPath:"#/definitions/pathGlob/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema15,data:data72};
if(vErrors === null){
vErrors = [err170];
}
else {
vErrors.push(err170);
}
errors++;
}
if(func2(data72) < 1){
const err171 = {instancePath:instancePath+"/secrets/allow/" + i15+"/paths/" + i16,schemaPath:"#/definitions/pathGlob/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15,data:data72};
if(vErrors === null){
vErrors = [err171];
}
else {
vErrors.push(err171);
}
errors++;
}
}
else {
const err172 = {instancePath:instancePath+"/secrets/allow/" + i15+"/paths/" + i16,schemaPath:"#/definitions/pathGlob/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.type,parentSchema:schema15,data:data72};
if(vErrors === null){
vErrors = [err172];
}
else {
vErrors.push(err172);
}
errors++;
}
}
}
else {
const err173 = {instancePath:instancePath+"/secrets/allow/" + i15+"/paths",schemaPath:"#/properties/secrets/properties/allow/items/properties/paths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.secrets.properties.allow.items.properties.paths.type,parentSchema:schema11.properties.secrets.properties.allow.items.properties.paths,data:data71};
if(vErrors === null){
vErrors = [err173];
}
else {
vErrors.push(err173);
}
errors++;
}
}
if(data70.regex !== undefined){
let data73 = data70.regex;
if(typeof data73 === "string"){
if(func2(data73) > 1000){
const err174 = {instancePath:instancePath+"/secrets/allow/" + i15+"/regex",schemaPath:"#/properties/secrets/properties/allow/items/properties/regex/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema11.properties.secrets.properties.allow.items.properties.regex,data:data73};
if(vErrors === null){
vErrors = [err174];
}
else {
vErrors.push(err174);
}
errors++;
}
if(func2(data73) < 1){
const err175 = {instancePath:instancePath+"/secrets/allow/" + i15+"/regex",schemaPath:"#/properties/secrets/properties/allow/items/properties/regex/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.secrets.properties.allow.items.properties.regex,data:data73};
if(vErrors === null){
vErrors = [err175];
}
else {
vErrors.push(err175);
}
errors++;
}
}
else {
const err176 = {instancePath:instancePath+"/secrets/allow/" + i15+"/regex",schemaPath:"#/properties/secrets/properties/allow/items/properties/regex/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.secrets.properties.allow.items.properties.regex.type,parentSchema:schema11.properties.secrets.properties.allow.items.properties.regex,data:data73};
if(vErrors === null){
vErrors = [err176];
}
else {
vErrors.push(err176);
}
errors++;
}
}
if(data70.rules !== undefined){
let data74 = data70.rules;
if(Array.isArray(data74)){
if(data74.length > 100){
const err177 = {instancePath:instancePath+"/secrets/allow/" + i15+"/rules",schemaPath:"#/properties/secrets/properties/allow/items/properties/rules/maxItems",keyword:"maxItems",params:{limit: 100},message:"must NOT have more than 100 items",schema:100,parentSchema:schema11.properties.secrets.properties.allow.items.properties.rules,data:data74};
if(vErrors === null){
vErrors = [err177];
}
else {
vErrors.push(err177);
}
errors++;
}
if(data74.length < 1){
const err178 = {instancePath:instancePath+"/secrets/allow/" + i15+"/rules",schemaPath:"#/properties/secrets/properties/allow/items/properties/rules/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.secrets.properties.allow.items.properties.rules,data:data74};
if(vErrors === null){
vErrors = [err178];
}
else {
vErrors.push(err178);
}
errors++;
}
const len17 = data74.length;
for(let i17=0; i17<len17; i17++){
let data75 = data74[i17];
if(typeof data75 === "string"){
if(func2(data75) > 100){
const err179 = {instancePath:instancePath+"/secrets/allow/" + i15+"/rules/" + i17,schemaPath:"#/definitions/ruleId/maxLength",keyword:"maxLength",params:{limit: 100},message:"must NOT have more than 100 characters",schema:100,parentSchema:schema21,data:data75};
if(vErrors === null){
vErrors = [err179];
}
else {
vErrors.push(err179);
}
errors++;
}
if(func2(data75) < 1){
const err180 = {instancePath:instancePath+"/secrets/allow/" + i15+"/rules/" + i17,schemaPath:"#/definitions/ruleId/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema21,data:data75};
if(vErrors === null){
vErrors = [err180];
}
else {
vErrors.push(err180);
}
errors++;
}
if(!pattern4.test(data75)){
const err181 = {instancePath:instancePath+"/secrets/allow/" + i15+"/rules/" + i17,schemaPath:"#/definitions/ruleId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._-]*$"+"\"",schema:"^[A-Za-z0-9][A-Za-z0-9._-]*$",parentSchema:schema21,data:data75};
if(vErrors === null){
vErrors = [err181];
}
else {
vErrors.push(err181);
}
errors++;
}
}
else {
const err182 = {instancePath:instancePath+"/secrets/allow/" + i15+"/rules/" + i17,schemaPath:"#/definitions/ruleId/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema21.type,parentSchema:schema21,data:data75};
if(vErrors === null){
vErrors = [err182];
}
else {
vErrors.push(err182);
}
errors++;
}
}
}
else {
const err183 = {instancePath:instancePath+"/secrets/allow/" + i15+"/rules",schemaPath:"#/properties/secrets/properties/allow/items/properties/rules/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.secrets.properties.allow.items.properties.rules.type,parentSchema:schema11.properties.secrets.properties.allow.items.properties.rules,data:data74};
if(vErrors === null){
vErrors = [err183];
}
else {
vErrors.push(err183);
}
errors++;
}
}
if(data70.reason !== undefined){
let data76 = data70.reason;
if(typeof data76 === "string"){
if(func2(data76) > 1000){
const err184 = {instancePath:instancePath+"/secrets/allow/" + i15+"/reason",schemaPath:"#/properties/secrets/properties/allow/items/properties/reason/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema11.properties.secrets.properties.allow.items.properties.reason,data:data76};
if(vErrors === null){
vErrors = [err184];
}
else {
vErrors.push(err184);
}
errors++;
}
if(func2(data76) < 1){
const err185 = {instancePath:instancePath+"/secrets/allow/" + i15+"/reason",schemaPath:"#/properties/secrets/properties/allow/items/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.secrets.properties.allow.items.properties.reason,data:data76};
if(vErrors === null){
vErrors = [err185];
}
else {
vErrors.push(err185);
}
errors++;
}
if(!pattern3.test(data76)){
const err186 = {instancePath:instancePath+"/secrets/allow/" + i15+"/reason",schemaPath:"#/properties/secrets/properties/allow/items/properties/reason/pattern",keyword:"pattern",params:{pattern: "\\S"},message:"must match pattern \""+"\\S"+"\"",schema:"\\S",parentSchema:schema11.properties.secrets.properties.allow.items.properties.reason,data:data76};
if(vErrors === null){
vErrors = [err186];
}
else {
vErrors.push(err186);
}
errors++;
}
}
else {
const err187 = {instancePath:instancePath+"/secrets/allow/" + i15+"/reason",schemaPath:"#/properties/secrets/properties/allow/items/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.secrets.properties.allow.items.properties.reason.type,parentSchema:schema11.properties.secrets.properties.allow.items.properties.reason,data:data76};
if(vErrors === null){
vErrors = [err187];
}
else {
vErrors.push(err187);
}
errors++;
}
}
}
else {
const err188 = {instancePath:instancePath+"/secrets/allow/" + i15,schemaPath:"#/properties/secrets/properties/allow/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.secrets.properties.allow.items.type,parentSchema:schema11.properties.secrets.properties.allow.items,data:data70};
if(vErrors === null){
vErrors = [err188];
}
else {
vErrors.push(err188);
}
errors++;
}
}
}
else {
const err189 = {instancePath:instancePath+"/secrets/allow",schemaPath:"#/properties/secrets/properties/allow/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.secrets.properties.allow.type,parentSchema:schema11.properties.secrets.properties.allow,data:data69};
if(vErrors === null){
vErrors = [err189];
}
else {
vErrors.push(err189);
}
errors++;
}
}
else {
const err190 = {instancePath:instancePath+"/secrets",schemaPath:"#/properties/secrets/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.secrets.type,parentSchema:schema11.properties.secrets,data:data60};
if(vErrors === null){
vErrors = [err190];
}
else {
vErrors.push(err190);
}
errors++;
}
let data77 = data.transcript;
if(data77 && typeof data77 == "object" && !Array.isArray(data77)){
if(data77.redact === undefined){
data77.redact = true;
}
if(data77["allowed-tools"] === undefined){
data77["allowed-tools"] = ["*"];
}
if(data77["denied-tools"] === undefined){
data77["denied-tools"] = [];
}
if(data77["redact-patterns"] === undefined){
data77["redact-patterns"] = [];
}
if(data77["retention-days"] === undefined){
data77["retention-days"] = 30;
}
if(data77["max-bytes"] === undefined){
data77["max-bytes"] = 2147483648;
}
if(data77["allow-outside-workspace"] === undefined){
data77["allow-outside-workspace"] = false;
}
for(const key13 in data77){
if(!(((((((key13 === "redact") || (key13 === "allowed-tools")) || (key13 === "denied-tools")) || (key13 === "redact-patterns")) || (key13 === "retention-days")) || (key13 === "max-bytes")) || (key13 === "allow-outside-workspace"))){
const err191 = {instancePath:instancePath+"/transcript",schemaPath:"#/properties/transcript/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key13},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.transcript,data:data77};
if(vErrors === null){
vErrors = [err191];
}
else {
vErrors.push(err191);
}
errors++;
}
}
let data78 = data77.redact;
if(typeof data78 !== "boolean"){
const err192 = {instancePath:instancePath+"/transcript/redact",schemaPath:"#/properties/transcript/properties/redact/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.transcript.properties.redact.type,parentSchema:schema11.properties.transcript.properties.redact,data:data78};
if(vErrors === null){
vErrors = [err192];
}
else {
vErrors.push(err192);
}
errors++;
}
let data79 = data77["allowed-tools"];
if(Array.isArray(data79)){
if(data79.length > 500){
const err193 = {instancePath:instancePath+"/transcript/allowed-tools",schemaPath:"#/properties/transcript/properties/allowed-tools/maxItems",keyword:"maxItems",params:{limit: 500},message:"must NOT have more than 500 items",schema:500,parentSchema:schema11.properties.transcript.properties["allowed-tools"],data:data79};
if(vErrors === null){
vErrors = [err193];
}
else {
vErrors.push(err193);
}
errors++;
}
const len18 = data79.length;
for(let i18=0; i18<len18; i18++){
let data80 = data79[i18];
if(typeof data80 === "string"){
if(func2(data80) > 1000){
const err194 = {instancePath:instancePath+"/transcript/allowed-tools/" + i18,schemaPath:"#/definitions/toolPattern/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema24,data:data80};
if(vErrors === null){
vErrors = [err194];
}
else {
vErrors.push(err194);
}
errors++;
}
if(func2(data80) < 1){
const err195 = {instancePath:instancePath+"/transcript/allowed-tools/" + i18,schemaPath:"#/definitions/toolPattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema24,data:data80};
if(vErrors === null){
vErrors = [err195];
}
else {
vErrors.push(err195);
}
errors++;
}
}
else {
const err196 = {instancePath:instancePath+"/transcript/allowed-tools/" + i18,schemaPath:"#/definitions/toolPattern/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema24.type,parentSchema:schema24,data:data80};
if(vErrors === null){
vErrors = [err196];
}
else {
vErrors.push(err196);
}
errors++;
}
}
}
else {
const err197 = {instancePath:instancePath+"/transcript/allowed-tools",schemaPath:"#/properties/transcript/properties/allowed-tools/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.transcript.properties["allowed-tools"].type,parentSchema:schema11.properties.transcript.properties["allowed-tools"],data:data79};
if(vErrors === null){
vErrors = [err197];
}
else {
vErrors.push(err197);
}
errors++;
}
let data81 = data77["denied-tools"];
if(Array.isArray(data81)){
if(data81.length > 500){
const err198 = {instancePath:instancePath+"/transcript/denied-tools",schemaPath:"#/properties/transcript/properties/denied-tools/maxItems",keyword:"maxItems",params:{limit: 500},message:"must NOT have more than 500 items",schema:500,parentSchema:schema11.properties.transcript.properties["denied-tools"],data:data81};
if(vErrors === null){
vErrors = [err198];
}
else {
vErrors.push(err198);
}
errors++;
}
const len19 = data81.length;
for(let i19=0; i19<len19; i19++){
let data82 = data81[i19];
if(typeof data82 === "string"){
if(func2(data82) > 1000){
const err199 = {instancePath:instancePath+"/transcript/denied-tools/" + i19,schemaPath:"#/definitions/toolPattern/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema24,data:data82};
if(vErrors === null){
vErrors = [err199];
}
else {
vErrors.push(err199);
}
errors++;
}
if(func2(data82) < 1){
const err200 = {instancePath:instancePath+"/transcript/denied-tools/" + i19,schemaPath:"#/definitions/toolPattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema24,data:data82};
if(vErrors === null){
vErrors = [err200];
}
else {
vErrors.push(err200);
}
errors++;
}
}
else {
const err201 = {instancePath:instancePath+"/transcript/denied-tools/" + i19,schemaPath:"#/definitions/toolPattern/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema24.type,parentSchema:schema24,data:data82};
if(vErrors === null){
vErrors = [err201];
}
else {
vErrors.push(err201);
}
errors++;
}
}
}
else {
const err202 = {instancePath:instancePath+"/transcript/denied-tools",schemaPath:"#/properties/transcript/properties/denied-tools/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.transcript.properties["denied-tools"].type,parentSchema:schema11.properties.transcript.properties["denied-tools"],data:data81};
if(vErrors === null){
vErrors = [err202];
}
else {
vErrors.push(err202);
}
errors++;
}
let data83 = data77["redact-patterns"];
if(Array.isArray(data83)){
if(data83.length > 200){
const err203 = {instancePath:instancePath+"/transcript/redact-patterns",schemaPath:"#/properties/transcript/properties/redact-patterns/maxItems",keyword:"maxItems",params:{limit: 200},message:"must NOT have more than 200 items",schema:200,parentSchema:schema11.properties.transcript.properties["redact-patterns"],data:data83};
if(vErrors === null){
vErrors = [err203];
}
else {
vErrors.push(err203);
}
errors++;
}
const len20 = data83.length;
for(let i20=0; i20<len20; i20++){
let data84 = data83[i20];
if(typeof data84 === "string"){
if(func2(data84) > 1000){
const err204 = {instancePath:instancePath+"/transcript/redact-patterns/" + i20,schemaPath:"#/properties/transcript/properties/redact-patterns/items/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema11.properties.transcript.properties["redact-patterns"].items,data:data84};
if(vErrors === null){
vErrors = [err204];
}
else {
vErrors.push(err204);
}
errors++;
}
if(func2(data84) < 1){
const err205 = {instancePath:instancePath+"/transcript/redact-patterns/" + i20,schemaPath:"#/properties/transcript/properties/redact-patterns/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.transcript.properties["redact-patterns"].items,data:data84};
if(vErrors === null){
vErrors = [err205];
}
else {
vErrors.push(err205);
}
errors++;
}
}
else {
const err206 = {instancePath:instancePath+"/transcript/redact-patterns/" + i20,schemaPath:"#/properties/transcript/properties/redact-patterns/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.transcript.properties["redact-patterns"].items.type,parentSchema:schema11.properties.transcript.properties["redact-patterns"].items,data:data84};
if(vErrors === null){
vErrors = [err206];
}
else {
vErrors.push(err206);
}
errors++;
}
}
}
else {
const err207 = {instancePath:instancePath+"/transcript/redact-patterns",schemaPath:"#/properties/transcript/properties/redact-patterns/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.transcript.properties["redact-patterns"].type,parentSchema:schema11.properties.transcript.properties["redact-patterns"],data:data83};
if(vErrors === null){
vErrors = [err207];
}
else {
vErrors.push(err207);
}
errors++;
}
let data85 = data77["retention-days"];
if(!(((typeof data85 == "number") && (!(data85 % 1) && !isNaN(data85))) && (isFinite(data85)))){
const err208 = {instancePath:instancePath+"/transcript/retention-days",schemaPath:"#/properties/transcript/properties/retention-days/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.transcript.properties["retention-days"].type,parentSchema:schema11.properties.transcript.properties["retention-days"],data:data85};
if(vErrors === null){
vErrors = [err208];
}
else {
vErrors.push(err208);
}
errors++;
}
if((typeof data85 == "number") && (isFinite(data85))){
if(data85 > 90 || isNaN(data85)){
const err209 = {instancePath:instancePath+"/transcript/retention-days",schemaPath:"#/properties/transcript/properties/retention-days/maximum",keyword:"maximum",params:{comparison: "<=", limit: 90},message:"must be <= 90",schema:90,parentSchema:schema11.properties.transcript.properties["retention-days"],data:data85};
if(vErrors === null){
vErrors = [err209];
}
else {
vErrors.push(err209);
}
errors++;
}
if(data85 < 1 || isNaN(data85)){
const err210 = {instancePath:instancePath+"/transcript/retention-days",schemaPath:"#/properties/transcript/properties/retention-days/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.transcript.properties["retention-days"],data:data85};
if(vErrors === null){
vErrors = [err210];
}
else {
vErrors.push(err210);
}
errors++;
}
}
let data86 = data77["max-bytes"];
if(!(((typeof data86 == "number") && (!(data86 % 1) && !isNaN(data86))) && (isFinite(data86)))){
const err211 = {instancePath:instancePath+"/transcript/max-bytes",schemaPath:"#/properties/transcript/properties/max-bytes/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.transcript.properties["max-bytes"].type,parentSchema:schema11.properties.transcript.properties["max-bytes"],data:data86};
if(vErrors === null){
vErrors = [err211];
}
else {
vErrors.push(err211);
}
errors++;
}
if((typeof data86 == "number") && (isFinite(data86))){
if(data86 > 17179869184 || isNaN(data86)){
const err212 = {instancePath:instancePath+"/transcript/max-bytes",schemaPath:"#/properties/transcript/properties/max-bytes/maximum",keyword:"maximum",params:{comparison: "<=", limit: 17179869184},message:"must be <= 17179869184",schema:17179869184,parentSchema:schema11.properties.transcript.properties["max-bytes"],data:data86};
if(vErrors === null){
vErrors = [err212];
}
else {
vErrors.push(err212);
}
errors++;
}
if(data86 < 1024 || isNaN(data86)){
const err213 = {instancePath:instancePath+"/transcript/max-bytes",schemaPath:"#/properties/transcript/properties/max-bytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1024},message:"must be >= 1024",schema:1024,parentSchema:schema11.properties.transcript.properties["max-bytes"],data:data86};
if(vErrors === null){
vErrors = [err213];
}
else {
vErrors.push(err213);
}
errors++;
}
}
let data87 = data77["allow-outside-workspace"];
if(typeof data87 !== "boolean"){
const err214 = {instancePath:instancePath+"/transcript/allow-outside-workspace",schemaPath:"#/properties/transcript/properties/allow-outside-workspace/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.transcript.properties["allow-outside-workspace"].type,parentSchema:schema11.properties.transcript.properties["allow-outside-workspace"],data:data87};
if(vErrors === null){
vErrors = [err214];
}
else {
vErrors.push(err214);
}
errors++;
}
}
else {
const err215 = {instancePath:instancePath+"/transcript",schemaPath:"#/properties/transcript/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.transcript.type,parentSchema:schema11.properties.transcript,data:data77};
if(vErrors === null){
vErrors = [err215];
}
else {
vErrors.push(err215);
}
errors++;
}
let data88 = data.routing;
if(data88 && typeof data88 == "object" && !Array.isArray(data88)){
if(data88["auto-approve-threshold"] === undefined){
data88["auto-approve-threshold"] = 0.9;
}
if(data88["reject-threshold"] === undefined){
data88["reject-threshold"] = 0.3;
}
if(data88.thresholds === undefined){
data88.thresholds = {};
}
if(data88["agent-thresholds"] === undefined){
data88["agent-thresholds"] = {};
}
if(data88["human-thresholds"] === undefined){
data88["human-thresholds"] = {};
}
if(data88["require-human-for"] === undefined){
data88["require-human-for"] = ["protected-path","secret-finding","tool-violation","scope-violation","missing-signal"];
}
if(data88.unknown === undefined){
data88.unknown = "human_review";
}
if(data88["expected-signals"] === undefined){
data88["expected-signals"] = ["capture-transcript","verify-manifest","diff-scope"];
}
if(data88["on-gate-fail"] === undefined){
data88["on-gate-fail"] = {};
}
if(data88.weights === undefined){
data88.weights = {};
}
if(data88["path-tiers"] === undefined){
data88["path-tiers"] = [];
}
if(data88.reviewers === undefined){
data88.reviewers = [];
}
if(data88["agent-authors"] === undefined){
data88["agent-authors"] = {};
}
for(const key14 in data88){
if(!(func14.call(schema11.properties.routing.properties, key14))){
const err216 = {instancePath:instancePath+"/routing",schemaPath:"#/properties/routing/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key14},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.routing,data:data88};
if(vErrors === null){
vErrors = [err216];
}
else {
vErrors.push(err216);
}
errors++;
}
}
let data89 = data88["auto-approve-threshold"];
if((typeof data89 == "number") && (isFinite(data89))){
if(data89 > 1 || isNaN(data89)){
const err217 = {instancePath:instancePath+"/routing/auto-approve-threshold",schemaPath:"#/properties/routing/properties/auto-approve-threshold/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties["auto-approve-threshold"],data:data89};
if(vErrors === null){
vErrors = [err217];
}
else {
vErrors.push(err217);
}
errors++;
}
if(data89 < 0 || isNaN(data89)){
const err218 = {instancePath:instancePath+"/routing/auto-approve-threshold",schemaPath:"#/properties/routing/properties/auto-approve-threshold/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties["auto-approve-threshold"],data:data89};
if(vErrors === null){
vErrors = [err218];
}
else {
vErrors.push(err218);
}
errors++;
}
}
else {
const err219 = {instancePath:instancePath+"/routing/auto-approve-threshold",schemaPath:"#/properties/routing/properties/auto-approve-threshold/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties["auto-approve-threshold"].type,parentSchema:schema11.properties.routing.properties["auto-approve-threshold"],data:data89};
if(vErrors === null){
vErrors = [err219];
}
else {
vErrors.push(err219);
}
errors++;
}
let data90 = data88["reject-threshold"];
if((typeof data90 == "number") && (isFinite(data90))){
if(data90 > 1 || isNaN(data90)){
const err220 = {instancePath:instancePath+"/routing/reject-threshold",schemaPath:"#/properties/routing/properties/reject-threshold/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties["reject-threshold"],data:data90};
if(vErrors === null){
vErrors = [err220];
}
else {
vErrors.push(err220);
}
errors++;
}
if(data90 < 0 || isNaN(data90)){
const err221 = {instancePath:instancePath+"/routing/reject-threshold",schemaPath:"#/properties/routing/properties/reject-threshold/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties["reject-threshold"],data:data90};
if(vErrors === null){
vErrors = [err221];
}
else {
vErrors.push(err221);
}
errors++;
}
}
else {
const err222 = {instancePath:instancePath+"/routing/reject-threshold",schemaPath:"#/properties/routing/properties/reject-threshold/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties["reject-threshold"].type,parentSchema:schema11.properties.routing.properties["reject-threshold"],data:data90};
if(vErrors === null){
vErrors = [err222];
}
else {
vErrors.push(err222);
}
errors++;
}
let data91 = data88.thresholds;
if(data91 && typeof data91 == "object" && !Array.isArray(data91)){
for(const key15 in data91){
if(!(((key15 === "low") || (key15 === "medium")) || (key15 === "high"))){
const err223 = {instancePath:instancePath+"/routing/thresholds",schemaPath:"#/properties/routing/properties/thresholds/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key15},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.routing.properties.thresholds,data:data91};
if(vErrors === null){
vErrors = [err223];
}
else {
vErrors.push(err223);
}
errors++;
}
}
if(data91.low !== undefined){
let data92 = data91.low;
if((typeof data92 == "number") && (isFinite(data92))){
if(data92 > 1 || isNaN(data92)){
const err224 = {instancePath:instancePath+"/routing/thresholds/low",schemaPath:"#/properties/routing/properties/thresholds/properties/low/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties.thresholds.properties.low,data:data92};
if(vErrors === null){
vErrors = [err224];
}
else {
vErrors.push(err224);
}
errors++;
}
if(data92 < 0 || isNaN(data92)){
const err225 = {instancePath:instancePath+"/routing/thresholds/low",schemaPath:"#/properties/routing/properties/thresholds/properties/low/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties.thresholds.properties.low,data:data92};
if(vErrors === null){
vErrors = [err225];
}
else {
vErrors.push(err225);
}
errors++;
}
}
else {
const err226 = {instancePath:instancePath+"/routing/thresholds/low",schemaPath:"#/properties/routing/properties/thresholds/properties/low/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties.thresholds.properties.low.type,parentSchema:schema11.properties.routing.properties.thresholds.properties.low,data:data92};
if(vErrors === null){
vErrors = [err226];
}
else {
vErrors.push(err226);
}
errors++;
}
}
if(data91.medium !== undefined){
let data93 = data91.medium;
if((typeof data93 == "number") && (isFinite(data93))){
if(data93 > 1 || isNaN(data93)){
const err227 = {instancePath:instancePath+"/routing/thresholds/medium",schemaPath:"#/properties/routing/properties/thresholds/properties/medium/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties.thresholds.properties.medium,data:data93};
if(vErrors === null){
vErrors = [err227];
}
else {
vErrors.push(err227);
}
errors++;
}
if(data93 < 0 || isNaN(data93)){
const err228 = {instancePath:instancePath+"/routing/thresholds/medium",schemaPath:"#/properties/routing/properties/thresholds/properties/medium/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties.thresholds.properties.medium,data:data93};
if(vErrors === null){
vErrors = [err228];
}
else {
vErrors.push(err228);
}
errors++;
}
}
else {
const err229 = {instancePath:instancePath+"/routing/thresholds/medium",schemaPath:"#/properties/routing/properties/thresholds/properties/medium/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties.thresholds.properties.medium.type,parentSchema:schema11.properties.routing.properties.thresholds.properties.medium,data:data93};
if(vErrors === null){
vErrors = [err229];
}
else {
vErrors.push(err229);
}
errors++;
}
}
if(data91.high !== undefined){
let data94 = data91.high;
if((typeof data94 == "number") && (isFinite(data94))){
if(data94 > 1 || isNaN(data94)){
const err230 = {instancePath:instancePath+"/routing/thresholds/high",schemaPath:"#/properties/routing/properties/thresholds/properties/high/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties.thresholds.properties.high,data:data94};
if(vErrors === null){
vErrors = [err230];
}
else {
vErrors.push(err230);
}
errors++;
}
if(data94 < 0 || isNaN(data94)){
const err231 = {instancePath:instancePath+"/routing/thresholds/high",schemaPath:"#/properties/routing/properties/thresholds/properties/high/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties.thresholds.properties.high,data:data94};
if(vErrors === null){
vErrors = [err231];
}
else {
vErrors.push(err231);
}
errors++;
}
}
else {
const err232 = {instancePath:instancePath+"/routing/thresholds/high",schemaPath:"#/properties/routing/properties/thresholds/properties/high/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties.thresholds.properties.high.type,parentSchema:schema11.properties.routing.properties.thresholds.properties.high,data:data94};
if(vErrors === null){
vErrors = [err232];
}
else {
vErrors.push(err232);
}
errors++;
}
}
}
else {
const err233 = {instancePath:instancePath+"/routing/thresholds",schemaPath:"#/properties/routing/properties/thresholds/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.routing.properties.thresholds.type,parentSchema:schema11.properties.routing.properties.thresholds,data:data91};
if(vErrors === null){
vErrors = [err233];
}
else {
vErrors.push(err233);
}
errors++;
}
let data95 = data88["agent-thresholds"];
if(data95 && typeof data95 == "object" && !Array.isArray(data95)){
for(const key16 in data95){
if(!(((key16 === "low") || (key16 === "medium")) || (key16 === "high"))){
const err234 = {instancePath:instancePath+"/routing/agent-thresholds",schemaPath:"#/properties/routing/properties/agent-thresholds/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key16},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.routing.properties["agent-thresholds"],data:data95};
if(vErrors === null){
vErrors = [err234];
}
else {
vErrors.push(err234);
}
errors++;
}
}
if(data95.low !== undefined){
let data96 = data95.low;
if((typeof data96 == "number") && (isFinite(data96))){
if(data96 > 1 || isNaN(data96)){
const err235 = {instancePath:instancePath+"/routing/agent-thresholds/low",schemaPath:"#/properties/routing/properties/agent-thresholds/properties/low/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties["agent-thresholds"].properties.low,data:data96};
if(vErrors === null){
vErrors = [err235];
}
else {
vErrors.push(err235);
}
errors++;
}
if(data96 < 0 || isNaN(data96)){
const err236 = {instancePath:instancePath+"/routing/agent-thresholds/low",schemaPath:"#/properties/routing/properties/agent-thresholds/properties/low/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties["agent-thresholds"].properties.low,data:data96};
if(vErrors === null){
vErrors = [err236];
}
else {
vErrors.push(err236);
}
errors++;
}
}
else {
const err237 = {instancePath:instancePath+"/routing/agent-thresholds/low",schemaPath:"#/properties/routing/properties/agent-thresholds/properties/low/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties["agent-thresholds"].properties.low.type,parentSchema:schema11.properties.routing.properties["agent-thresholds"].properties.low,data:data96};
if(vErrors === null){
vErrors = [err237];
}
else {
vErrors.push(err237);
}
errors++;
}
}
if(data95.medium !== undefined){
let data97 = data95.medium;
if((typeof data97 == "number") && (isFinite(data97))){
if(data97 > 1 || isNaN(data97)){
const err238 = {instancePath:instancePath+"/routing/agent-thresholds/medium",schemaPath:"#/properties/routing/properties/agent-thresholds/properties/medium/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties["agent-thresholds"].properties.medium,data:data97};
if(vErrors === null){
vErrors = [err238];
}
else {
vErrors.push(err238);
}
errors++;
}
if(data97 < 0 || isNaN(data97)){
const err239 = {instancePath:instancePath+"/routing/agent-thresholds/medium",schemaPath:"#/properties/routing/properties/agent-thresholds/properties/medium/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties["agent-thresholds"].properties.medium,data:data97};
if(vErrors === null){
vErrors = [err239];
}
else {
vErrors.push(err239);
}
errors++;
}
}
else {
const err240 = {instancePath:instancePath+"/routing/agent-thresholds/medium",schemaPath:"#/properties/routing/properties/agent-thresholds/properties/medium/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties["agent-thresholds"].properties.medium.type,parentSchema:schema11.properties.routing.properties["agent-thresholds"].properties.medium,data:data97};
if(vErrors === null){
vErrors = [err240];
}
else {
vErrors.push(err240);
}
errors++;
}
}
if(data95.high !== undefined){
let data98 = data95.high;
if((typeof data98 == "number") && (isFinite(data98))){
if(data98 > 1 || isNaN(data98)){
const err241 = {instancePath:instancePath+"/routing/agent-thresholds/high",schemaPath:"#/properties/routing/properties/agent-thresholds/properties/high/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties["agent-thresholds"].properties.high,data:data98};
if(vErrors === null){
vErrors = [err241];
}
else {
vErrors.push(err241);
}
errors++;
}
if(data98 < 0 || isNaN(data98)){
const err242 = {instancePath:instancePath+"/routing/agent-thresholds/high",schemaPath:"#/properties/routing/properties/agent-thresholds/properties/high/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties["agent-thresholds"].properties.high,data:data98};
if(vErrors === null){
vErrors = [err242];
}
else {
vErrors.push(err242);
}
errors++;
}
}
else {
const err243 = {instancePath:instancePath+"/routing/agent-thresholds/high",schemaPath:"#/properties/routing/properties/agent-thresholds/properties/high/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties["agent-thresholds"].properties.high.type,parentSchema:schema11.properties.routing.properties["agent-thresholds"].properties.high,data:data98};
if(vErrors === null){
vErrors = [err243];
}
else {
vErrors.push(err243);
}
errors++;
}
}
}
else {
const err244 = {instancePath:instancePath+"/routing/agent-thresholds",schemaPath:"#/properties/routing/properties/agent-thresholds/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.routing.properties["agent-thresholds"].type,parentSchema:schema11.properties.routing.properties["agent-thresholds"],data:data95};
if(vErrors === null){
vErrors = [err244];
}
else {
vErrors.push(err244);
}
errors++;
}
let data99 = data88["human-thresholds"];
if(data99 && typeof data99 == "object" && !Array.isArray(data99)){
for(const key17 in data99){
if(!(((key17 === "low") || (key17 === "medium")) || (key17 === "high"))){
const err245 = {instancePath:instancePath+"/routing/human-thresholds",schemaPath:"#/properties/routing/properties/human-thresholds/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key17},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.routing.properties["human-thresholds"],data:data99};
if(vErrors === null){
vErrors = [err245];
}
else {
vErrors.push(err245);
}
errors++;
}
}
if(data99.low !== undefined){
let data100 = data99.low;
if((typeof data100 == "number") && (isFinite(data100))){
if(data100 > 1 || isNaN(data100)){
const err246 = {instancePath:instancePath+"/routing/human-thresholds/low",schemaPath:"#/properties/routing/properties/human-thresholds/properties/low/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties["human-thresholds"].properties.low,data:data100};
if(vErrors === null){
vErrors = [err246];
}
else {
vErrors.push(err246);
}
errors++;
}
if(data100 < 0 || isNaN(data100)){
const err247 = {instancePath:instancePath+"/routing/human-thresholds/low",schemaPath:"#/properties/routing/properties/human-thresholds/properties/low/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties["human-thresholds"].properties.low,data:data100};
if(vErrors === null){
vErrors = [err247];
}
else {
vErrors.push(err247);
}
errors++;
}
}
else {
const err248 = {instancePath:instancePath+"/routing/human-thresholds/low",schemaPath:"#/properties/routing/properties/human-thresholds/properties/low/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties["human-thresholds"].properties.low.type,parentSchema:schema11.properties.routing.properties["human-thresholds"].properties.low,data:data100};
if(vErrors === null){
vErrors = [err248];
}
else {
vErrors.push(err248);
}
errors++;
}
}
if(data99.medium !== undefined){
let data101 = data99.medium;
if((typeof data101 == "number") && (isFinite(data101))){
if(data101 > 1 || isNaN(data101)){
const err249 = {instancePath:instancePath+"/routing/human-thresholds/medium",schemaPath:"#/properties/routing/properties/human-thresholds/properties/medium/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties["human-thresholds"].properties.medium,data:data101};
if(vErrors === null){
vErrors = [err249];
}
else {
vErrors.push(err249);
}
errors++;
}
if(data101 < 0 || isNaN(data101)){
const err250 = {instancePath:instancePath+"/routing/human-thresholds/medium",schemaPath:"#/properties/routing/properties/human-thresholds/properties/medium/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties["human-thresholds"].properties.medium,data:data101};
if(vErrors === null){
vErrors = [err250];
}
else {
vErrors.push(err250);
}
errors++;
}
}
else {
const err251 = {instancePath:instancePath+"/routing/human-thresholds/medium",schemaPath:"#/properties/routing/properties/human-thresholds/properties/medium/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties["human-thresholds"].properties.medium.type,parentSchema:schema11.properties.routing.properties["human-thresholds"].properties.medium,data:data101};
if(vErrors === null){
vErrors = [err251];
}
else {
vErrors.push(err251);
}
errors++;
}
}
if(data99.high !== undefined){
let data102 = data99.high;
if((typeof data102 == "number") && (isFinite(data102))){
if(data102 > 1 || isNaN(data102)){
const err252 = {instancePath:instancePath+"/routing/human-thresholds/high",schemaPath:"#/properties/routing/properties/human-thresholds/properties/high/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1",schema:1,parentSchema:schema11.properties.routing.properties["human-thresholds"].properties.high,data:data102};
if(vErrors === null){
vErrors = [err252];
}
else {
vErrors.push(err252);
}
errors++;
}
if(data102 < 0 || isNaN(data102)){
const err253 = {instancePath:instancePath+"/routing/human-thresholds/high",schemaPath:"#/properties/routing/properties/human-thresholds/properties/high/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties["human-thresholds"].properties.high,data:data102};
if(vErrors === null){
vErrors = [err253];
}
else {
vErrors.push(err253);
}
errors++;
}
}
else {
const err254 = {instancePath:instancePath+"/routing/human-thresholds/high",schemaPath:"#/properties/routing/properties/human-thresholds/properties/high/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties["human-thresholds"].properties.high.type,parentSchema:schema11.properties.routing.properties["human-thresholds"].properties.high,data:data102};
if(vErrors === null){
vErrors = [err254];
}
else {
vErrors.push(err254);
}
errors++;
}
}
}
else {
const err255 = {instancePath:instancePath+"/routing/human-thresholds",schemaPath:"#/properties/routing/properties/human-thresholds/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.routing.properties["human-thresholds"].type,parentSchema:schema11.properties.routing.properties["human-thresholds"],data:data99};
if(vErrors === null){
vErrors = [err255];
}
else {
vErrors.push(err255);
}
errors++;
}
let data103 = data88["require-human-for"];
if(Array.isArray(data103)){
const len21 = data103.length;
for(let i21=0; i21<len21; i21++){
let data104 = data103[i21];
if(typeof data104 !== "string"){
const err256 = {instancePath:instancePath+"/routing/require-human-for/" + i21,schemaPath:"#/properties/routing/properties/require-human-for/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties["require-human-for"].items.type,parentSchema:schema11.properties.routing.properties["require-human-for"].items,data:data104};
if(vErrors === null){
vErrors = [err256];
}
else {
vErrors.push(err256);
}
errors++;
}
if(!((((((((((data104 === "protected-path") || (data104 === "secret-finding")) || (data104 === "tool-violation")) || (data104 === "scope-violation")) || (data104 === "missing-signal")) || (data104 === "unsigned-manifest")) || (data104 === "unpinned-model")) || (data104 === "binary-file")) || (data104 === "large-change")) || (data104 === "dependency-change"))){
const err257 = {instancePath:instancePath+"/routing/require-human-for/" + i21,schemaPath:"#/properties/routing/properties/require-human-for/items/enum",keyword:"enum",params:{allowedValues: schema11.properties.routing.properties["require-human-for"].items.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.routing.properties["require-human-for"].items.enum,parentSchema:schema11.properties.routing.properties["require-human-for"].items,data:data104};
if(vErrors === null){
vErrors = [err257];
}
else {
vErrors.push(err257);
}
errors++;
}
}
let i22 = data103.length;
let j0;
if(i22 > 1){
const indices0 = {};
for(;i22--;){
let item0 = data103[i22];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err258 = {instancePath:instancePath+"/routing/require-human-for",schemaPath:"#/properties/routing/properties/require-human-for/uniqueItems",keyword:"uniqueItems",params:{i: i22, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i22+" are identical)",schema:true,parentSchema:schema11.properties.routing.properties["require-human-for"],data:data103};
if(vErrors === null){
vErrors = [err258];
}
else {
vErrors.push(err258);
}
errors++;
break;
}
indices0[item0] = i22;
}
}
}
else {
const err259 = {instancePath:instancePath+"/routing/require-human-for",schemaPath:"#/properties/routing/properties/require-human-for/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties["require-human-for"].type,parentSchema:schema11.properties.routing.properties["require-human-for"],data:data103};
if(vErrors === null){
vErrors = [err259];
}
else {
vErrors.push(err259);
}
errors++;
}
let data105 = data88.unknown;
if(typeof data105 !== "string"){
const err260 = {instancePath:instancePath+"/routing/unknown",schemaPath:"#/properties/routing/properties/unknown/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties.unknown.type,parentSchema:schema11.properties.routing.properties.unknown,data:data105};
if(vErrors === null){
vErrors = [err260];
}
else {
vErrors.push(err260);
}
errors++;
}
if(!((data105 === "human_review") || (data105 === "reject"))){
const err261 = {instancePath:instancePath+"/routing/unknown",schemaPath:"#/properties/routing/properties/unknown/enum",keyword:"enum",params:{allowedValues: schema11.properties.routing.properties.unknown.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.routing.properties.unknown.enum,parentSchema:schema11.properties.routing.properties.unknown,data:data105};
if(vErrors === null){
vErrors = [err261];
}
else {
vErrors.push(err261);
}
errors++;
}
let data106 = data88["expected-signals"];
if(Array.isArray(data106)){
const len22 = data106.length;
for(let i23=0; i23<len22; i23++){
let data107 = data106[i23];
if(typeof data107 !== "string"){
const err262 = {instancePath:instancePath+"/routing/expected-signals/" + i23,schemaPath:"#/properties/routing/properties/expected-signals/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties["expected-signals"].items.type,parentSchema:schema11.properties.routing.properties["expected-signals"].items,data:data107};
if(vErrors === null){
vErrors = [err262];
}
else {
vErrors.push(err262);
}
errors++;
}
if(!(((data107 === "capture-transcript") || (data107 === "verify-manifest")) || (data107 === "diff-scope"))){
const err263 = {instancePath:instancePath+"/routing/expected-signals/" + i23,schemaPath:"#/properties/routing/properties/expected-signals/items/enum",keyword:"enum",params:{allowedValues: schema11.properties.routing.properties["expected-signals"].items.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.routing.properties["expected-signals"].items.enum,parentSchema:schema11.properties.routing.properties["expected-signals"].items,data:data107};
if(vErrors === null){
vErrors = [err263];
}
else {
vErrors.push(err263);
}
errors++;
}
}
let i24 = data106.length;
let j1;
if(i24 > 1){
const indices1 = {};
for(;i24--;){
let item1 = data106[i24];
if(typeof item1 !== "string"){
continue;
}
if(typeof indices1[item1] == "number"){
j1 = indices1[item1];
const err264 = {instancePath:instancePath+"/routing/expected-signals",schemaPath:"#/properties/routing/properties/expected-signals/uniqueItems",keyword:"uniqueItems",params:{i: i24, j: j1},message:"must NOT have duplicate items (items ## "+j1+" and "+i24+" are identical)",schema:true,parentSchema:schema11.properties.routing.properties["expected-signals"],data:data106};
if(vErrors === null){
vErrors = [err264];
}
else {
vErrors.push(err264);
}
errors++;
break;
}
indices1[item1] = i24;
}
}
}
else {
const err265 = {instancePath:instancePath+"/routing/expected-signals",schemaPath:"#/properties/routing/properties/expected-signals/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties["expected-signals"].type,parentSchema:schema11.properties.routing.properties["expected-signals"],data:data106};
if(vErrors === null){
vErrors = [err265];
}
else {
vErrors.push(err265);
}
errors++;
}
let data108 = data88["on-gate-fail"];
if(data108 && typeof data108 == "object" && !Array.isArray(data108)){
if(data108["capture-transcript"] === undefined){
data108["capture-transcript"] = "reject";
}
if(data108["verify-manifest"] === undefined){
data108["verify-manifest"] = "reject";
}
if(data108["diff-scope"] === undefined){
data108["diff-scope"] = "reject";
}
for(const key18 in data108){
if(!(((key18 === "capture-transcript") || (key18 === "verify-manifest")) || (key18 === "diff-scope"))){
const err266 = {instancePath:instancePath+"/routing/on-gate-fail",schemaPath:"#/properties/routing/properties/on-gate-fail/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key18},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.routing.properties["on-gate-fail"],data:data108};
if(vErrors === null){
vErrors = [err266];
}
else {
vErrors.push(err266);
}
errors++;
}
}
let data109 = data108["capture-transcript"];
if(typeof data109 !== "string"){
const err267 = {instancePath:instancePath+"/routing/on-gate-fail/capture-transcript",schemaPath:"#/properties/routing/properties/on-gate-fail/properties/capture-transcript/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties["on-gate-fail"].properties["capture-transcript"].type,parentSchema:schema11.properties.routing.properties["on-gate-fail"].properties["capture-transcript"],data:data109};
if(vErrors === null){
vErrors = [err267];
}
else {
vErrors.push(err267);
}
errors++;
}
if(!((data109 === "reject") || (data109 === "human_review"))){
const err268 = {instancePath:instancePath+"/routing/on-gate-fail/capture-transcript",schemaPath:"#/properties/routing/properties/on-gate-fail/properties/capture-transcript/enum",keyword:"enum",params:{allowedValues: schema11.properties.routing.properties["on-gate-fail"].properties["capture-transcript"].enum},message:"must be equal to one of the allowed values",schema:schema11.properties.routing.properties["on-gate-fail"].properties["capture-transcript"].enum,parentSchema:schema11.properties.routing.properties["on-gate-fail"].properties["capture-transcript"],data:data109};
if(vErrors === null){
vErrors = [err268];
}
else {
vErrors.push(err268);
}
errors++;
}
let data110 = data108["verify-manifest"];
if(typeof data110 !== "string"){
const err269 = {instancePath:instancePath+"/routing/on-gate-fail/verify-manifest",schemaPath:"#/properties/routing/properties/on-gate-fail/properties/verify-manifest/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties["on-gate-fail"].properties["verify-manifest"].type,parentSchema:schema11.properties.routing.properties["on-gate-fail"].properties["verify-manifest"],data:data110};
if(vErrors === null){
vErrors = [err269];
}
else {
vErrors.push(err269);
}
errors++;
}
if(!((data110 === "reject") || (data110 === "human_review"))){
const err270 = {instancePath:instancePath+"/routing/on-gate-fail/verify-manifest",schemaPath:"#/properties/routing/properties/on-gate-fail/properties/verify-manifest/enum",keyword:"enum",params:{allowedValues: schema11.properties.routing.properties["on-gate-fail"].properties["verify-manifest"].enum},message:"must be equal to one of the allowed values",schema:schema11.properties.routing.properties["on-gate-fail"].properties["verify-manifest"].enum,parentSchema:schema11.properties.routing.properties["on-gate-fail"].properties["verify-manifest"],data:data110};
if(vErrors === null){
vErrors = [err270];
}
else {
vErrors.push(err270);
}
errors++;
}
let data111 = data108["diff-scope"];
if(typeof data111 !== "string"){
const err271 = {instancePath:instancePath+"/routing/on-gate-fail/diff-scope",schemaPath:"#/properties/routing/properties/on-gate-fail/properties/diff-scope/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties["on-gate-fail"].properties["diff-scope"].type,parentSchema:schema11.properties.routing.properties["on-gate-fail"].properties["diff-scope"],data:data111};
if(vErrors === null){
vErrors = [err271];
}
else {
vErrors.push(err271);
}
errors++;
}
if(!((data111 === "reject") || (data111 === "human_review"))){
const err272 = {instancePath:instancePath+"/routing/on-gate-fail/diff-scope",schemaPath:"#/properties/routing/properties/on-gate-fail/properties/diff-scope/enum",keyword:"enum",params:{allowedValues: schema11.properties.routing.properties["on-gate-fail"].properties["diff-scope"].enum},message:"must be equal to one of the allowed values",schema:schema11.properties.routing.properties["on-gate-fail"].properties["diff-scope"].enum,parentSchema:schema11.properties.routing.properties["on-gate-fail"].properties["diff-scope"],data:data111};
if(vErrors === null){
vErrors = [err272];
}
else {
vErrors.push(err272);
}
errors++;
}
}
else {
const err273 = {instancePath:instancePath+"/routing/on-gate-fail",schemaPath:"#/properties/routing/properties/on-gate-fail/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.routing.properties["on-gate-fail"].type,parentSchema:schema11.properties.routing.properties["on-gate-fail"],data:data108};
if(vErrors === null){
vErrors = [err273];
}
else {
vErrors.push(err273);
}
errors++;
}
let data112 = data88.weights;
if(data112 && typeof data112 == "object" && !Array.isArray(data112)){
if(data112.gates === undefined){
data112.gates = 0.4;
}
if(data112.tests === undefined){
data112.tests = 0.2;
}
if(data112["review-score"] === undefined){
data112["review-score"] = 0.2;
}
if(data112["agent-confidence"] === undefined){
data112["agent-confidence"] = 0.1;
}
if(data112.vulnerabilities === undefined){
data112.vulnerabilities = 0.1;
}
for(const key19 in data112){
if(!(((((key19 === "gates") || (key19 === "tests")) || (key19 === "review-score")) || (key19 === "agent-confidence")) || (key19 === "vulnerabilities"))){
const err274 = {instancePath:instancePath+"/routing/weights",schemaPath:"#/properties/routing/properties/weights/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key19},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.routing.properties.weights,data:data112};
if(vErrors === null){
vErrors = [err274];
}
else {
vErrors.push(err274);
}
errors++;
}
}
let data113 = data112.gates;
if((typeof data113 == "number") && (isFinite(data113))){
if(data113 > 100 || isNaN(data113)){
const err275 = {instancePath:instancePath+"/routing/weights/gates",schemaPath:"#/properties/routing/properties/weights/properties/gates/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema11.properties.routing.properties.weights.properties.gates,data:data113};
if(vErrors === null){
vErrors = [err275];
}
else {
vErrors.push(err275);
}
errors++;
}
if(data113 < 0 || isNaN(data113)){
const err276 = {instancePath:instancePath+"/routing/weights/gates",schemaPath:"#/properties/routing/properties/weights/properties/gates/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties.weights.properties.gates,data:data113};
if(vErrors === null){
vErrors = [err276];
}
else {
vErrors.push(err276);
}
errors++;
}
}
else {
const err277 = {instancePath:instancePath+"/routing/weights/gates",schemaPath:"#/properties/routing/properties/weights/properties/gates/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties.weights.properties.gates.type,parentSchema:schema11.properties.routing.properties.weights.properties.gates,data:data113};
if(vErrors === null){
vErrors = [err277];
}
else {
vErrors.push(err277);
}
errors++;
}
let data114 = data112.tests;
if((typeof data114 == "number") && (isFinite(data114))){
if(data114 > 100 || isNaN(data114)){
const err278 = {instancePath:instancePath+"/routing/weights/tests",schemaPath:"#/properties/routing/properties/weights/properties/tests/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema11.properties.routing.properties.weights.properties.tests,data:data114};
if(vErrors === null){
vErrors = [err278];
}
else {
vErrors.push(err278);
}
errors++;
}
if(data114 < 0 || isNaN(data114)){
const err279 = {instancePath:instancePath+"/routing/weights/tests",schemaPath:"#/properties/routing/properties/weights/properties/tests/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties.weights.properties.tests,data:data114};
if(vErrors === null){
vErrors = [err279];
}
else {
vErrors.push(err279);
}
errors++;
}
}
else {
const err280 = {instancePath:instancePath+"/routing/weights/tests",schemaPath:"#/properties/routing/properties/weights/properties/tests/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties.weights.properties.tests.type,parentSchema:schema11.properties.routing.properties.weights.properties.tests,data:data114};
if(vErrors === null){
vErrors = [err280];
}
else {
vErrors.push(err280);
}
errors++;
}
let data115 = data112["review-score"];
if((typeof data115 == "number") && (isFinite(data115))){
if(data115 > 100 || isNaN(data115)){
const err281 = {instancePath:instancePath+"/routing/weights/review-score",schemaPath:"#/properties/routing/properties/weights/properties/review-score/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema11.properties.routing.properties.weights.properties["review-score"],data:data115};
if(vErrors === null){
vErrors = [err281];
}
else {
vErrors.push(err281);
}
errors++;
}
if(data115 < 0 || isNaN(data115)){
const err282 = {instancePath:instancePath+"/routing/weights/review-score",schemaPath:"#/properties/routing/properties/weights/properties/review-score/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties.weights.properties["review-score"],data:data115};
if(vErrors === null){
vErrors = [err282];
}
else {
vErrors.push(err282);
}
errors++;
}
}
else {
const err283 = {instancePath:instancePath+"/routing/weights/review-score",schemaPath:"#/properties/routing/properties/weights/properties/review-score/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties.weights.properties["review-score"].type,parentSchema:schema11.properties.routing.properties.weights.properties["review-score"],data:data115};
if(vErrors === null){
vErrors = [err283];
}
else {
vErrors.push(err283);
}
errors++;
}
let data116 = data112["agent-confidence"];
if((typeof data116 == "number") && (isFinite(data116))){
if(data116 > 100 || isNaN(data116)){
const err284 = {instancePath:instancePath+"/routing/weights/agent-confidence",schemaPath:"#/properties/routing/properties/weights/properties/agent-confidence/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema11.properties.routing.properties.weights.properties["agent-confidence"],data:data116};
if(vErrors === null){
vErrors = [err284];
}
else {
vErrors.push(err284);
}
errors++;
}
if(data116 < 0 || isNaN(data116)){
const err285 = {instancePath:instancePath+"/routing/weights/agent-confidence",schemaPath:"#/properties/routing/properties/weights/properties/agent-confidence/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties.weights.properties["agent-confidence"],data:data116};
if(vErrors === null){
vErrors = [err285];
}
else {
vErrors.push(err285);
}
errors++;
}
}
else {
const err286 = {instancePath:instancePath+"/routing/weights/agent-confidence",schemaPath:"#/properties/routing/properties/weights/properties/agent-confidence/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties.weights.properties["agent-confidence"].type,parentSchema:schema11.properties.routing.properties.weights.properties["agent-confidence"],data:data116};
if(vErrors === null){
vErrors = [err286];
}
else {
vErrors.push(err286);
}
errors++;
}
let data117 = data112.vulnerabilities;
if((typeof data117 == "number") && (isFinite(data117))){
if(data117 > 100 || isNaN(data117)){
const err287 = {instancePath:instancePath+"/routing/weights/vulnerabilities",schemaPath:"#/properties/routing/properties/weights/properties/vulnerabilities/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema11.properties.routing.properties.weights.properties.vulnerabilities,data:data117};
if(vErrors === null){
vErrors = [err287];
}
else {
vErrors.push(err287);
}
errors++;
}
if(data117 < 0 || isNaN(data117)){
const err288 = {instancePath:instancePath+"/routing/weights/vulnerabilities",schemaPath:"#/properties/routing/properties/weights/properties/vulnerabilities/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.routing.properties.weights.properties.vulnerabilities,data:data117};
if(vErrors === null){
vErrors = [err288];
}
else {
vErrors.push(err288);
}
errors++;
}
}
else {
const err289 = {instancePath:instancePath+"/routing/weights/vulnerabilities",schemaPath:"#/properties/routing/properties/weights/properties/vulnerabilities/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.routing.properties.weights.properties.vulnerabilities.type,parentSchema:schema11.properties.routing.properties.weights.properties.vulnerabilities,data:data117};
if(vErrors === null){
vErrors = [err289];
}
else {
vErrors.push(err289);
}
errors++;
}
}
else {
const err290 = {instancePath:instancePath+"/routing/weights",schemaPath:"#/properties/routing/properties/weights/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.routing.properties.weights.type,parentSchema:schema11.properties.routing.properties.weights,data:data112};
if(vErrors === null){
vErrors = [err290];
}
else {
vErrors.push(err290);
}
errors++;
}
let data118 = data88["path-tiers"];
if(Array.isArray(data118)){
const len23 = data118.length;
for(let i25=0; i25<len23; i25++){
let data119 = data118[i25];
if(data119 && typeof data119 == "object" && !Array.isArray(data119)){
if(data119.paths === undefined){
const err291 = {instancePath:instancePath+"/routing/path-tiers/" + i25,schemaPath:"#/properties/routing/properties/path-tiers/items/required",keyword:"required",params:{missingProperty: "paths"},message:"must have required property '"+"paths"+"'",schema:schema11.properties.routing.properties["path-tiers"].items.required,parentSchema:schema11.properties.routing.properties["path-tiers"].items,data:data119};
if(vErrors === null){
vErrors = [err291];
}
else {
vErrors.push(err291);
}
errors++;
}
if(data119.tier === undefined){
const err292 = {instancePath:instancePath+"/routing/path-tiers/" + i25,schemaPath:"#/properties/routing/properties/path-tiers/items/required",keyword:"required",params:{missingProperty: "tier"},message:"must have required property '"+"tier"+"'",schema:schema11.properties.routing.properties["path-tiers"].items.required,parentSchema:schema11.properties.routing.properties["path-tiers"].items,data:data119};
if(vErrors === null){
vErrors = [err292];
}
else {
vErrors.push(err292);
}
errors++;
}
for(const key20 in data119){
if(!((key20 === "paths") || (key20 === "tier"))){
const err293 = {instancePath:instancePath+"/routing/path-tiers/" + i25,schemaPath:"#/properties/routing/properties/path-tiers/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key20},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.routing.properties["path-tiers"].items,data:data119};
if(vErrors === null){
vErrors = [err293];
}
else {
vErrors.push(err293);
}
errors++;
}
}
if(data119.paths !== undefined){
let data120 = data119.paths;
if(Array.isArray(data120)){
if(data120.length < 1){
const err294 = {instancePath:instancePath+"/routing/path-tiers/" + i25+"/paths",schemaPath:"#/properties/routing/properties/path-tiers/items/properties/paths/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.routing.properties["path-tiers"].items.properties.paths,data:data120};
if(vErrors === null){
vErrors = [err294];
}
else {
vErrors.push(err294);
}
errors++;
}
const len24 = data120.length;
for(let i26=0; i26<len24; i26++){
let data121 = data120[i26];
if(typeof data121 === "string"){
if(func2(data121) > 1000){
const err295 = {instancePath:instancePath+"/routing/path-tiers/" + i25+"/paths/" + i26,schemaPath:"#/definitions/pathGlob/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema15,data:data121};
if(vErrors === null){
vErrors = [err295];
}
else {
vErrors.push(err295);
}
errors++;
}
if(func2(data121) < 1){
const err296 = {instancePath:instancePath+"/routing/path-tiers/" + i25+"/paths/" + i26,schemaPath:"#/definitions/pathGlob/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15,data:data121};
if(vErrors === null){
vErrors = [err296];
}
else {
vErrors.push(err296);
}
errors++;
}
}
else {
const err297 = {instancePath:instancePath+"/routing/path-tiers/" + i25+"/paths/" + i26,schemaPath:"#/definitions/pathGlob/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.type,parentSchema:schema15,data:data121};
if(vErrors === null){
vErrors = [err297];
}
else {
vErrors.push(err297);
}
errors++;
}
}
}
else {
const err298 = {instancePath:instancePath+"/routing/path-tiers/" + i25+"/paths",schemaPath:"#/properties/routing/properties/path-tiers/items/properties/paths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties["path-tiers"].items.properties.paths.type,parentSchema:schema11.properties.routing.properties["path-tiers"].items.properties.paths,data:data120};
if(vErrors === null){
vErrors = [err298];
}
else {
vErrors.push(err298);
}
errors++;
}
}
if(data119.tier !== undefined){
let data122 = data119.tier;
if(typeof data122 !== "string"){
const err299 = {instancePath:instancePath+"/routing/path-tiers/" + i25+"/tier",schemaPath:"#/properties/routing/properties/path-tiers/items/properties/tier/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties["path-tiers"].items.properties.tier.type,parentSchema:schema11.properties.routing.properties["path-tiers"].items.properties.tier,data:data122};
if(vErrors === null){
vErrors = [err299];
}
else {
vErrors.push(err299);
}
errors++;
}
if(!((((data122 === "low") || (data122 === "medium")) || (data122 === "high")) || (data122 === "critical"))){
const err300 = {instancePath:instancePath+"/routing/path-tiers/" + i25+"/tier",schemaPath:"#/properties/routing/properties/path-tiers/items/properties/tier/enum",keyword:"enum",params:{allowedValues: schema11.properties.routing.properties["path-tiers"].items.properties.tier.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.routing.properties["path-tiers"].items.properties.tier.enum,parentSchema:schema11.properties.routing.properties["path-tiers"].items.properties.tier,data:data122};
if(vErrors === null){
vErrors = [err300];
}
else {
vErrors.push(err300);
}
errors++;
}
}
}
else {
const err301 = {instancePath:instancePath+"/routing/path-tiers/" + i25,schemaPath:"#/properties/routing/properties/path-tiers/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.routing.properties["path-tiers"].items.type,parentSchema:schema11.properties.routing.properties["path-tiers"].items,data:data119};
if(vErrors === null){
vErrors = [err301];
}
else {
vErrors.push(err301);
}
errors++;
}
}
}
else {
const err302 = {instancePath:instancePath+"/routing/path-tiers",schemaPath:"#/properties/routing/properties/path-tiers/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties["path-tiers"].type,parentSchema:schema11.properties.routing.properties["path-tiers"],data:data118};
if(vErrors === null){
vErrors = [err302];
}
else {
vErrors.push(err302);
}
errors++;
}
let data123 = data88.reviewers;
if(Array.isArray(data123)){
const len25 = data123.length;
for(let i27=0; i27<len25; i27++){
let data124 = data123[i27];
if(data124 && typeof data124 == "object" && !Array.isArray(data124)){
if(data124.users === undefined){
data124.users = [];
}
if(data124.teams === undefined){
data124.teams = [];
}
if(data124.paths === undefined){
const err303 = {instancePath:instancePath+"/routing/reviewers/" + i27,schemaPath:"#/properties/routing/properties/reviewers/items/required",keyword:"required",params:{missingProperty: "paths"},message:"must have required property '"+"paths"+"'",schema:schema11.properties.routing.properties.reviewers.items.required,parentSchema:schema11.properties.routing.properties.reviewers.items,data:data124};
if(vErrors === null){
vErrors = [err303];
}
else {
vErrors.push(err303);
}
errors++;
}
for(const key21 in data124){
if(!(((key21 === "paths") || (key21 === "users")) || (key21 === "teams"))){
const err304 = {instancePath:instancePath+"/routing/reviewers/" + i27,schemaPath:"#/properties/routing/properties/reviewers/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key21},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.routing.properties.reviewers.items,data:data124};
if(vErrors === null){
vErrors = [err304];
}
else {
vErrors.push(err304);
}
errors++;
}
}
if(data124.paths !== undefined){
let data125 = data124.paths;
if(Array.isArray(data125)){
if(data125.length < 1){
const err305 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/paths",schemaPath:"#/properties/routing/properties/reviewers/items/properties/paths/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.routing.properties.reviewers.items.properties.paths,data:data125};
if(vErrors === null){
vErrors = [err305];
}
else {
vErrors.push(err305);
}
errors++;
}
const len26 = data125.length;
for(let i28=0; i28<len26; i28++){
let data126 = data125[i28];
if(typeof data126 === "string"){
if(func2(data126) > 1000){
const err306 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/paths/" + i28,schemaPath:"#/definitions/pathGlob/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema15,data:data126};
if(vErrors === null){
vErrors = [err306];
}
else {
vErrors.push(err306);
}
errors++;
}
if(func2(data126) < 1){
const err307 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/paths/" + i28,schemaPath:"#/definitions/pathGlob/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15,data:data126};
if(vErrors === null){
vErrors = [err307];
}
else {
vErrors.push(err307);
}
errors++;
}
}
else {
const err308 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/paths/" + i28,schemaPath:"#/definitions/pathGlob/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.type,parentSchema:schema15,data:data126};
if(vErrors === null){
vErrors = [err308];
}
else {
vErrors.push(err308);
}
errors++;
}
}
}
else {
const err309 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/paths",schemaPath:"#/properties/routing/properties/reviewers/items/properties/paths/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties.reviewers.items.properties.paths.type,parentSchema:schema11.properties.routing.properties.reviewers.items.properties.paths,data:data125};
if(vErrors === null){
vErrors = [err309];
}
else {
vErrors.push(err309);
}
errors++;
}
}
let data127 = data124.users;
if(Array.isArray(data127)){
const len27 = data127.length;
for(let i29=0; i29<len27; i29++){
let data128 = data127[i29];
if(typeof data128 === "string"){
if(!pattern8.test(data128)){
const err310 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/users/" + i29,schemaPath:"#/properties/routing/properties/reviewers/items/properties/users/items/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"},message:"must match pattern \""+"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"+"\"",schema:"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$",parentSchema:schema11.properties.routing.properties.reviewers.items.properties.users.items,data:data128};
if(vErrors === null){
vErrors = [err310];
}
else {
vErrors.push(err310);
}
errors++;
}
}
else {
const err311 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/users/" + i29,schemaPath:"#/properties/routing/properties/reviewers/items/properties/users/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties.reviewers.items.properties.users.items.type,parentSchema:schema11.properties.routing.properties.reviewers.items.properties.users.items,data:data128};
if(vErrors === null){
vErrors = [err311];
}
else {
vErrors.push(err311);
}
errors++;
}
}
}
else {
const err312 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/users",schemaPath:"#/properties/routing/properties/reviewers/items/properties/users/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties.reviewers.items.properties.users.type,parentSchema:schema11.properties.routing.properties.reviewers.items.properties.users,data:data127};
if(vErrors === null){
vErrors = [err312];
}
else {
vErrors.push(err312);
}
errors++;
}
let data129 = data124.teams;
if(Array.isArray(data129)){
const len28 = data129.length;
for(let i30=0; i30<len28; i30++){
let data130 = data129[i30];
if(typeof data130 === "string"){
if(!pattern9.test(data130)){
const err313 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/teams/" + i30,schemaPath:"#/properties/routing/properties/reviewers/items/properties/teams/items/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"+"\"",schema:"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$",parentSchema:schema11.properties.routing.properties.reviewers.items.properties.teams.items,data:data130};
if(vErrors === null){
vErrors = [err313];
}
else {
vErrors.push(err313);
}
errors++;
}
}
else {
const err314 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/teams/" + i30,schemaPath:"#/properties/routing/properties/reviewers/items/properties/teams/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties.reviewers.items.properties.teams.items.type,parentSchema:schema11.properties.routing.properties.reviewers.items.properties.teams.items,data:data130};
if(vErrors === null){
vErrors = [err314];
}
else {
vErrors.push(err314);
}
errors++;
}
}
}
else {
const err315 = {instancePath:instancePath+"/routing/reviewers/" + i27+"/teams",schemaPath:"#/properties/routing/properties/reviewers/items/properties/teams/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties.reviewers.items.properties.teams.type,parentSchema:schema11.properties.routing.properties.reviewers.items.properties.teams,data:data129};
if(vErrors === null){
vErrors = [err315];
}
else {
vErrors.push(err315);
}
errors++;
}
}
else {
const err316 = {instancePath:instancePath+"/routing/reviewers/" + i27,schemaPath:"#/properties/routing/properties/reviewers/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.routing.properties.reviewers.items.type,parentSchema:schema11.properties.routing.properties.reviewers.items,data:data124};
if(vErrors === null){
vErrors = [err316];
}
else {
vErrors.push(err316);
}
errors++;
}
}
}
else {
const err317 = {instancePath:instancePath+"/routing/reviewers",schemaPath:"#/properties/routing/properties/reviewers/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties.reviewers.type,parentSchema:schema11.properties.routing.properties.reviewers,data:data123};
if(vErrors === null){
vErrors = [err317];
}
else {
vErrors.push(err317);
}
errors++;
}
let data131 = data88["agent-authors"];
if(data131 && typeof data131 == "object" && !Array.isArray(data131)){
if(data131.logins === undefined){
data131.logins = ["*[bot]","Copilot","copilot-swe-agent","devin-ai-integration","claude","codex"];
}
if(data131["branch-prefixes"] === undefined){
data131["branch-prefixes"] = ["copilot/","claude/","codex/","cursor/","devin/","jules/","openhands/","sweep/","aider/","agent/"];
}
if(data131.trailers === undefined){
data131.trailers = ["Co-authored-by: Claude","Co-authored-by: Copilot","Co-authored-by: Codex","Co-authored-by: Cursor","Co-authored-by: devin-ai-integration","Generated-by:","Generated-with:","Assisted-by:"];
}
for(const key22 in data131){
if(!(((key22 === "logins") || (key22 === "branch-prefixes")) || (key22 === "trailers"))){
const err318 = {instancePath:instancePath+"/routing/agent-authors",schemaPath:"#/properties/routing/properties/agent-authors/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key22},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.routing.properties["agent-authors"],data:data131};
if(vErrors === null){
vErrors = [err318];
}
else {
vErrors.push(err318);
}
errors++;
}
}
let data132 = data131.logins;
if(Array.isArray(data132)){
const len29 = data132.length;
for(let i31=0; i31<len29; i31++){
let data133 = data132[i31];
if(typeof data133 === "string"){
if(func2(data133) > 100){
const err319 = {instancePath:instancePath+"/routing/agent-authors/logins/" + i31,schemaPath:"#/properties/routing/properties/agent-authors/properties/logins/items/maxLength",keyword:"maxLength",params:{limit: 100},message:"must NOT have more than 100 characters",schema:100,parentSchema:schema11.properties.routing.properties["agent-authors"].properties.logins.items,data:data133};
if(vErrors === null){
vErrors = [err319];
}
else {
vErrors.push(err319);
}
errors++;
}
if(func2(data133) < 1){
const err320 = {instancePath:instancePath+"/routing/agent-authors/logins/" + i31,schemaPath:"#/properties/routing/properties/agent-authors/properties/logins/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.routing.properties["agent-authors"].properties.logins.items,data:data133};
if(vErrors === null){
vErrors = [err320];
}
else {
vErrors.push(err320);
}
errors++;
}
}
else {
const err321 = {instancePath:instancePath+"/routing/agent-authors/logins/" + i31,schemaPath:"#/properties/routing/properties/agent-authors/properties/logins/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties["agent-authors"].properties.logins.items.type,parentSchema:schema11.properties.routing.properties["agent-authors"].properties.logins.items,data:data133};
if(vErrors === null){
vErrors = [err321];
}
else {
vErrors.push(err321);
}
errors++;
}
}
}
else {
const err322 = {instancePath:instancePath+"/routing/agent-authors/logins",schemaPath:"#/properties/routing/properties/agent-authors/properties/logins/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties["agent-authors"].properties.logins.type,parentSchema:schema11.properties.routing.properties["agent-authors"].properties.logins,data:data132};
if(vErrors === null){
vErrors = [err322];
}
else {
vErrors.push(err322);
}
errors++;
}
let data134 = data131["branch-prefixes"];
if(Array.isArray(data134)){
const len30 = data134.length;
for(let i32=0; i32<len30; i32++){
let data135 = data134[i32];
if(typeof data135 === "string"){
if(func2(data135) > 100){
const err323 = {instancePath:instancePath+"/routing/agent-authors/branch-prefixes/" + i32,schemaPath:"#/properties/routing/properties/agent-authors/properties/branch-prefixes/items/maxLength",keyword:"maxLength",params:{limit: 100},message:"must NOT have more than 100 characters",schema:100,parentSchema:schema11.properties.routing.properties["agent-authors"].properties["branch-prefixes"].items,data:data135};
if(vErrors === null){
vErrors = [err323];
}
else {
vErrors.push(err323);
}
errors++;
}
if(func2(data135) < 1){
const err324 = {instancePath:instancePath+"/routing/agent-authors/branch-prefixes/" + i32,schemaPath:"#/properties/routing/properties/agent-authors/properties/branch-prefixes/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.routing.properties["agent-authors"].properties["branch-prefixes"].items,data:data135};
if(vErrors === null){
vErrors = [err324];
}
else {
vErrors.push(err324);
}
errors++;
}
}
else {
const err325 = {instancePath:instancePath+"/routing/agent-authors/branch-prefixes/" + i32,schemaPath:"#/properties/routing/properties/agent-authors/properties/branch-prefixes/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties["agent-authors"].properties["branch-prefixes"].items.type,parentSchema:schema11.properties.routing.properties["agent-authors"].properties["branch-prefixes"].items,data:data135};
if(vErrors === null){
vErrors = [err325];
}
else {
vErrors.push(err325);
}
errors++;
}
}
}
else {
const err326 = {instancePath:instancePath+"/routing/agent-authors/branch-prefixes",schemaPath:"#/properties/routing/properties/agent-authors/properties/branch-prefixes/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties["agent-authors"].properties["branch-prefixes"].type,parentSchema:schema11.properties.routing.properties["agent-authors"].properties["branch-prefixes"],data:data134};
if(vErrors === null){
vErrors = [err326];
}
else {
vErrors.push(err326);
}
errors++;
}
let data136 = data131.trailers;
if(Array.isArray(data136)){
const len31 = data136.length;
for(let i33=0; i33<len31; i33++){
let data137 = data136[i33];
if(typeof data137 === "string"){
if(func2(data137) > 200){
const err327 = {instancePath:instancePath+"/routing/agent-authors/trailers/" + i33,schemaPath:"#/properties/routing/properties/agent-authors/properties/trailers/items/maxLength",keyword:"maxLength",params:{limit: 200},message:"must NOT have more than 200 characters",schema:200,parentSchema:schema11.properties.routing.properties["agent-authors"].properties.trailers.items,data:data137};
if(vErrors === null){
vErrors = [err327];
}
else {
vErrors.push(err327);
}
errors++;
}
if(func2(data137) < 1){
const err328 = {instancePath:instancePath+"/routing/agent-authors/trailers/" + i33,schemaPath:"#/properties/routing/properties/agent-authors/properties/trailers/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.routing.properties["agent-authors"].properties.trailers.items,data:data137};
if(vErrors === null){
vErrors = [err328];
}
else {
vErrors.push(err328);
}
errors++;
}
}
else {
const err329 = {instancePath:instancePath+"/routing/agent-authors/trailers/" + i33,schemaPath:"#/properties/routing/properties/agent-authors/properties/trailers/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.routing.properties["agent-authors"].properties.trailers.items.type,parentSchema:schema11.properties.routing.properties["agent-authors"].properties.trailers.items,data:data137};
if(vErrors === null){
vErrors = [err329];
}
else {
vErrors.push(err329);
}
errors++;
}
}
}
else {
const err330 = {instancePath:instancePath+"/routing/agent-authors/trailers",schemaPath:"#/properties/routing/properties/agent-authors/properties/trailers/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties["agent-authors"].properties.trailers.type,parentSchema:schema11.properties.routing.properties["agent-authors"].properties.trailers,data:data136};
if(vErrors === null){
vErrors = [err330];
}
else {
vErrors.push(err330);
}
errors++;
}
}
else {
const err331 = {instancePath:instancePath+"/routing/agent-authors",schemaPath:"#/properties/routing/properties/agent-authors/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.routing.properties["agent-authors"].type,parentSchema:schema11.properties.routing.properties["agent-authors"],data:data131};
if(vErrors === null){
vErrors = [err331];
}
else {
vErrors.push(err331);
}
errors++;
}
}
else {
const err332 = {instancePath:instancePath+"/routing",schemaPath:"#/properties/routing/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.routing.type,parentSchema:schema11.properties.routing,data:data88};
if(vErrors === null){
vErrors = [err332];
}
else {
vErrors.push(err332);
}
errors++;
}
let data138 = data.audit;
if(data138 && typeof data138 == "object" && !Array.isArray(data138)){
if(data138.sinks === undefined){
data138.sinks = [{"type":"artifact"}];
}
if(data138.path === undefined){
data138.path = "agent-gates-audit.jsonl";
}
if(data138.chain === undefined){
data138.chain = true;
}
if(data138["retention-days"] === undefined){
data138["retention-days"] = 90;
}
if(data138.spool === undefined){
data138.spool = ".agent-gates/audit-spool.jsonl";
}
for(const key23 in data138){
if(!(((((key23 === "sinks") || (key23 === "path")) || (key23 === "chain")) || (key23 === "retention-days")) || (key23 === "spool"))){
const err333 = {instancePath:instancePath+"/audit",schemaPath:"#/properties/audit/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key23},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.audit,data:data138};
if(vErrors === null){
vErrors = [err333];
}
else {
vErrors.push(err333);
}
errors++;
}
}
let data139 = data138.sinks;
if(Array.isArray(data139)){
if(data139.length > 20){
const err334 = {instancePath:instancePath+"/audit/sinks",schemaPath:"#/properties/audit/properties/sinks/maxItems",keyword:"maxItems",params:{limit: 20},message:"must NOT have more than 20 items",schema:20,parentSchema:schema11.properties.audit.properties.sinks,data:data139};
if(vErrors === null){
vErrors = [err334];
}
else {
vErrors.push(err334);
}
errors++;
}
const len32 = data139.length;
for(let i34=0; i34<len32; i34++){
let data140 = data139[i34];
if(data140 && typeof data140 == "object" && !Array.isArray(data140)){
if(data140.protocol === undefined){
data140.protocol = "protobuf";
}
if(data140.format === undefined){
data140.format = "native";
}
if(data140["max-attempts"] === undefined){
data140["max-attempts"] = 5;
}
if(data140["timeout-seconds"] === undefined){
data140["timeout-seconds"] = 30;
}
if(data140.type === undefined){
const err335 = {instancePath:instancePath+"/audit/sinks/" + i34,schemaPath:"#/properties/audit/properties/sinks/items/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'",schema:schema11.properties.audit.properties.sinks.items.required,parentSchema:schema11.properties.audit.properties.sinks.items,data:data140};
if(vErrors === null){
vErrors = [err335];
}
else {
vErrors.push(err335);
}
errors++;
}
for(const key24 in data140){
if(!((((((key24 === "type") || (key24 === "url")) || (key24 === "protocol")) || (key24 === "format")) || (key24 === "max-attempts")) || (key24 === "timeout-seconds"))){
const err336 = {instancePath:instancePath+"/audit/sinks/" + i34,schemaPath:"#/properties/audit/properties/sinks/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key24},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.audit.properties.sinks.items,data:data140};
if(vErrors === null){
vErrors = [err336];
}
else {
vErrors.push(err336);
}
errors++;
}
}
if(data140.type !== undefined){
let data141 = data140.type;
if(typeof data141 !== "string"){
const err337 = {instancePath:instancePath+"/audit/sinks/" + i34+"/type",schemaPath:"#/properties/audit/properties/sinks/items/properties/type/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.audit.properties.sinks.items.properties.type.type,parentSchema:schema11.properties.audit.properties.sinks.items.properties.type,data:data141};
if(vErrors === null){
vErrors = [err337];
}
else {
vErrors.push(err337);
}
errors++;
}
if(!((((data141 === "artifact") || (data141 === "file")) || (data141 === "webhook")) || (data141 === "otlp"))){
const err338 = {instancePath:instancePath+"/audit/sinks/" + i34+"/type",schemaPath:"#/properties/audit/properties/sinks/items/properties/type/enum",keyword:"enum",params:{allowedValues: schema11.properties.audit.properties.sinks.items.properties.type.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.audit.properties.sinks.items.properties.type.enum,parentSchema:schema11.properties.audit.properties.sinks.items.properties.type,data:data141};
if(vErrors === null){
vErrors = [err338];
}
else {
vErrors.push(err338);
}
errors++;
}
}
if(data140.url !== undefined){
let data142 = data140.url;
if(typeof data142 === "string"){
if(func2(data142) > 2000){
const err339 = {instancePath:instancePath+"/audit/sinks/" + i34+"/url",schemaPath:"#/properties/audit/properties/sinks/items/properties/url/maxLength",keyword:"maxLength",params:{limit: 2000},message:"must NOT have more than 2000 characters",schema:2000,parentSchema:schema11.properties.audit.properties.sinks.items.properties.url,data:data142};
if(vErrors === null){
vErrors = [err339];
}
else {
vErrors.push(err339);
}
errors++;
}
if(func2(data142) < 1){
const err340 = {instancePath:instancePath+"/audit/sinks/" + i34+"/url",schemaPath:"#/properties/audit/properties/sinks/items/properties/url/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.audit.properties.sinks.items.properties.url,data:data142};
if(vErrors === null){
vErrors = [err340];
}
else {
vErrors.push(err340);
}
errors++;
}
}
else {
const err341 = {instancePath:instancePath+"/audit/sinks/" + i34+"/url",schemaPath:"#/properties/audit/properties/sinks/items/properties/url/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.audit.properties.sinks.items.properties.url.type,parentSchema:schema11.properties.audit.properties.sinks.items.properties.url,data:data142};
if(vErrors === null){
vErrors = [err341];
}
else {
vErrors.push(err341);
}
errors++;
}
}
let data143 = data140.protocol;
if(typeof data143 !== "string"){
const err342 = {instancePath:instancePath+"/audit/sinks/" + i34+"/protocol",schemaPath:"#/properties/audit/properties/sinks/items/properties/protocol/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.audit.properties.sinks.items.properties.protocol.type,parentSchema:schema11.properties.audit.properties.sinks.items.properties.protocol,data:data143};
if(vErrors === null){
vErrors = [err342];
}
else {
vErrors.push(err342);
}
errors++;
}
if(!((data143 === "protobuf") || (data143 === "json"))){
const err343 = {instancePath:instancePath+"/audit/sinks/" + i34+"/protocol",schemaPath:"#/properties/audit/properties/sinks/items/properties/protocol/enum",keyword:"enum",params:{allowedValues: schema11.properties.audit.properties.sinks.items.properties.protocol.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.audit.properties.sinks.items.properties.protocol.enum,parentSchema:schema11.properties.audit.properties.sinks.items.properties.protocol,data:data143};
if(vErrors === null){
vErrors = [err343];
}
else {
vErrors.push(err343);
}
errors++;
}
let data144 = data140.format;
if(typeof data144 !== "string"){
const err344 = {instancePath:instancePath+"/audit/sinks/" + i34+"/format",schemaPath:"#/properties/audit/properties/sinks/items/properties/format/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.audit.properties.sinks.items.properties.format.type,parentSchema:schema11.properties.audit.properties.sinks.items.properties.format,data:data144};
if(vErrors === null){
vErrors = [err344];
}
else {
vErrors.push(err344);
}
errors++;
}
if(!((data144 === "native") || (data144 === "cloudevents"))){
const err345 = {instancePath:instancePath+"/audit/sinks/" + i34+"/format",schemaPath:"#/properties/audit/properties/sinks/items/properties/format/enum",keyword:"enum",params:{allowedValues: schema11.properties.audit.properties.sinks.items.properties.format.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.audit.properties.sinks.items.properties.format.enum,parentSchema:schema11.properties.audit.properties.sinks.items.properties.format,data:data144};
if(vErrors === null){
vErrors = [err345];
}
else {
vErrors.push(err345);
}
errors++;
}
let data145 = data140["max-attempts"];
if(!(((typeof data145 == "number") && (!(data145 % 1) && !isNaN(data145))) && (isFinite(data145)))){
const err346 = {instancePath:instancePath+"/audit/sinks/" + i34+"/max-attempts",schemaPath:"#/properties/audit/properties/sinks/items/properties/max-attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.audit.properties.sinks.items.properties["max-attempts"].type,parentSchema:schema11.properties.audit.properties.sinks.items.properties["max-attempts"],data:data145};
if(vErrors === null){
vErrors = [err346];
}
else {
vErrors.push(err346);
}
errors++;
}
if((typeof data145 == "number") && (isFinite(data145))){
if(data145 > 20 || isNaN(data145)){
const err347 = {instancePath:instancePath+"/audit/sinks/" + i34+"/max-attempts",schemaPath:"#/properties/audit/properties/sinks/items/properties/max-attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20",schema:20,parentSchema:schema11.properties.audit.properties.sinks.items.properties["max-attempts"],data:data145};
if(vErrors === null){
vErrors = [err347];
}
else {
vErrors.push(err347);
}
errors++;
}
if(data145 < 1 || isNaN(data145)){
const err348 = {instancePath:instancePath+"/audit/sinks/" + i34+"/max-attempts",schemaPath:"#/properties/audit/properties/sinks/items/properties/max-attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.audit.properties.sinks.items.properties["max-attempts"],data:data145};
if(vErrors === null){
vErrors = [err348];
}
else {
vErrors.push(err348);
}
errors++;
}
}
let data146 = data140["timeout-seconds"];
if(!(((typeof data146 == "number") && (!(data146 % 1) && !isNaN(data146))) && (isFinite(data146)))){
const err349 = {instancePath:instancePath+"/audit/sinks/" + i34+"/timeout-seconds",schemaPath:"#/properties/audit/properties/sinks/items/properties/timeout-seconds/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.audit.properties.sinks.items.properties["timeout-seconds"].type,parentSchema:schema11.properties.audit.properties.sinks.items.properties["timeout-seconds"],data:data146};
if(vErrors === null){
vErrors = [err349];
}
else {
vErrors.push(err349);
}
errors++;
}
if((typeof data146 == "number") && (isFinite(data146))){
if(data146 > 300 || isNaN(data146)){
const err350 = {instancePath:instancePath+"/audit/sinks/" + i34+"/timeout-seconds",schemaPath:"#/properties/audit/properties/sinks/items/properties/timeout-seconds/maximum",keyword:"maximum",params:{comparison: "<=", limit: 300},message:"must be <= 300",schema:300,parentSchema:schema11.properties.audit.properties.sinks.items.properties["timeout-seconds"],data:data146};
if(vErrors === null){
vErrors = [err350];
}
else {
vErrors.push(err350);
}
errors++;
}
if(data146 < 1 || isNaN(data146)){
const err351 = {instancePath:instancePath+"/audit/sinks/" + i34+"/timeout-seconds",schemaPath:"#/properties/audit/properties/sinks/items/properties/timeout-seconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.audit.properties.sinks.items.properties["timeout-seconds"],data:data146};
if(vErrors === null){
vErrors = [err351];
}
else {
vErrors.push(err351);
}
errors++;
}
}
}
else {
const err352 = {instancePath:instancePath+"/audit/sinks/" + i34,schemaPath:"#/properties/audit/properties/sinks/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.audit.properties.sinks.items.type,parentSchema:schema11.properties.audit.properties.sinks.items,data:data140};
if(vErrors === null){
vErrors = [err352];
}
else {
vErrors.push(err352);
}
errors++;
}
}
}
else {
const err353 = {instancePath:instancePath+"/audit/sinks",schemaPath:"#/properties/audit/properties/sinks/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.audit.properties.sinks.type,parentSchema:schema11.properties.audit.properties.sinks,data:data139};
if(vErrors === null){
vErrors = [err353];
}
else {
vErrors.push(err353);
}
errors++;
}
let data147 = data138.path;
if(typeof data147 === "string"){
if(func2(data147) > 1000){
const err354 = {instancePath:instancePath+"/audit/path",schemaPath:"#/properties/audit/properties/path/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema11.properties.audit.properties.path,data:data147};
if(vErrors === null){
vErrors = [err354];
}
else {
vErrors.push(err354);
}
errors++;
}
if(func2(data147) < 1){
const err355 = {instancePath:instancePath+"/audit/path",schemaPath:"#/properties/audit/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.audit.properties.path,data:data147};
if(vErrors === null){
vErrors = [err355];
}
else {
vErrors.push(err355);
}
errors++;
}
}
else {
const err356 = {instancePath:instancePath+"/audit/path",schemaPath:"#/properties/audit/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.audit.properties.path.type,parentSchema:schema11.properties.audit.properties.path,data:data147};
if(vErrors === null){
vErrors = [err356];
}
else {
vErrors.push(err356);
}
errors++;
}
let data148 = data138.chain;
if(typeof data148 !== "boolean"){
const err357 = {instancePath:instancePath+"/audit/chain",schemaPath:"#/properties/audit/properties/chain/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.audit.properties.chain.type,parentSchema:schema11.properties.audit.properties.chain,data:data148};
if(vErrors === null){
vErrors = [err357];
}
else {
vErrors.push(err357);
}
errors++;
}
let data149 = data138["retention-days"];
if(!(((typeof data149 == "number") && (!(data149 % 1) && !isNaN(data149))) && (isFinite(data149)))){
const err358 = {instancePath:instancePath+"/audit/retention-days",schemaPath:"#/properties/audit/properties/retention-days/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.audit.properties["retention-days"].type,parentSchema:schema11.properties.audit.properties["retention-days"],data:data149};
if(vErrors === null){
vErrors = [err358];
}
else {
vErrors.push(err358);
}
errors++;
}
if((typeof data149 == "number") && (isFinite(data149))){
if(data149 > 90 || isNaN(data149)){
const err359 = {instancePath:instancePath+"/audit/retention-days",schemaPath:"#/properties/audit/properties/retention-days/maximum",keyword:"maximum",params:{comparison: "<=", limit: 90},message:"must be <= 90",schema:90,parentSchema:schema11.properties.audit.properties["retention-days"],data:data149};
if(vErrors === null){
vErrors = [err359];
}
else {
vErrors.push(err359);
}
errors++;
}
if(data149 < 1 || isNaN(data149)){
const err360 = {instancePath:instancePath+"/audit/retention-days",schemaPath:"#/properties/audit/properties/retention-days/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.audit.properties["retention-days"],data:data149};
if(vErrors === null){
vErrors = [err360];
}
else {
vErrors.push(err360);
}
errors++;
}
}
let data150 = data138.spool;
if(typeof data150 === "string"){
if(func2(data150) > 1000){
const err361 = {instancePath:instancePath+"/audit/spool",schemaPath:"#/properties/audit/properties/spool/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters",schema:1000,parentSchema:schema11.properties.audit.properties.spool,data:data150};
if(vErrors === null){
vErrors = [err361];
}
else {
vErrors.push(err361);
}
errors++;
}
if(func2(data150) < 1){
const err362 = {instancePath:instancePath+"/audit/spool",schemaPath:"#/properties/audit/properties/spool/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.audit.properties.spool,data:data150};
if(vErrors === null){
vErrors = [err362];
}
else {
vErrors.push(err362);
}
errors++;
}
}
else {
const err363 = {instancePath:instancePath+"/audit/spool",schemaPath:"#/properties/audit/properties/spool/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.audit.properties.spool.type,parentSchema:schema11.properties.audit.properties.spool,data:data150};
if(vErrors === null){
vErrors = [err363];
}
else {
vErrors.push(err363);
}
errors++;
}
}
else {
const err364 = {instancePath:instancePath+"/audit",schemaPath:"#/properties/audit/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.audit.type,parentSchema:schema11.properties.audit,data:data138};
if(vErrors === null){
vErrors = [err364];
}
else {
vErrors.push(err364);
}
errors++;
}
}
else {
const err365 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.type,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err365];
}
else {
vErrors.push(err365);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}

// EXTERNAL MODULE: ../../packages/core/src/policy/tools.ts
var tools = __webpack_require__(58150);
// EXTERNAL MODULE: ../../node_modules/.pnpm/js-yaml@4.3.2/node_modules/js-yaml/dist/js-yaml.mjs
var js_yaml = __webpack_require__(66716);
// EXTERNAL MODULE: ../../node_modules/.pnpm/yaml@2.9.1/node_modules/yaml/dist/index.js
var dist = __webpack_require__(88293);
;// CONCATENATED MODULE: ../../packages/core/src/policy/yaml.ts



/**
 * Reading an untrusted YAML file safely, with positions. js-yaml produces the value (core schema: no
 * dates, no custom types, duplicate keys are errors, nesting is capped); the `yaml` package's document
 * only supplies line and column for each JSON pointer, and is where aliases and reserved keys are
 * found before anything walks the value.
 */
/** Nesting a policy file can need is 5 levels; anything near this is an attack or an accident. */
const MAX_YAML_DEPTH = 32;
function escapePointer(key) {
    return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
function formatLocation(file, position) {
    return position ? `${file}:${position.line}:${position.column}` : file;
}
// Duplicate keys are refused because YAML loaders disagree on which one wins: the reader of the
// file and the gate must not see different rules.
function duplicateKeyReason(text, mark) {
    const line = mark?.line === undefined ? undefined : text.split(/\r?\n/)[mark.line];
    const key = line === undefined ? undefined : /^\s*(?:-\s+)?(["']?)([^"':#]+?)\1\s*:/.exec(line.slice(mark?.column ?? 0))?.[2];
    return key === undefined ? 'a key appears twice in the same mapping' : `the key "${key}" appears twice in the same mapping`;
}
const POLICY_READER = { code: 'E_POLICY', kind: 'a policy file' };
function readYaml(text, file, reservedKey, reader = POLICY_READER) {
    let value;
    try {
        // maxDepth arrived in js-yaml 4.1.1; @types/js-yaml predates it.
        const options = {
            filename: file,
            schema: js_yaml/* default.CORE_SCHEMA */.Ay.CORE_SCHEMA,
            json: false,
            maxDepth: MAX_YAML_DEPTH,
        };
        value = js_yaml/* default.load */.Ay.load(text, options);
    }
    catch (error) {
        if (error instanceof js_yaml/* default.YAMLException */.Ay.YAMLException) {
            const mark = error.mark;
            const where = mark && typeof mark.line === 'number' ? { line: mark.line + 1, column: (mark.column ?? 0) + 1 } : undefined;
            const reason = /exceeded maxDepth/.test(error.reason)
                ? `nesting is deeper than ${MAX_YAML_DEPTH} levels`
                : error.reason === 'duplicated mapping key'
                    ? duplicateKeyReason(text, mark)
                    : error.reason;
            throw new errors/* ConfigError */.xL(reader.code, `${formatLocation(file, where)} is not valid YAML: ${reason}`, { cause: error });
        }
        if (error instanceof RangeError) {
            throw new errors/* ConfigError */.xL(reader.code, `${file} is nested too deeply to read`, { cause: error });
        }
        throw error;
    }
    // Fast path: text that cannot hold an alias, anchor, merge key, tag or complex key, and whose keys
    // are none reserved, needs the positional document only for a message, so it is built on demand.
    // Anything else takes the full walk, which refuses what it must with its position.
    if (!MAY_NEED_WALK.test(text) && !hasReservedKey(value, '', reservedKey, 0)) {
        let located;
        return { value, locate: (pointer, at) => (located ??= documentLocator(text, file, reservedKey, reader))(pointer, at) };
    }
    return { value, locate: documentLocator(text, file, reservedKey, reader) };
}
/** Characters without which YAML has no alias (`*`), anchor (`&`), complex key (`?`, `]:`, `}:`), tag (`!`) or merge key (`<<`). */
const MAY_NEED_WALK = /[*&?!]|<<|[\]}]\s*:/;
function hasReservedKey(value, pointer, reservedKey, depth) {
    if (value === null || typeof value !== 'object' || depth > MAX_YAML_DEPTH)
        return depth > MAX_YAML_DEPTH;
    if (Array.isArray(value))
        return value.some((item, i) => hasReservedKey(item, `${pointer}/${i}`, reservedKey, depth + 1));
    return Object.keys(value).some((key) => {
        const child = `${pointer}/${escapePointer(key)}`;
        return reservedKey(key, child) !== undefined || hasReservedKey(value[key], child, reservedKey, depth + 1);
    });
}
/** The `yaml` package's document: where each pointer is, and the refusals only it can see (aliases, reserved keys). */
function documentLocator(text, file, reservedKey, reader) {
    const lineCounter = new dist/* LineCounter */.HN();
    const document = (0,dist/* parseDocument */.Tp)(text, { lineCounter, version: '1.2', schema: 'core', uniqueKeys: false, keepSourceTokens: false });
    const positions = new Map();
    const toPosition = (offset) => {
        const { line, col } = lineCounter.linePos(offset);
        return { line, column: col };
    };
    const fail = (offset, pointer, message) => {
        throw new errors/* ConfigError */.xL(reader.code, `${formatLocation(file, toPosition(offset))} ${pointer || '/'} ${message}`);
    };
    const walk = (node, pointer, depth) => {
        if (depth > MAX_YAML_DEPTH)
            fail(0, pointer, `is nested deeper than ${MAX_YAML_DEPTH} levels`);
        if ((0,dist/* isAlias */.Vj)(node)) {
            // Aliases are how "billion laughs" files expand; a policy or a manifest has no need for them, and a
            // reviewer should read in the file exactly what the gates apply.
            fail(node.range?.[0] ?? 0, pointer, `uses the alias *${node.source}: anchors and aliases are not supported in ${reader.kind}, write the values out`);
        }
        if ((0,dist/* isMap */.jh)(node)) {
            for (const pair of node.items) {
                if (!(0,dist/* isPair */.tO)(pair))
                    continue;
                const keyNode = pair.key;
                const keyOffset = keyNode?.range?.[0] ?? node.range?.[0] ?? 0;
                if ((0,dist/* isAlias */.Vj)(keyNode))
                    walk(keyNode, pointer, depth + 1);
                const key = (0,dist/* isScalar */.jn)(keyNode) ? String(keyNode.value) : keyNode === null ? '' : String(keyNode);
                const childPointer = `${pointer}/${escapePointer(key)}`;
                if (!(0,dist/* isScalar */.jn)(keyNode))
                    fail(keyOffset, pointer, 'has a key that is not a plain value');
                const reserved = reservedKey(key, childPointer);
                if (reserved)
                    fail(keyOffset, childPointer, reserved);
                const valueNode = pair.value;
                positions.set(childPointer, { key: keyOffset, value: valueNode?.range?.[0] ?? keyOffset });
                walk(valueNode, childPointer, depth + 1);
            }
        }
        else if ((0,dist/* isSeq */.oP)(node)) {
            node.items.forEach((item, index) => {
                const childPointer = `${pointer}/${index}`;
                const offset = item?.range?.[0] ?? node.range?.[0] ?? 0;
                positions.set(childPointer, { value: offset });
                walk(item, childPointer, depth + 1);
            });
        }
    };
    const root = document.contents;
    positions.set('', { value: root?.range?.[0] ?? 0 });
    walk(root, '', 0);
    return (pointer, at = 'value') => {
        let current = pointer;
        for (;;) {
            const found = positions.get(current);
            if (found)
                return toPosition(at === 'key' && current === pointer ? (found.key ?? found.value) : found.value);
            if (current === '')
                return { line: 1, column: 1 };
            current = current.slice(0, current.lastIndexOf('/'));
        }
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/policy/parse.ts





// The schema compiled ahead of time (scripts/gen-policy-artifacts.ts): loading ajv and compiling the
// schema here cost every run with a policy file well over 100 ms of its cold start.



/**
 * Reading and validating a policy file. This module and its dependencies (two YAML packages, the
 * validator) are loaded with import() only when a policy file exists: see load.ts.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
function reservedKey(key) {
    if (RESERVED_KEYS.has(key))
        return `uses the reserved name "${key}" as a key, which is never a policy setting`;
    if (key === '<<')
        return 'uses a YAML merge key (<<), which is not supported: write the values out';
    if (key === 'mask-values') {
        return `must not be in the policy file: values to mask are secrets and this file is readable by anyone who can read the repository. Pass them to the gate's \`mask-values\` input from \${{ secrets.* }} instead`;
    }
    return undefined;
}
const TYPE_WORDS = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    null: 'empty',
};
function describeValue(value) {
    if (value === null || value === undefined)
        return 'nothing';
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'object')
        return 'a mapping';
    if (typeof value === 'string')
        return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    if (typeof value === 'number')
        return `the number ${value}`;
    if (typeof value === 'boolean')
        return String(value);
    // Parsed YAML holds nothing else; say what it is rather than print it.
    return typeof value;
}
function valueAt(root, pointer) {
    let current = root;
    for (const raw of pointer.split('/').slice(1)) {
        const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key))
            return undefined;
        current = current[key];
    }
    return current;
}
function levenshtein(a, b) {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i += 1) {
        let previous = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j += 1) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length];
}
function unknownKeyMessage(key, known) {
    const close = known
        .map((candidate) => ({ candidate, distance: levenshtein(key.toLowerCase().replace(/_/g, '-'), candidate) }))
        .filter(({ distance }) => distance <= Math.max(2, Math.floor(key.length / 4)))
        .sort((a, b) => a.distance - b.distance)[0];
    if (close)
        return `is not a known key (did you mean "${close.candidate}"?)`;
    return `is not a known key (known keys: ${known.join(', ')})`;
}
const PATTERN_WORDS = {
    '\\S': 'must not be blank',
    '^[A-Za-z0-9][A-Za-z0-9._-]*$': 'must be a rule id: letters, digits, dots, underscores and hyphens',
    '^[A-Za-z0-9*?][A-Za-z0-9._:/@*?-]*$': 'must be a model id or glob: letters, digits and . _ : / @ - * ?',
};
/** An ajv error in words a person reads, at the pointer to blame (the unknown key itself, the missing one). */
function ajvProblem(error, data) {
    const pointer = error.instancePath;
    const params = error.params;
    switch (error.keyword) {
        case 'additionalProperties': {
            const key = String(params.additionalProperty);
            const known = Object.keys(error.parentSchema.properties ?? {});
            return { pointer: `${pointer}/${escapePointer(key)}`, at: 'key', message: unknownKeyMessage(key, known) };
        }
        case 'required':
            return { pointer: `${pointer}/${escapePointer(String(params.missingProperty))}`, at: 'value', message: 'is required' };
        case 'type': {
            const wanted = String(params.type)
                .split(',')
                .map((t) => TYPE_WORDS[t] ?? t)
                .join(' or ');
            return { pointer, at: 'value', message: `must be ${wanted}, not ${describeValue(valueAt(data, pointer))}` };
        }
        case 'const':
            return pointer === '/version'
                ? { pointer, at: 'value', message: `must be 1, the policy version this release understands (got ${describeValue(valueAt(data, pointer))})` }
                : { pointer, at: 'value', message: `must be ${JSON.stringify(params.allowedValue)}` };
        case 'enum':
            return {
                pointer,
                at: 'value',
                message: `must be one of: ${params.allowedValues.map(String).join(', ')} (got ${describeValue(valueAt(data, pointer))})`,
            };
        case 'minLength':
            return { pointer, at: 'value', message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters` };
        case 'maxLength':
            return { pointer, at: 'value', message: `must be at most ${String(params.limit)} characters` };
        case 'minItems':
            return { pointer, at: 'value', message: params.limit === 1 ? 'must not be an empty list' : `must have at least ${String(params.limit)} items` };
        case 'maxItems':
            return { pointer, at: 'value', message: `must have at most ${String(params.limit)} items` };
        case 'uniqueItems': {
            const [first, repeat] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
            return { pointer: `${pointer}/${String(repeat)}`, at: 'value', message: `repeats item ${String(first)}` };
        }
        case 'pattern':
            return { pointer, at: 'value', message: PATTERN_WORDS[String(params.pattern)] ?? `must match ${String(params.pattern)}` };
        default:
            // minimum/maximum read well as ajv words them: "must be <= 1".
            return { pointer, at: 'value', message: error.message ?? `fails ${error.keyword}` };
    }
}
function regexProblem(source, mayMatchEmpty) {
    let regex;
    try {
        regex = new RegExp(source);
    }
    catch (error) {
        return `is not a valid JavaScript regular expression: ${error.message.replace(/^Invalid regular expression: /, '')}`;
    }
    if (!mayMatchEmpty && regex.test(''))
        return 'matches the empty string, so it would match everywhere';
    return undefined;
}
function backtracking(shape) {
    return shape
        ? `${shape}: a line written by the agent could keep it running for hours. Rewrite it so no repeated part can match the same text in two ways (for example (a+)+ as a+)`
        : undefined;
}
/**
 * A regex that runs over lines a change adds (scope `forbid`, `require-ticket`): it must compile, must
 * not match everywhere, and must not have a shape that backtracks without end, since the agent chooses
 * the text it runs over.
 */
function lineRegexProblem(source) {
    const problem = regexProblem(source, false);
    if (problem)
        return problem;
    return backtracking(catastrophicShape(source, ''));
}
/** A secrets pattern runs over every added line too; it is written in gitleaks' (Go) dialect, as the engine reads it. */
function secretPatternProblem(source) {
    const problem = regexProblem(source, false);
    if (problem)
        return problem;
    let translated;
    try {
        translated = translateGoRegex(source);
    }
    catch {
        return 'is not a regular expression the secret engine can read';
    }
    return backtracking(catastrophicShape(translated.source, translated.flags));
}
function repoPathProblem(value) {
    if (value.startsWith('/') || /^[A-Za-z]:/.test(value))
        return 'must be a repository-relative path, not an absolute one';
    if (value.includes('\\') || value.includes('\0'))
        return 'must use / between folders and contain no NUL';
    if (value.split('/').some((segment) => segment === '..'))
        return 'must not leave the repository (..)';
    return undefined;
}
/** Rules JSON Schema cannot say: regexes compile, globs parse, thresholds are ordered, exactly one of two keys. */
function semanticProblems(raw, value) {
    const problems = [];
    const add = (pointer, message) => {
        if (message)
            problems.push({ pointer, at: 'value', message });
    };
    const given = (pointer) => valueAt(raw, pointer) !== undefined;
    value.signing.identities.forEach((identity, i) => {
        const pointer = `/signing/identities/${i}`;
        if (identity.subject !== undefined && identity['subject-regex'] !== undefined) {
            add(pointer, 'gives both subject and subject-regex: keep one');
        }
        else if (identity.subject === undefined && identity['subject-regex'] === undefined) {
            add(pointer, 'needs subject or subject-regex: an issuer alone would accept any signer it certifies');
        }
        if (identity['subject-regex'] !== undefined)
            add(`${pointer}/subject-regex`, regexProblem(identity['subject-regex'], false));
    });
    value.signing.keys.forEach((key, i) => add(`/signing/keys/${i}`, repoPathProblem(key)));
    for (const list of ['allowed-paths', 'protected-paths', 'denied-paths']) {
        value.scope[list].forEach((glob, i) => add(`/scope/${list}/${i}`, (0,policy_glob/* globProblem */.AI)(glob)));
    }
    for (const list of ['risk-tiers', 'require-ticket', 'forbid']) {
        value.scope[list].forEach((entry, i) => entry.paths.forEach((glob, j) => add(`/scope/${list}/${i}/paths/${j}`, (0,policy_glob/* globProblem */.AI)(glob))));
    }
    value.scope['require-ticket'].forEach((entry, i) => add(`/scope/require-ticket/${i}/pattern`, lineRegexProblem(entry.pattern)));
    value.scope.forbid.forEach((entry, i) => add(`/scope/forbid/${i}/regex`, lineRegexProblem(entry.regex)));
    value.secrets.patterns.forEach((pattern, i) => add(`/secrets/patterns/${i}/regex`, secretPatternProblem(pattern.regex)));
    value.secrets.allow.forEach((entry, i) => {
        const pointer = `/secrets/allow/${i}`;
        if (entry.paths === undefined && entry.regex === undefined) {
            add(pointer, 'needs paths or regex: an entry with only rules would switch those rules off everywhere (use disabled-rules for that)');
        }
        entry.paths?.forEach((glob, j) => add(`${pointer}/paths/${j}`, (0,policy_glob/* globProblem */.AI)(glob)));
        if (entry.regex !== undefined)
            add(`${pointer}/regex`, regexProblem(entry.regex, false));
    });
    for (const list of ['allowed-tools', 'denied-tools']) {
        value.transcript[list].forEach((rule, i) => {
            const parsed = (0,tools/* parseToolPattern */.Wc)(rule);
            if ('error' in parsed)
                add(`/transcript/${list}/${i}`, parsed.error);
        });
    }
    value.transcript['redact-patterns'].forEach((source, i) => add(`/transcript/redact-patterns/${i}`, regexProblem(source, false)));
    const { 'auto-approve-threshold': approve, 'reject-threshold': reject } = value.routing;
    if (reject >= approve) {
        const blameReject = given('/routing/reject-threshold') || !given('/routing/auto-approve-threshold');
        add(blameReject ? '/routing/reject-threshold' : '/routing/auto-approve-threshold', blameReject
            ? `must be lower than auto-approve-threshold (${approve}), or no change could ever be approved`
            : `must be higher than reject-threshold (${reject}), or no change could ever be approved`);
    }
    for (const set of ['thresholds', 'agent-thresholds', 'human-thresholds']) {
        for (const [tier, threshold] of Object.entries(value.routing[set])) {
            if (threshold !== undefined && threshold <= reject) {
                add(`/routing/${set}/${tier}`, `must be higher than reject-threshold (${reject}), or no ${tier}-risk change could ever be approved`);
            }
        }
    }
    if (Object.values(value.routing.weights).every((weight) => weight === 0)) {
        add('/routing/weights', 'gives every signal weight 0: the confidence would be undefined and no change could ever be approved');
    }
    for (const list of ['path-tiers', 'reviewers']) {
        value.routing[list].forEach((entry, i) => entry.paths.forEach((glob, j) => add(`/routing/${list}/${i}/paths/${j}`, (0,policy_glob/* globProblem */.AI)(glob))));
    }
    add('/audit/path', repoPathProblem(value.audit.path));
    add('/audit/spool', repoPathProblem(value.audit.spool));
    value.audit.sinks.forEach((sink, i) => {
        if ((sink.type === 'webhook' || sink.type === 'otlp') && sink.url === undefined)
            add(`/audit/sinks/${i}`, `must have a \`url\`: it is a ${sink.type} sink`);
    });
    return problems;
}
function throwProblems(file, source, problems) {
    const located = problems.map((problem) => ({
        ...problem,
        position: source?.locate(problem.pointer, problem.at),
    }));
    // The first problem in reading order, so the message is stable and points where a reader starts.
    located.sort((a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.column ?? 0) - (b.position?.column ?? 0) || a.pointer.localeCompare(b.pointer));
    const seen = new Set();
    const lines = located.filter((p) => {
        const key = `${p.pointer} ${p.message}`;
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
    const first = lines[0];
    const more = lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
    throw new errors/* ConfigError */.xL('E_POLICY', `${formatLocation(file, first.position)} ${first.pointer} ${first.message}${more}`);
}
/** Validates a parsed value and returns the normalised policy; `source` supplies positions for messages. */
function normalise(data, file, source, policyPaths) {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        throw new errors/* ConfigError */.xL('E_POLICY', `${formatLocation(file, source?.locate(''))} / must be a mapping with "version: 1" at the top, not ${describeValue(data)}`);
    }
    // Keep the file's own values apart from the defaults ajv fills in, to tell which threshold was written.
    const raw = structuredClone(data);
    if (!policy_validate_generated(data))
        throwProblems(file, source, (policy_validate_generated.errors ?? []).map((error) => ajvProblem(error, raw)));
    const value = data;
    const problems = semanticProblems(raw, value);
    if (problems.length > 0)
        throwProblems(file, source, problems);
    return (0,defaults/* toPolicy */.iJ)(value, policyPaths);
}
/**
 * Validates and defaults a policy file's text. `file` names the file in messages. `policyPath`, the
 * repository-relative path the text came from, is added to the protected paths (it always is).
 */
function parsePolicyText(text, file, options = {}) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > defaults/* MAX_POLICY_BYTES */.mk) {
        throw new errors/* ConfigError */.xL('E_TOO_LARGE', `${file} is ${bytes} bytes; a policy file may be at most ${defaults/* MAX_POLICY_BYTES */.mk} bytes (256 KiB)`);
    }
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const source = readYaml(body, file, reservedKey);
    if (source.value === undefined || source.value === null) {
        throw new errors/* ConfigError */.xL('E_POLICY', `${file} is empty: an empty policy is not "no policy". Write "version: 1" to use the defaults, or delete the file`);
    }
    const policy = normalise(source.value, file, source, (0,defaults/* policyPathsFor */.yo)(options.policyPath));
    return (0,defaults/* loaded */.Kc)(policy, { source: 'file', file, ...(options.ref ? { ref: options.ref } : {}) });
}


/***/ })

};
