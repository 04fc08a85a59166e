import { describe, expect, it } from 'vitest';
import { pullRequestApi } from '../../../packages/action-kit/src/pull-files.js';

describe('pullRequestApi', () => {
  it('is there only with both a token and a pull request number', () => {
    expect(pullRequestApi({ token: undefined, repository: 'o/r', pullNumber: 3 })).toBeUndefined();
    expect(pullRequestApi({ token: '', repository: 'o/r', pullNumber: 3 })).toBeUndefined();
    expect(pullRequestApi({ token: 't', repository: 'o/r', pullNumber: undefined })).toBeUndefined();
    const api = pullRequestApi({ token: 't', repository: 'o/r', pullNumber: 3 });
    expect(api && Object.keys(api).sort()).toEqual(['files', 'pull', 'readContent']);
  });
});
