import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerTempDir } from '../../../harness/temp.js';
import { git } from '../../../harness/git-repo.js';

/**
 * A scratch repository driven by plain git, for the cases createGitRepo cannot express: modes,
 * symlinks, submodules, and file names that are not UTF-8 (paths given as Buffers).
 */
export class ScratchRepo {
  readonly dir: string;

  constructor(parent?: string) {
    this.dir = registerTempDir(mkdtempSync(path.join(parent ?? tmpdir(), 'agent-gates-read-')));
    git(this.dir, 'init', '-q', '-b', 'main');
    git(this.dir, 'config', 'user.name', 'agent-gates test');
    git(this.dir, 'config', 'user.email', 'test@agent-gates.invalid');
    git(this.dir, 'config', 'commit.gpgsign', 'false');
    git(this.dir, 'config', 'protocol.file.allow', 'always');
  }

  private abs(file: string | Buffer): string | Buffer {
    if (typeof file === 'string') return path.join(this.dir, file);
    return Buffer.concat([Buffer.from(`${this.dir}/`), file]);
  }

  write(file: string | Buffer, content: string | Buffer, mode?: number): this {
    const target = this.abs(file);
    if (typeof file === 'string') mkdirSync(path.dirname(target as string), { recursive: true });
    writeFileSync(target, content);
    if (mode !== undefined) chmodSync(target, mode);
    return this;
  }

  symlink(file: string, target: string): this {
    rmSync(this.abs(file), { force: true });
    mkdirSync(path.dirname(this.abs(file) as string), { recursive: true });
    symlinkSync(target, this.abs(file));
    return this;
  }

  remove(file: string | Buffer): this {
    rmSync(this.abs(file), { force: true, recursive: true });
    return this;
  }

  git(...args: string[]): string {
    return git(this.dir, ...args);
  }

  commit(message: string): string {
    this.git('add', '-A');
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], {
      cwd: this.dir,
      stdio: 'ignore',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
    return this.git('rev-parse', 'HEAD');
  }
}
