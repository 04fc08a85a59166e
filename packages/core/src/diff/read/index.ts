export {
  DEFAULT_RENAME_LIMIT,
  gitDiffArgs,
  readGitChanges,
  readWorkingTree,
  startGitRead,
  type GitReadCallbacks,
  type StartedGitRead,
  type ReadGitOptions,
  type ReadWorkingTreeOptions,
  type GitChanges,
} from './git.js';
export { readApiChanges, parsePatch, type PullFile, type PullInfo, type ReadApiOptions } from './api.js';
export { diffDigest, DiffDigestStream } from './digest.js';
export { decodePath, hasUnsafeChars } from './paths.js';
