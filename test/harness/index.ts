// One import for bundle tests: `import { runAction, createGitRepo, startArtifactService, readZip } from '../harness/index.js'`.
export * from './run-action.js';
export * from './git-repo.js';
export * from './artifact-service.js';
export * from './zip.js';
export { cleanupTempDirs, linkToOutsideFile } from './temp.js';
