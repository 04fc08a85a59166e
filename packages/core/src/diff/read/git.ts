import { copyFileSync, existsSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, errorMessage } from '../../errors.js';
import { assertSafeRef, commitOf, isFullSha, runGit, startHeldGit, streamGit } from '../../git/index.js';
import { LARGE_CHANGE_FILES, type ChangeSet, type ContentSource, type FileChange } from '../types.js';
import { BlobReader } from './blob-reader.js';
import { GitDiffParser } from './git-diff-parser.js';

/**
 * Reads a change from local git: the files, modes, blob ids and added lines between two commits
 * (or between a commit and the working tree), streamed from one `git diff` so a million-line change
 * never sits in memory as text.
 */

export interface ReadGitOptions {
  workspace: string;
  base: string;
  head: string;
  /** Fetch missing commits and deepen a shallow checkout from `remote` (default true). */
  deepen?: boolean;
  /** Remote to deepen from (default `origin`). */
  remote?: string;
  /**
   * git's diff.renameLimit for this diff (default 1000, git's own default; 0: no limit). Over it git
   * detects exact renames only and the change set says `renames: 'exact-only'`.
   */
  renameLimit?: number;
  /**
   * `merge-base` (default): compare the merge base of base and head with head, as GitHub's pull
   * request view does, so commits that landed on the base branch after the branch point do not show
   * as reverted by the change. `direct`: compare base with head as they are (push events).
   */
  compare?: 'merge-base' | 'direct';
  /** Largest file a rule may read through the content source (default 32 MiB). */
  maxContentBytes?: number;
  /**
   * Added-line text kept in memory at most (default 256 MiB). Past it lines are still counted but not
   * kept, and the change set is incomplete: a change too large to read whole never passes.
   */
  maxAddedLineBytes?: number;
  /**
   * Called with each file, its added lines included, as soon as the diff stream has all of it (git's
   * order, the order of `changes.files`); the files returned then hold no added lines, so a large change
   * is judged as it streams instead of kept whole. Symbolic-link targets are not known yet at this point.
   */
  onFile?: (file: FileChange, content: ContentSource) => void;
  /**
   * How many files the change has, before the first `onFile` (a hint: large changes start their threads
   * early). It may come more than once: first an estimate from git's count of the changed paths before
   * rename detection (each rename counted twice), as soon as that count starts, then the exact number
   * once git has listed the files.
   */
  onRecords?: (files: number) => void;
  signal?: AbortSignal;
}

export interface GitChanges {
  changes: ChangeSet;
  content: ContentSource;
}

export const DEFAULT_RENAME_LIMIT = 1000;
const DEFAULT_MAX_CONTENT = 32 * 1024 * 1024;
const DEFAULT_MAX_ADDED_LINE_BYTES = 256 * 1024 * 1024;
/** How far a shallow checkout is deepened, round by round, before the reader gives up. */
const DEEPEN_STEPS = [50, 250, 1000];
const MAX_MESSAGES = 1000;
const MAX_SYMLINK_TARGET = 4096;
// git prints these (git 2.39: "exhaustive rename detection was skipped due to too many files.";
// older and newer wordings: "inexact rename detection was skipped", "only found copies from
// modified paths due to too many files.") when it gives up inexact rename or copy detection.
const RENAME_LIMIT_WARNING = /(?:inexact|exhaustive) rename detection was skipped|only found copies from modified paths due to too many files/;

export async function readGitChanges(options: ReadGitOptions): Promise<GitChanges> {
  const { workspace } = options;
  const deepen = options.deepen ?? true;
  const remote = options.remote ?? 'origin';
  // The git directory (unless found without git), base and head are looked up side by side (git
  // processes at once, not one after the other); a commit not found is then resolved (and fetched)
  // alone, base first, so errors and fetches come in the order they always did.
  const gitDir = knownGitDir(workspace);
  gitDir.catch(() => undefined);
  const commits = givenCommits(options);
  const { byMergeBase } = commits;
  const { earlyFor } = earlyMergeBase(workspace, commits);
  const [baseFound, headFound] = await Promise.all([quickCommit(workspace, options.base), quickCommit(workspace, options.head)]);
  const base = baseFound ?? (await resolveInput(workspace, 'base', options.base, deepen, remote, options.signal));
  const head = headFound ?? (await resolveInput(workspace, 'head', options.head, deepen, remote, options.signal));

  const incomplete: string[] = [];
  let diffBase = base;
  let messagesFrom: string | undefined = base;
  if (byMergeBase) {
    const mergeBase = await findMergeBase(workspace, base, head, deepen, remote, options.signal, earlyFor(base, head));
    if (mergeBase) diffBase = mergeBase;
    else if (await isShallow(workspace)) {
      incomplete.push(
        `The checkout is shallow and base ${base.slice(0, 12)} and head ${head.slice(0, 12)} share no commit within it even after deepening: base was compared with head directly and commit messages were not read (use actions/checkout with fetch-depth: 0).`,
      );
      messagesFrom = undefined;
    }
  }
  const read = beginRead({ base, head, diffBase, messagesFrom, incomplete }, { ...options, gitDir });
  // Its folders are gone when it returns (dispose after a read waits for the clean-up it started).
  return read.read(options).finally(() => read.dispose());
}

/** Whether the reader compares by merge base, and base and head as given when both are full commit ids. */
function givenCommits(options: Pick<ReadGitOptions, 'base' | 'head' | 'compare'>): { byMergeBase: boolean; given: { base: string; head: string } | undefined } {
  const byMergeBase = (options.compare ?? 'merge-base') === 'merge-base';
  const [base, head] = [options.base, options.head].map((ref) => (isFullSha(ref) ? ref.toLowerCase() : undefined));
  return { byMergeBase, given: base !== undefined && head !== undefined ? { base, head } : undefined };
}

/**
 * The merge base asked for at once when base and head are given as full commit ids (a pull request's
 * base and head SHAs, the usual case): they name their commits already, so it runs beside the checks
 * that they are commits. `earlyFor(base, head)` gives it only for the commits those checks found to be
 * the ids given (then it is the merge base findMergeBase would ask git for first), else undefined.
 */
function earlyMergeBase(
  workspace: string,
  { byMergeBase, given }: ReturnType<typeof givenCommits>,
): {
  earlyFor: (base: string, head: string) => Promise<string | undefined> | undefined;
  /** Whether the ids given have exactly one merge base (the diff begun first is used only then). */
  unique: Promise<boolean>;
} {
  const all = given && byMergeBase ? mergeBasesOf(workspace, given.base, given.head) : Promise.resolve([]);
  const early = all.then((shas) => shas[0]);
  return {
    earlyFor: (base, head) => (given && base === given.base && head === given.head ? early : undefined),
    unique: all.then((shas) => shas.length === 1),
  };
}

/** What readGitChanges' callbacks are, for a read begun before its consumer was ready. */
export type GitReadCallbacks = Pick<ReadGitOptions, 'onFile' | 'onRecords'>;

/**
 * A read of a change begun before whoever judges it is ready (diff-scope starts it while the policy
 * is still being read): git is already diffing into a file nobody reads yet. `read` hands the change
 * over as readGitChanges would; `dispose` stops git and removes its files when it will never be read,
 * and after a read waits until the files the read removes as it ends are gone.
 */
export interface StartedGitRead {
  read(callbacks: GitReadCallbacks): Promise<GitChanges>;
  dispose(): Promise<void>;
}

/**
 * readGitChanges, begun now and read later. Only the usual case is read early: base and head are
 * both commits of the checkout and (comparing by merge base) have one. Given as full commit ids, their
 * diff starts at once, and is stopped and removed when the checks find anything else. Anything else (a
 * commit to fetch, a shallow checkout to deepen, a bad ref) is left to readGitChanges itself when
 * `read` is called, so fetches, errors and their order are exactly its own, and nothing is fetched for
 * a run that stops before reading (a policy that does not load).
 */
export function startGitRead(options: Omit<ReadGitOptions, 'onFile' | 'onRecords'>): StartedGitRead {
  const { workspace } = options;
  const commits = givenCommits(options);
  const { byMergeBase, given } = commits;
  // The diff is the long part, and every process this thread starts before it costs it 10-15 ms: with
  // base and head given as commit ids and the git directory found without asking git, the diff (of
  // their merge base with head: base...head) starts first, before the checks that they are commits and
  // the merge base itself. It is used only once those say it diffed what they name.
  const knownDir = gitDirOf(workspace);
  const diffFirst =
    given !== undefined && knownDir !== undefined
      ? startDiff(workspace, given.base, given.head, { ...options, gitDir: knownDir, mergeBase: byMergeBase })
      : undefined;
  const { earlyFor, unique } = earlyMergeBase(workspace, commits);
  // Asked of git only when gitDirOf found none (not looked for twice).
  const gitDir = knownDir !== undefined ? Promise.resolve(knownDir) : absoluteGitDir(workspace);
  let disposed = false;
  const begun = (async (): Promise<ReturnType<typeof beginRead> | undefined> => {
    const [base, head] = await Promise.all([quickCommit(workspace, options.base), quickCommit(workspace, options.head), gitDir]);
    if (base === undefined || head === undefined) return undefined;
    const diffBase = byMergeBase ? await (earlyFor(base, head) ?? mergeBaseOf(workspace, base, head)) : base;
    if (diffBase === undefined || disposed) return undefined;
    // The diff begun first is what these name when base and head are the commit ids given and (by merge
    // base) have one merge base, diffBase; with more (git would pick one, with a warning) the diff starts
    // here from the one merge-base printed, as it always did.
    const diff = diffFirst && base === given?.base && head === given.head && (!byMergeBase || (await unique)) ? diffFirst : undefined;
    return beginRead({ base, head, diffBase, messagesFrom: base, incomplete: [] }, { ...options, gitDir }, diff);
  })()
    .catch(() => undefined)
    .then(async (read) => {
      // A diff begun first and not taken (or a read given up) is stopped, whatever happened.
      if (diffFirst && read?.diff !== diffFirst) await diffFirst.dispose();
      return read;
    });
  return {
    async read(callbacks) {
      const read = await begun;
      return read ? read.read(callbacks) : readGitChanges({ ...options, ...callbacks });
    },
    async dispose() {
      disposed = true;
      await (await begun)?.dispose();
    },
  };
}

/**
 * The absolute git directory of a workspace at the top of its repository (`<workspace>/.git` a
 * folder with git's HEAD, objects and refs), found without starting git; undefined for anything else
 * (a linked worktree's `.git` file, a subfolder, GIT_DIR or GIT_WORK_TREE set), which `git rev-parse`
 * answers instead. git itself looks at `<cwd>/.git` first, so it is the folder git would use. Only a
 * repository this user owns, workspace and `.git` alike: git refuses any other ("dubious ownership")
 * unless safe.directory says otherwise, and a git given GIT_DIR does not ask, so that is left to git.
 */
function gitDirOf(workspace: string): string | undefined {
  if (process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined || process.env.GIT_COMMON_DIR !== undefined) return undefined;
  const user = process.geteuid?.();
  if (user === undefined) return undefined;
  try {
    const dir = realpathSync(path.resolve(workspace, '.git'));
    const stat = statSync(dir);
    if (!stat.isDirectory() || stat.uid !== user || statSync(workspace).uid !== user) return undefined;
    for (const [name, folder] of [
      ['HEAD', false],
      ['objects', true],
      ['refs', true],
    ] as const) {
      if (statSync(path.join(dir, name)).isDirectory() !== folder) return undefined;
    }
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Starts what reading the change takes, with base, head and the commits to diff known: the diff (its
 * output waiting in a file), the count that decides on copies, and the commit messages. `read` then
 * streams the diff to the callbacks; `dispose`, for a read never made, stops git and cleans up.
 */
function beginRead(
  resolved: { base: string; head: string; diffBase: string; messagesFrom: string | undefined; incomplete: string[] },
  options: Omit<ReadGitOptions, 'onFile' | 'onRecords'> & { gitDir: Promise<string> },
  /** The diff of diffBase with head, started already (startGitRead's), else it starts here. */
  started?: StartedDiff,
): StartedGitRead & { diff: StartedDiff } {
  const { workspace } = options;
  const { base, head, diffBase, messagesFrom, incomplete } = resolved;
  const blobs = new BlobReader(workspace, { maxBytes: options.maxContentBytes ?? DEFAULT_MAX_CONTENT });
  const content = new GitContentSource(diffBase, head, blobs);
  // The diff first (it is the long one; starting a process costs this thread 10-15 ms on a large
  // heap), then the commit messages, read while the diff streams.
  const diff = started ?? startDiff(workspace, diffBase, head, options);
  const messages = messagesFrom ? diff.started.then(() => readMessages(workspace, messagesFrom, head)) : Promise.resolve([]);
  messages.catch(() => undefined);
  const readAll = async (callbacks: Parameters<StartedGitRead['read']>[0]): ReturnType<StartedGitRead['read']> => {
    // A change of many files will read some of them (tests, manifests): their reader starts while git
    // is still matching renames, not in the middle of the diff.
    const onRecords = (files: number) => {
      if (files >= LARGE_CHANGE_FILES && callbacks.onFile) blobs.prepare();
      callbacks.onRecords?.(files);
    };
    const [{ files, renames, overBudget }, read] = await Promise.all([diff.read({ onFile: streamedTo(content, callbacks.onFile), onRecords }), messages]);
    if (overBudget) incomplete.push(overBudget);
    if (!callbacks.onFile) for (const file of files) content.add(file);
    const withTargets = await addSymlinkTargets(files, blobs);
    const changes: ChangeSet = {
      mode: 'git',
      base,
      head,
      ...(diffBase !== base ? { diffBase } : {}),
      files: withTargets,
      complete: incomplete.length === 0,
      incomplete,
      renames,
      messages: read,
    };
    return { changes, content };
  };
  let reading = false;
  return {
    diff,
    async read(callbacks) {
      reading = true;
      try {
        return await readAll(callbacks);
      } catch (error) {
        // A read that fails hands nothing over: the content reader it may have started (prepare, or a
        // rule's reads while the diff streamed) ends with it, not when this process does.
        await blobs.close();
        throw error;
      }
    },
    async dispose() {
      // Once read, everything belongs to the read (its content source goes on reading through
      // `blobs`): only the diff's clean-up is waited for.
      if (reading) return diff.dispose();
      await Promise.all([diff.dispose(), messages.catch(() => undefined)]);
      await blobs.close();
    },
  };
}

export interface ReadWorkingTreeOptions {
  workspace: string;
  base: string;
  renameLimit?: number;
  maxContentBytes?: number;
  maxAddedLineBytes?: number;
  /** As in ReadGitOptions. */
  onFile?: (file: FileChange, content: ContentSource) => void;
  /** As in ReadGitOptions. */
  onRecords?: (files: number) => void;
  signal?: AbortSignal;
}

/**
 * Compares `base` with the working tree as it is now, staged or not, untracked files included and
 * ignored ones left out (.gitignore as git applies it). The tree is snapshotted into a temporary index
 * (`git add -A` with GIT_INDEX_FILE), never the repository's own, so the user's staging is untouched
 * and what rules read later is the same snapshot that was diffed.
 */
export async function readWorkingTree(options: ReadWorkingTreeOptions): Promise<GitChanges> {
  const top = await workTreeRoot(options.workspace);
  const base = await resolveInput(top, 'base', options.base, false, 'origin', options.signal);
  const tree = await snapshotWorkingTree(top);
  const blobs = new BlobReader(top, { maxBytes: options.maxContentBytes ?? DEFAULT_MAX_CONTENT });
  const content = new GitContentSource(base, tree, blobs);
  const { files, renames, overBudget } = await diffTrees(top, base, tree, { ...options, onFile: streamedTo(content, options.onFile) });
  if (!options.onFile) for (const file of files) content.add(file);
  const withTargets = await addSymlinkTargets(files, blobs);
  const headCommit = await commitOf(top, 'HEAD');
  const messages = headCommit ? await readMessages(top, base, headCommit) : [];
  const changes: ChangeSet = {
    mode: 'working-tree',
    base,
    head: 'working-tree',
    files: withTargets,
    complete: overBudget === undefined,
    incomplete: overBudget ? [overBudget] : [],
    renames,
    messages,
  };
  return { changes, content };
}

async function workTreeRoot(workspace: string): Promise<string> {
  const notARepo = (cause?: unknown) =>
    new ConfigError('E_INPUT', `working-tree: ${workspace} is not inside a git working tree, so there is no uncommitted change to compare`, { cause });
  if (!existsSync(workspace)) throw notARepo();
  const result = await runGit(workspace, ['rev-parse', '--is-inside-work-tree', '--show-toplevel'], { maxBytes: 8192 }).catch((error: unknown) => {
    throw notARepo(error);
  });
  const [inside, top] = result.stdout.toString('utf8').split('\n');
  if (inside !== 'true' || !top) throw notARepo();
  return top;
}

async function snapshotWorkingTree(top: string): Promise<string> {
  const gitIndex = (await runGit(top, ['rev-parse', '--path-format=absolute', '--git-path', 'index'], { maxBytes: 8192 })).stdout.toString('utf8').trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-gates-index-'));
  const index = path.join(dir, 'index');
  try {
    // Starting from the real index keeps git's stat cache: only files that changed are hashed again.
    if (existsSync(gitIndex)) copyFileSync(gitIndex, index);
    const env = { GIT_INDEX_FILE: index };
    await runGit(top, ['add', '-A', '--', '.'], { env, maxBytes: 16 * 1024 * 1024, timeoutMs: 300_000 });
    const tree = (await runGit(top, ['write-tree'], { env, maxBytes: 1024 })).stdout.toString('utf8').trim();
    if (!isFullSha(tree)) throw new ConfigError('E_GIT', `git write-tree printed "${tree.slice(0, 80)}", not a tree id`);
    return tree.toLowerCase();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resolves `base` or `head` to a full commit SHA, fetching it when the checkout lacks it. */
async function resolveInput(workspace: string, input: 'base' | 'head', ref: string, deepen: boolean, remote: string, signal?: AbortSignal): Promise<string> {
  if (ref.trim() === '') throw new ConfigError('E_GIT', `${input} is empty: give a commit SHA or a ref`);
  try {
    assertSafeRef(ref);
  } catch (error) {
    throw new ConfigError('E_GIT', `${input}: ${errorMessage(error)}`, { cause: error });
  }
  const found = await commitOf(workspace, ref);
  if (found) return found;
  if (deepen && isFullSha(ref)) {
    signal?.throwIfAborted();
    // GitHub (and git over file:// with protocol v2) serves a reachable commit by SHA. --depth=1 only
    // in a checkout that is shallow already: in a full clone it would make the repository shallow.
    const depth = (await isShallow(workspace)) ? ['--depth=1'] : [];
    await runGit(workspace, ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', ...depth, remote, ref], {
      maxBytes: 1024 * 1024,
      timeoutMs: 300_000,
    }).catch(() => undefined);
    const fetched = await commitOf(workspace, ref);
    if (fetched) return fetched;
  }
  throw new ConfigError(
    'E_GIT',
    `${input} "${ref}" is not a commit in ${workspace}${deepen && isFullSha(ref) ? ` and could not be fetched from ${remote}` : ''} (a shallow checkout may lack it: use actions/checkout with fetch-depth: 0)`,
  );
}

async function isShallow(workspace: string): Promise<boolean> {
  const { stdout } = await runGit(workspace, ['rev-parse', '--is-shallow-repository'], { maxBytes: 64 });
  return stdout.toString('utf8').trim() === 'true';
}

/** The merge base of base and head (the one `git merge-base` prints: the first of them all), or undefined. */
async function mergeBaseOf(workspace: string, base: string, head: string): Promise<string | undefined> {
  return (await mergeBasesOf(workspace, base, head))[0];
}

/** Every merge base of base and head (best first, as `git merge-base --all` prints them); none on any failure. */
async function mergeBasesOf(workspace: string, base: string, head: string): Promise<string[]> {
  try {
    const { stdout } = await runGit(workspace, ['merge-base', '--all', base, head], { maxBytes: 64 * 1024 });
    const shas = stdout
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '');
    return shas.every(isFullSha) ? shas.map((sha) => sha.toLowerCase()) : [];
  } catch {
    return [];
  }
}

/** The merge base, deepening a shallow checkout a bounded number of commits until it appears. */
async function findMergeBase(
  workspace: string,
  base: string,
  head: string,
  deepen: boolean,
  remote: string,
  signal?: AbortSignal,
  /** `mergeBaseOf(workspace, base, head)` asked already (its answer stands for the first attempt). */
  first?: Promise<string | undefined>,
): Promise<string | undefined> {
  const found = await (first ?? mergeBaseOf(workspace, base, head));
  if (found || !deepen) return found;
  for (const depth of DEEPEN_STEPS) {
    if (!(await isShallow(workspace))) return undefined;
    signal?.throwIfAborted();
    await runGit(workspace, ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', `--deepen=${depth}`, remote, base, head], {
      maxBytes: 1024 * 1024,
      timeoutMs: 300_000,
    }).catch(() => undefined);
    const deeper = await mergeBaseOf(workspace, base, head);
    if (deeper) return deeper;
  }
  return undefined;
}

/**
 * The one \`git diff\` the reader runs (raw records, then the -U0 patch, NUL-separated, full blob ids),
 * with the settings that keep the repository's own configuration from changing what is read.
 * \`copies\`: look for copies too (-C), which git gives up past \`renameLimit\`² candidate pairs.
 * \`mergeBase\`: diff the merge base of \`from\` and \`to\` with \`to\` (\`from...to\`; git fails when there is
 * none, and with more than one takes one of them: the caller checks there is exactly one).
 */
export function gitDiffArgs(from: string, to: string, options: { renameLimit: number; copies: boolean; mergeBase?: boolean }): string[] {
  const { renameLimit, copies, mergeBase = false } = options;
  return [
    '-c',
    'core.attributesFile=/dev/null',
    '-c',
    'core.quotePath=false',
    '-c',
    `diff.renameLimit=${renameLimit}`,
    // A config of diff.renames=copies would bring back the copy search that `copies: false` skips.
    '-c',
    'diff.renames=true',
    // The repository's own settings must not change what is read: no external diff drivers or
    // textconv (they run programs and rewrite content), no submodule log format, no color.
    'diff',
    '--no-ext-diff',
    '--no-textconv',
    '--no-color',
    '--submodule=short',
    '--ignore-submodules=none',
    '--raw',
    '-p',
    '-U0',
    // diff.interHunkContext would fuse -U0 hunks with context lines in between.
    '--inter-hunk-context=0',
    '-z',
    '-M',
    ...(copies ? ['-C'] : []),
    '--full-index',
    '--no-abbrev',
    '--no-relative',
    // from...to: the merge base of the two against `to` (`--merge-base` would need git 2.30).
    ...(mergeBase ? [`${from}...${to}`] : [from, to]),
    '--',
  ];
}

interface DiffOptions {
  renameLimit?: number;
  maxAddedLineBytes?: number;
  signal?: AbortSignal;
  /** The repository's absolute git directory, when the caller knows it or started looking it up already. */
  gitDir?: Promise<string> | string;
  /** `from` is the base whose merge base with `to` is diffed (gitDiffArgs' `mergeBase`). */
  mergeBase?: boolean;
}

interface DiffCallbacks {
  onFile?: (file: FileChange) => void;
  onRecords?: (files: number) => void;
}

type DiffResult = { files: FileChange[]; renames: 'full' | 'exact-only'; overBudget?: string };

function diffTrees(workspace: string, from: string, to: string, options: DiffOptions & DiffCallbacks): Promise<DiffResult> {
  const diff = startDiff(workspace, from, to, options);
  // Read whole, then cleaned up before it returns (a started read's caller waits for that in dispose).
  return diff.read(options).finally(() => diff.dispose());
}

/** A diff started by startDiff. */
interface StartedDiff {
  read(callbacks: DiffCallbacks): Promise<DiffResult>;
  dispose(): Promise<void>;
  /** Settles once git was started (or could not be). */
  started: Promise<void>;
}

/**
 * Starts the diff between two trees, its output waiting in a file until `read` parses it for the
 * callbacks (which may come much later). `dispose` stops git and removes its files when `read` will
 * never be called; after `read` it waits for the clean-up read starts as it ends (in the background).
 */
function startDiff(workspace: string, from: string, to: string, options: DiffOptions): StartedDiff {
  const renameLimit = options.renameLimit ?? DEFAULT_RENAME_LIMIT;
  const budget = options.maxAddedLineBytes ?? DEFAULT_MAX_ADDED_LINE_BYTES;
  const stop = new AbortController();
  const signal = { signal: options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal };
  let parser: GitDiffParser | undefined;
  // git's output reaches the parser only once `read` made it (the held git is kept there).
  const push = (chunk: Buffer) => parser!.push(chunk);
  // The count's latest figure, and where it goes once `read` says.
  let counted: number | undefined;
  let onCount: ((files: number) => void) | undefined;
  const setup = (async () => {
    if (!Number.isSafeInteger(renameLimit) || renameLimit < 0) throw new ConfigError('E_INPUT', `renameLimit must be a whole number, not ${renameLimit}`);
    // .gitattributes come from the working tree and the index, which the change itself controls in CI:
    // one line `* -diff` would turn every file "binary" and hide its added lines from every rule. So
    // the diff runs against an empty work tree and an empty index; a file is binary only by its bytes.
    // A git directory known already starts git at once, in this turn, before the caller goes on.
    const gitDir = typeof options.gitDir === 'string' ? options.gitDir : await (options.gitDir ?? absoluteGitDir(workspace));
    stop.signal.throwIfAborted();
    const isolated = mkdtempSync(path.join(tmpdir(), 'agent-gates-diff-'));
    const isolation = { GIT_DIR: gitDir, GIT_WORK_TREE: isolated, GIT_INDEX_FILE: path.join(isolated, 'index') };
    // git's output goes through a file in a folder of its own, not the empty work tree git is given.
    let spoolDir: string;
    try {
      spoolDir = mkdtempSync(path.join(tmpdir(), 'agent-gates-spool-'));
    } catch (error) {
      rmSync(isolated, { recursive: true, force: true });
      throw error;
    }
    // Off this thread: unlinking the spool (90 MB of diff on the bench's change) took 25-60 ms, at
    // the end of the run where this thread is all that still works.
    const cleanUp = (): Promise<void> =>
      Promise.all([rm(isolated, { recursive: true, force: true }), rm(spoolDir, { recursive: true, force: true })]).then(
        () => undefined,
        () => undefined,
      );
    // Every diff is held: its output waits in the spool until `read` keeps it.
    const mergeBase = options.mergeBase === true;
    const held = (copies: boolean) =>
      startHeldGit(isolated, gitDiffArgs(from, to, { renameLimit, copies, mergeBase }), push, { ...signal, env: isolation, spoolDir });
    // No limit: copies always fit, and there is nothing to count.
    if (renameLimit === 0) return { cleanUp, chosen: Promise.resolve(held(true)) };
    // git's rename matrix is (added files) x (sources); with -C the sources are the deleted AND the
    // modified files, and when that passes renameLimit^2 git drops inexact detection altogether,
    // renames included. So copies are looked for only when they fit; otherwise -M alone keeps the
    // renames, whose sources are only the deleted files. Counting costs a tree walk (no content diff)
    // and stops as soon as the product passes the limit (counts only grow). The diff without copies
    // starts beside it: on a change too large for copies (where time counts) its output is the one
    // read, held until the count decides; when copies fit after all, that git is stopped and the
    // diff with -C starts at once, held too, so it also runs while the caller gets ready to read.
    const speculative = held(false);
    // The count streams in well before git's own listing, which waits for rename detection: on a
    // large change a scan's thread then starts (and loads) while git is still matching renames and
    // this thread has nothing else to do, instead of beside the first files.
    const chosen = copiesFit(workspace, from, to, mergeBase, renameLimit * renameLimit, signal, (files) => {
      counted = files;
      onCount?.(files);
    }).then(
      async (fit) => {
        if (!fit) return speculative;
        await speculative.drop();
        stop.signal.throwIfAborted();
        return held(true);
      },
      async (error: unknown) => {
        await speculative.drop();
        throw error;
      },
    );
    chosen.catch(() => undefined);
    return { cleanUp, chosen };
  })();
  setup.catch(() => undefined);
  let reading = false;
  /** The clean-up a read started as it ended (git's folders removed in the background). */
  let cleaning: Promise<void> | undefined;
  return {
    started: setup.then(
      () => undefined,
      () => undefined,
    ),
    async read(callbacks) {
      reading = true;
      parser = new GitDiffParser(budget, callbacks.onFile, callbacks.onRecords);
      onCount = callbacks.onRecords;
      if (counted !== undefined) onCount?.(counted);
      const { cleanUp, chosen } = await setup;
      try {
        const { stderr } = await (await chosen).keep();
        const files = parser.end();
        const skipped = [...parser.overBudget];
        return {
          files,
          renames: RENAME_LIMIT_WARNING.test(stderr) ? 'exact-only' : 'full',
          ...(skipped.length > 0
            ? {
                overBudget: `The added lines add up to more than ${budget} bytes: those past it were counted but not kept, so rules did not see them (${skipped.length} file(s), first ${skipped[0]}).`,
              }
            : {}),
        };
      } finally {
        cleaning = cleanUp();
      }
    },
    async dispose() {
      // After a read: nothing to stop, only its clean-up to wait for.
      if (reading) return cleaning;
      stop.abort();
      const started = await setup.catch(() => undefined);
      if (!started) return;
      // The count fails on the abort and drops the diff it held; a diff chosen already is dropped here.
      await (await started.chosen.catch(() => undefined))?.drop();
      await started.cleanUp();
    },
  };
}

/** The absolute git directory: gitDirOf's when it finds one, else git's answer. */
function knownGitDir(workspace: string): Promise<string> {
  const known = gitDirOf(workspace);
  return known !== undefined ? Promise.resolve(known) : absoluteGitDir(workspace);
}

async function absoluteGitDir(workspace: string): Promise<string> {
  const { stdout } = await runGit(workspace, ['rev-parse', '--absolute-git-dir'], { maxBytes: 8192 });
  return stdout.toString('utf8').trim();
}

/** The commit a well-formed `ref` names, or undefined (an empty or unsafe ref is left to resolveInput's errors). */
function quickCommit(workspace: string, ref: string): Promise<string | undefined> {
  if (ref.trim() === '') return Promise.resolve(undefined);
  try {
    assertSafeRef(ref);
  } catch {
    return Promise.resolve(undefined);
  }
  return commitOf(workspace, ref);
}

/** Thrown from the counting stream to stop git once the answer is known. */
class CountPassedLimit extends Error {}

/** Whether (added files) x (deleted + modified files) stays within `limit`: git's copy-detection matrix fits. */
async function copiesFit(
  workspace: string,
  from: string,
  to: string,
  mergeBase: boolean,
  limit: number,
  options: { signal?: AbortSignal },
  /** Called with the paths counted so far (added, deleted and modified), after each part of git's output. */
  counted?: (files: number) => void,
): Promise<boolean> {
  try {
    const counts = await countChanges(workspace, from, to, mergeBase, options, (c) => {
      counted?.(c.added + c.deleted + c.modified);
      if (c.added * (c.deleted + c.modified) > limit) throw new CountPassedLimit();
    });
    return counts.added * (counts.deleted + counts.modified) <= limit;
  } catch (error) {
    if (error instanceof CountPassedLimit) return false;
    throw error;
  }
}

/** How many files the change adds, deletes and modifies, before any rename detection. */
async function countChanges(
  workspace: string,
  from: string,
  to: string,
  mergeBase: boolean,
  options: { signal?: AbortSignal },
  /** Called after each chunk with the counts so far; throwing from it stops git. */
  progress?: (counts: { added: number; deleted: number; modified: number }) => void,
): Promise<{ added: number; deleted: number; modified: number }> {
  const counts = { added: 0, deleted: 0, modified: 0 };
  let carry = '';
  let meta = true;
  await streamGit(
    workspace,
    ['diff', '--no-ext-diff', '--raw', '-z', '--no-renames', '--no-relative', ...(mergeBase ? [`${from}...${to}`] : [from, to]), '--'],
    (chunk) => {
      // Records alternate: ":<modes> <ids> <status>" then one path (no renames, so never two).
      const tokens = (carry + chunk.toString('latin1')).split('\0');
      carry = tokens.pop() ?? '';
      for (const token of tokens) {
        if (meta) {
          const status = token.charAt(token.length - 1);
          if (status === 'A') counts.added++;
          else if (status === 'D') counts.deleted++;
          else counts.modified++;
        }
        meta = !meta;
      }
      progress?.(counts);
    },
    options,
  );
  return counts;
}

async function addSymlinkTargets(files: FileChange[], blobs: BlobReader): Promise<FileChange[]> {
  // Most changes have no symbolic link at all: no promise per file for them.
  if (!files.some((file) => file.newMode === '120000' && file.newBlob)) return files;
  return Promise.all(
    files.map(async (file) => {
      if (file.newMode !== '120000' || !file.newBlob) return file;
      const target = await blobs.read(file.newBlob);
      if (target === undefined) throw new ConfigError('E_GIT', `the symbolic link ${file.path} points at a blob git cannot read`);
      if (target.length > MAX_SYMLINK_TARGET) throw new ConfigError('E_GIT', `the symbolic link ${file.path} has a ${target.length}-byte target`);
      return { ...file, symlinkTarget: target.toString('utf8') };
    }),
  );
}

async function readMessages(workspace: string, from: string, to: string): Promise<string[]> {
  const { stdout } = await runGit(
    workspace,
    ['log', '-z', '--encoding=UTF-8', '--format=%B', `--max-count=${MAX_MESSAGES}`, '--end-of-options', `${from}..${to}`],
    {
      maxBytes: 8 * 1024 * 1024,
    },
  );
  return stdout
    .toString('utf8')
    .split('\0')
    .map((message) => message.trim())
    .filter((message) => message.length > 0);
}

/** The reader's `onFile`, after the content source learns the file's blobs (so a rule may read it at once). */
function streamedTo(
  content: GitContentSource,
  onFile: ((file: FileChange, content: ContentSource) => void) | undefined,
): ((file: FileChange) => void) | undefined {
  if (!onFile) return undefined;
  return (file) => {
    content.add(file);
    onFile(file, content);
  };
}

/** The blob a change's record names at one side, or null for none (a submodule's commit is not a file). */
function sideBlob(file: FileChange, side: 'base' | 'head'): string | null {
  const blob = side === 'base' ? file.oldBlob : file.newBlob;
  const mode = side === 'base' ? file.oldMode : file.newMode;
  return blob && mode !== '160000' ? blob : null;
}

/**
 * Reads files at the two sides of the diff from the object database (never the working tree, which
 * the change itself may have altered). Changed files are read by the blob ids the diff printed, learnt
 * file by file as the diff streams; any other path by `<tree>:<path>`, which names the same content.
 */
class GitContentSource implements ContentSource {
  private readonly atBase = new Map<string, string | null>();
  private readonly atHead = new Map<string, string | null>();
  /**
   * What index() needs of each file added since a read by path last brought the two maps up to date,
   * five entries a file (status, path, old path, base blob, head blob): not the record, whose added
   * lines must not stay alive here. The rules read each file by its own record (readChange), so a large
   * change never builds the maps unless a read names a path: two map entries per file were 60-90 ms of
   * the main thread on a 20,000-file change.
   */
  private pending: (string | null | undefined)[] = [];

  constructor(
    private readonly from: string,
    private readonly to: string,
    private readonly blobs: BlobReader,
  ) {}

  add(file: FileChange): void {
    this.pending.push(file.status, file.path, file.oldPath, sideBlob(file, 'base'), sideBlob(file, 'head'));
  }

  /** The blob ids of the files added so far by path, in the order they were added (later ones win, as they always did). */
  private index(): void {
    const { atBase, atHead, pending } = this;
    for (let i = 0; i < pending.length; i += 5) {
      const status = pending[i] as FileChange['status'];
      const path = pending[i + 1] as string;
      const oldPath = pending[i + 2] as string | undefined;
      if (status !== 'added') atBase.set(oldPath ?? path, pending[i + 3] as string | null);
      if (status !== 'deleted') atHead.set(path, pending[i + 4] as string | null);
      // A rename's old path no longer exists at head; a copy's source still does, unchanged.
      if (status === 'renamed' && oldPath !== undefined && !atHead.has(oldPath)) atHead.set(oldPath, null);
      if (status === 'added' && !atBase.has(path)) atBase.set(path, null);
    }
    this.pending = [];
  }

  read(side: 'base' | 'head', file: string): Promise<Buffer | undefined> {
    if (this.pending.length > 0) this.index();
    const known = (side === 'base' ? this.atBase : this.atHead).get(file);
    if (known === null) return Promise.resolve(undefined);
    if (known !== undefined) return this.blobs.read(known);
    if (file.length === 0 || file.includes('\n') || file.startsWith('/')) return Promise.resolve(undefined);
    return this.blobs.read(`${side === 'base' ? this.from : this.to}:${file}`);
  }

  readChange(side: 'base' | 'head', change: FileChange): Promise<Buffer | undefined> {
    const blob = (side === 'base' ? change.status !== 'added' : change.status !== 'deleted') ? sideBlob(change, side) : null;
    return blob === null ? Promise.resolve(undefined) : this.blobs.read(blob);
  }

  close(): Promise<void> {
    return this.blobs.close();
  }
}
