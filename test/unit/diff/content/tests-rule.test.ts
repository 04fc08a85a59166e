import { describe, expect, it } from 'vitest';
import { blankCommentsAndStrings, contentRules, countTestCases, markerOnLine, mayHoldMarker, testPathKind, testsRule } from '@agent-gates/core/diff/content';
import { MARKER_WORDS, MARKERS } from '../../../../packages/core/src/diff/content/tests-rule.js';
import { pathKindByConventions, sourceLanguage } from '../../../../packages/core/src/diff/content/test-files.js';
import { rng } from '../../secrets/helpers.js';
import { changeOf, summary, type FileSides } from './helpers.js';

const strict = { allowDeleted: false, allowSkipped: false, allowFewer: false };

async function judge(files: FileSides[], options = strict) {
  const ctx = changeOf(files);
  return { findings: await testsRule(options).run(ctx), reads: ctx.content.reads };
}

const JS_SPEC = `import { describe, expect, it } from 'vitest';
import { total } from '../src/cart.js';

describe('cart', () => {
  it('sums prices', () => {
    expect(total([1, 2])).toBe(3);
  });

  it('is zero when empty', () => {
    expect(total([])).toBe(0);
  });

  test('rounds to cents', () => {
    expect(total([0.1, 0.2])).toBe(0.3);
  });
});
`;

const PY_TEST = `import pytest
from shop.cart import total


def test_sums_prices():
    assert total([1, 2]) == 3


def test_empty_is_zero():
    assert total([]) == 0
`;

const GO_TEST = `package cart

import "testing"

func TestTotal(t *testing.T) {
\tif Total([]int{1, 2}) != 3 {
\t\tt.Fatal("wrong total")
\t}
}

func TestEmpty(t *testing.T) {
\tif Total(nil) != 0 {
\t\tt.Fatal("not zero")
\t}
}
`;

const JAVA_TEST = `package shop;

import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CartTest {
    @Test
    void sumsPrices() {
        assertEquals(3, Cart.total(1, 2));
    }

    @Test
    void emptyIsZero() {
        assertEquals(0, Cart.total());
    }
}
`;

const RUST_LIB = `pub fn total(prices: &[u32]) -> u32 {
    prices.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_prices() {
        assert_eq!(total(&[1, 2]), 3);
    }

    #[test]
    fn empty_is_zero() {
        assert_eq!(total(&[]), 0);
    }
}
`;

const RSPEC = `require 'cart'

RSpec.describe Cart do
  it 'sums prices' do
    expect(Cart.total([1, 2])).to eq(3)
  end

  it 'is zero when empty' do
    expect(Cart.total([])).to eq(0)
  end
end
`;

describe('test files by each ecosystem', () => {
  it.each([
    ['src/cart.test.ts', 'name'],
    ['src/cart.spec.jsx', 'name'],
    ['src/__tests__/cart.ts', 'folder'],
    ['test/cart.js', 'folder'],
    ['tests/test_cart.py', 'name'],
    ['shop/cart_test.py', 'name'],
    ['tests/helpers.py', 'folder'],
    ['cart/cart_test.go', 'name'],
    ['app/src/test/java/shop/Util.java', 'folder'],
    ['app/src/main/java/shop/CartTest.java', 'name'],
    ['app/src/main/kotlin/CartTests.kt', 'name'],
    ['crates/cart/tests/total.rs', 'folder'],
    ['spec/cart_spec.rb', 'name'],
    ['test/test_cart.rb', 'name'],
  ])('%s is a test file (%s)', (path, kind) => {
    expect(testPathKind(path)).toBe(kind);
  });

  it.each([
    'src/cart.ts',
    'src/testing.py',
    'cart/cart.go',
    'app/src/main/java/shop/Cart.java',
    'src/lib.rs',
    'lib/cart.rb',
    'tests/data.json',
    'docs/test_plan.md',
  ])('%s is not a test file by its path', (path) => {
    expect(testPathKind(path)).toBeUndefined();
  });

  it('skips the conventions only for paths none of them could match (TEST_PATH_HINT)', () => {
    // Pieces of test and non-test paths in every language, put together at random: the hint never
    // turns away a path the conventions call a test, whatever its folders and name.
    const folders = ['src', 'test', 'tests', '__tests__', 'spec', 'benches', 'main', 'androidTest', 'java', 'lib', 'Testing', 'specs', 'e2e', 'it'];
    const stems = [
      'cart',
      'test_cart',
      'cart_test',
      'CartTest',
      'CartTests',
      'CartIT',
      'CartSpec',
      'cart_spec',
      'cart.test',
      'cart.spec',
      'cart.cy',
      'cart.e2e',
      'test',
      'Spec',
      'IT',
      'spec_helper',
    ];
    const extensions = ['ts', 'tsx', 'mjs', 'cjs', 'js', 'py', 'go', 'java', 'kt', 'kts', 'groovy', 'scala', 'rs', 'rb', 'json', 'md', ''];
    const random = rng(20261202);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    let tests = 0;
    for (let n = 0; n < 20_000; n++) {
      const depth = Math.floor(random() * 5);
      const dirs = Array.from({ length: depth }, () => pick(folders));
      const extension = pick(extensions);
      const path = [...dirs, `${pick(stems)}${extension ? `.${extension}` : ''}`].join('/');
      const kind = pathKindByConventions(path);
      if (kind !== undefined) tests++;
      expect(testPathKind(path), path).toBe(kind);
    }
    // The pieces do make test paths (and paths that are not): the comparison means something.
    expect(tests).toBeGreaterThan(2_000);
    expect(tests).toBeLessThan(18_000);
  });

  it('knows a source file by the extension after its last dot, as one regex per language did', () => {
    const byRegex: [RegExp, string][] = [
      [/\.(?:[cm]?[jt]sx?)$/, 'js'],
      [/\.py$/, 'python'],
      [/\.go$/, 'go'],
      [/\.(?:java|kt|kts|groovy|scala)$/, 'jvm'],
      [/\.rs$/, 'rust'],
      [/\.rb$/, 'ruby'],
    ];
    const parts = [
      'a',
      '.',
      '/',
      'js',
      'jsx',
      'mts',
      'ctsx',
      'mjsx',
      'py',
      'go',
      'kt',
      'kts',
      'groovy',
      'scala',
      'java',
      'rs',
      'rb',
      'JS',
      'ts',
      's',
      'x',
      '\n',
      'c',
      'm',
      'json',
      'pyc',
    ];
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const paths = ['file.ts', 'dir.py/file', '.py', 'a..py', 'a.py\n', 'A.JS', 'x.mjsx', 'y.cts', 'z.', 'noext'];
    for (let k = 0; k < 4000; k++) paths.push(Array.from({ length: 1 + Math.floor(next() * 6) }, () => parts[Math.floor(next() * parts.length)]).join(''));
    for (const path of paths) expect(sourceLanguage(path), JSON.stringify(path)).toBe(byRegex.find(([re]) => re.test(path))?.[1]);
  });
});

describe('counting test cases', () => {
  it.each([
    ['js', JS_SPEC, 3],
    ['python', PY_TEST, 2],
    ['go', GO_TEST, 2],
    ['jvm', JAVA_TEST, 2],
    ['rust', RUST_LIB, 2],
    ['ruby', RSPEC, 2],
  ] as const)('%s', (language, source, expected) => {
    expect(countTestCases(blankCommentsAndStrings(source, language), language)).toBe(expected);
  });

  it('ignores test calls inside comments and strings', () => {
    const source = `// it('commented out', () => {})\nconst doc = "test('in a string')";\n/* it('block') */\nit('real', () => {});\n`;
    expect(countTestCases(blankCommentsAndStrings(source, 'js'), 'js')).toBe(1);
  });

  it('blanks a large test file in one pass', () => {
    const one = "it('adds \\'quoted\\' items', () => {\n  // a comment with it.only(\n  expect(add(`a${1}`, \"b\")).toBe(3); /* block */\n});\n";
    const source = one.repeat(20_000);
    const started = performance.now();
    const blanked = blankCommentsAndStrings(source, 'js');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(blanked).toHaveLength(source.length);
    expect(countTestCases(blanked, 'js')).toBe(20_000);
    expect(blanked).not.toContain('only');
  });

  it('blanks an ASCII file read from its own bytes exactly as from its text, and counts the same', () => {
    const sources = [JS_SPEC, "it('a', () => {}); // it('b')\nconst s = 'it(\\'x\\')';\n/* it('c') */ test(`d${1}`, f);\n"];
    for (const source of sources) {
      const bytes = Buffer.from(`prefix${source}`, 'latin1').subarray(6);
      const fromBytes = blankCommentsAndStrings(bytes, 'js');
      expect(fromBytes).toBe(blankCommentsAndStrings(source, 'js'));
      // The caller's bytes are copied, never blanked in place.
      expect(bytes.toString('latin1')).toBe(source);
      expect(countTestCases(fromBytes, 'js')).toBe(countTestCases(blankCommentsAndStrings(source, 'js'), 'js'));
    }
    // Counting twice over one text gives the same number: the shared patterns keep no state between calls.
    const code = blankCommentsAndStrings(JS_SPEC, 'js');
    expect(countTestCases(code, 'js')).toBe(countTestCases(code, 'js'));
  });

  it('blanks random text in every language exactly as a plain character-by-character reading does', () => {
    // The reference: the same rules, read one character at a time into a string, nothing shared with
    // the lexer's tables, byte copy or span filling.
    const rules = {
      js: { line: ['//'], block: ['/*', '*/'], long: ['`'], quotes: ["'", '"'] },
      python: { line: ['#'], block: undefined, long: ['"""', "'''"], quotes: ["'", '"'] },
      go: { line: ['//'], block: ['/*', '*/'], long: ['`'], quotes: ['"', "'"] },
      jvm: { line: ['//'], block: ['/*', '*/'], long: ['"""'], quotes: ['"', "'"] },
      rust: { line: ['//'], block: ['/*', '*/'], long: [], quotes: ['"'] },
      ruby: { line: ['#'], block: ['\n=begin', '\n=end'], long: [], quotes: ["'", '"'] },
    } as const;
    const reference = (source: string, language: keyof typeof rules): string => {
      const r = rules[language];
      const out = [...source];
      const blankSpan = (from: number, to: number) => {
        for (let k = from; k < Math.min(to, source.length); k++) if (source[k] !== '\n') out[k] = ' ';
      };
      let i = 0;
      scan: while (i < source.length) {
        for (const lc of r.line) {
          if (source.startsWith(lc, i)) {
            const end = source.indexOf('\n', i);
            const stop = end === -1 ? source.length : end;
            blankSpan(i, stop);
            i = stop;
            continue scan;
          }
        }
        if (r.block && source.startsWith(r.block[0], i)) {
          const close = source.indexOf(r.block[1], i + r.block[0].length);
          const stop = close === -1 ? source.length : close + r.block[1].length;
          blankSpan(i, stop);
          i = stop;
          continue;
        }
        for (const q of r.long) {
          if (source.startsWith(q, i)) {
            let k = i + q.length;
            while (k < source.length && !source.startsWith(q, k)) k += source[k] === '\\' ? 2 : 1;
            blankSpan(i + q.length, k);
            i = Math.min(source.length, k + q.length);
            continue scan;
          }
        }
        const c = source[i]!;
        if (language === 'rust' && c === "'") {
          // A char literal ('x', '\\n', '\\u{..}'), else a lifetime, left alone.
          const close = source[i + 1] === '\\' ? source.indexOf("'", i + 2) : i + 2;
          if (close > i && close - i <= 12 && source[close] === "'" && !source.slice(i + 1, close).includes('\n')) {
            blankSpan(i + 1, close);
            i = close + 1;
          } else i++;
          continue;
        }
        if ((r.quotes as readonly string[]).includes(c)) {
          let k = i + 1;
          while (k < source.length && source[k] !== c && source[k] !== '\n') k += source[k] === '\\' ? 2 : 1;
          blankSpan(i + 1, k);
          i = k < source.length && source[k] === c ? k + 1 : k;
          continue;
        }
        i++;
      }
      return out.join('');
    };
    const pieces = [
      "'",
      '"',
      '`',
      '\\',
      '\n',
      '/',
      '*',
      '#',
      '"""',
      "'''",
      'it(',
      'x',
      ' ',
      'é',
      '€',
      '/*',
      '*/',
      '//',
      'ab',
      '\n=begin',
      '\n=end',
      'u{1F600}',
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const fixed = [
      "let c = '\\n'; let d = '\\u{1F600}'; let e = 'x'; fn f<'a>(x: &'a str) -> &'a str { x } // it('no')",
      "let s = \"a\\\"b\"; let t = '\\''; /* it('c') */ let u = 'é';\nlet v = '\\u{10FFFF}x';",
      "=begin\nit 'no'\n=end\nit 'yes' do\n  # it 'comment'\nend\n=begin\nunclosed",
      '"""doc it(\\""" it(1) \'\'\'x\\\'\'\' `t\\`\n` \\',
    ];
    for (let round = 0; round < 3000 + fixed.length; round++) {
      const source = fixed[round] ?? Array.from({ length: 1 + Math.floor(next() * 40) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      for (const language of ['js', 'python', 'go', 'jvm', 'rust', 'ruby'] as const) {
        const expected = reference(source, language);
        expect(blankCommentsAndStrings(source, language)).toBe(expected);
        const bytes = Buffer.from(source, 'utf8');
        // From its bytes too: read as they are when ASCII, decoded first when not.
        expect(blankCommentsAndStrings(bytes, language)).toBe(expected);
      }
    }
  });

  it('blanks each file alone, whatever was blanked before it (the byte copy is reused)', () => {
    // Expected results worked out one character at a time, independently of the lexer's buffer.
    const naive = (source: string) => source.replace(/\/\/[^\n]*/g, (c) => ' '.repeat(c.length)).replace(/'[^'\n]*'/g, (q) => `'${' '.repeat(q.length - 2)}'`);
    const big = `it('x', f); // ${'z'.repeat(200_000)}\n`;
    const small = "it('ab', g);\n";
    const wide = "it('é€', h); // ü\n";
    const huge = `// ${'q'.repeat(5_000_000)}\nit('y', k);\n`;
    for (const source of [big, small, wide, small, huge, small, big, wide]) {
      const bytes = Buffer.from(source, 'utf8');
      expect(blankCommentsAndStrings(source, 'js')).toBe(naive(source));
      expect(blankCommentsAndStrings(bytes, 'js')).toBe(naive(source));
    }
  });

  it('keeps lines where they were, so added line numbers still point at the code', () => {
    const source = 'a = """\nit.only(\n"""\nb = 1 # it.only(\n';
    const blanked = blankCommentsAndStrings(source, 'python');
    expect(blanked.split('\n')).toHaveLength(source.split('\n').length);
    expect(blanked).not.toContain('only');
  });
});

describe('tests rule', () => {
  it('a deleted test file fails, and passes (listed) when the policy allows deletion', async () => {
    const files = [{ path: 'src/cart.test.ts', base: JS_SPEC }];
    const { findings } = await judge(files);
    expect(summary(findings)).toEqual(['test-deleted fail src/cart.test.ts']);
    expect(findings[0]!.message).toContain('3 test cases');
    expect(findings[0]!.decidedBy).toBe('scope.tests.allow-deleted');
    const allowed = await judge(files, { ...strict, allowDeleted: true });
    expect(summary(allowed.findings)).toEqual(['test-deleted pass src/cart.test.ts']);
  });

  it('a test file renamed to a non-test path counts as deleted', async () => {
    const { findings } = await judge([{ oldPath: 'tests/test_cart.py', path: 'tests/cart_checks_disabled.txt', base: PY_TEST, head: PY_TEST }]);
    expect(summary(findings)).toEqual(['test-deleted fail tests/cart_checks_disabled.txt']);
    expect(findings[0]!.message).toContain('renamed to tests/cart_checks_disabled.txt');
  });

  it('a test file renamed to another test path is compared case for case', async () => {
    const fewer = PY_TEST.replace(/\n\ndef test_empty_is_zero\(\):\n {4}assert total\(\[\]\) == 0\n/, '\n');
    const moved = await judge([{ oldPath: 'tests/test_cart.py', path: 'tests/test_basket.py', base: PY_TEST, head: PY_TEST }]);
    expect(moved.findings).toEqual([]);
    const lost = await judge([{ oldPath: 'tests/test_cart.py', path: 'tests/test_basket.py', base: PY_TEST, head: fewer }]);
    expect(summary(lost.findings)).toEqual(['test-cases-removed fail tests/test_basket.py']);
    expect(lost.findings[0]!.message).toContain('was tests/test_cart.py');
  });

  it('deleting a helper in a tests folder with no test cases is not deleting a test', async () => {
    const { findings } = await judge([{ path: 'tests/helpers.py', base: 'def make_cart():\n    return []\n' }]);
    expect(findings).toEqual([]);
  });

  it.each([
    ['JS', 'src/cart.test.ts', JS_SPEC, JS_SPEC.replace(/\n {2}it\('is zero when empty'[\s\S]*?\n {2}\}\);\n/, '\n')],
    ['Go', 'cart/cart_test.go', GO_TEST, GO_TEST.replace(/\nfunc TestEmpty[\s\S]*$/, '\n')],
    ['Java', 'src/test/java/shop/CartTest.java', JAVA_TEST, JAVA_TEST.replace(/\n {4}@Test\n {4}void emptyIsZero[\s\S]*?\n {4}\}\n/, '\n')],
    ['Rust', 'src/lib.rs', RUST_LIB, RUST_LIB.replace(/\n {4}#\[test\]\n {4}fn empty_is_zero[\s\S]*?\n {4}\}\n/, '\n')],
    ['Ruby', 'spec/cart_spec.rb', RSPEC, RSPEC.replace(/\n {2}it 'is zero when empty' do[\s\S]*?\n {2}end\n/, '\n')],
  ])('%s: a test file with fewer cases fails unless allowFewer', async (_language, path, base, head) => {
    expect(head).not.toBe(base);
    const { findings } = await judge([{ path, base, head }]);
    expect(summary(findings)).toEqual([`test-cases-removed fail ${path}`]);
    const allowed = await judge([{ path, base, head }], { ...strict, allowFewer: true });
    expect(summary(allowed.findings)).toEqual([`test-cases-removed pass ${path}`]);
  });

  it('replacing a test with another keeps the count and passes', async () => {
    const head = JS_SPEC.replace("it('is zero when empty'", "it('is zero for no items'");
    expect((await judge([{ path: 'src/cart.test.ts', base: JS_SPEC, head }])).findings).toEqual([]);
  });

  it.each([
    ['an added it.only', 'src/cart.test.ts', JS_SPEC, JS_SPEC.replace("it('sums prices'", "it.only('sums prices'"), 'test-focused', 5],
    ['an added describe.only', 'src/cart.test.ts', JS_SPEC, JS_SPEC.replace("describe('cart'", "describe.only('cart'"), 'test-focused', 4],
    ['an added fdescribe', 'src/cart.spec.js', JS_SPEC, JS_SPEC.replace("describe('cart'", "fdescribe('cart'"), 'test-focused', 4],
    ['an added xit', 'src/cart.test.ts', JS_SPEC, JS_SPEC.replace("it('is zero when empty'", "xit('is zero when empty'"), 'test-skipped', 9],
    ['an added test.skip', 'src/cart.test.ts', JS_SPEC, JS_SPEC.replace("test('rounds", "test.skip('rounds"), 'test-skipped', 13],
    [
      '@pytest.mark.skip',
      'tests/test_cart.py',
      PY_TEST,
      PY_TEST.replace('\n\ndef test_empty', '\n\n@pytest.mark.skip(reason="flaky")\ndef test_empty'),
      'test-skipped',
      9,
    ],
    ['@unittest.skip', 'tests/test_cart.py', PY_TEST, PY_TEST.replace('\n\ndef test_empty', '\n\n@unittest.skip("later")\ndef test_empty'), 'test-skipped', 9],
    [
      'pytest.skip()',
      'tests/test_cart.py',
      PY_TEST,
      PY_TEST.replace('    assert total([]) == 0', '    pytest.skip("broken")\n    assert total([]) == 0'),
      'test-skipped',
      10,
    ],
    [
      't.Skip',
      'cart/cart_test.go',
      GO_TEST,
      GO_TEST.replace('func TestEmpty(t *testing.T) {\n', 'func TestEmpty(t *testing.T) {\n\tt.Skip("flaky on CI")\n'),
      'test-skipped',
      12,
    ],
    [
      '@Disabled',
      'src/test/java/shop/CartTest.java',
      JAVA_TEST,
      JAVA_TEST.replace('    @Test\n    void emptyIsZero', '    @Test\n    @Disabled("later")\n    void emptyIsZero'),
      'test-skipped',
      13,
    ],
    [
      '@Ignore in Kotlin',
      'src/test/kotlin/CartTests.kt',
      'class CartTests {\n    @Test\n    fun sums() {}\n}\n',
      'class CartTests {\n    @Ignore\n    @Test\n    fun sums() {}\n}\n',
      'test-skipped',
      2,
    ],
    [
      '#[ignore]',
      'src/lib.rs',
      RUST_LIB,
      RUST_LIB.replace('    #[test]\n    fn empty_is_zero', '    #[test]\n    #[ignore]\n    fn empty_is_zero'),
      'test-skipped',
      15,
    ],
    ['RSpec xit', 'spec/cart_spec.rb', RSPEC, RSPEC.replace("  it 'is zero when empty' do", "  xit 'is zero when empty' do"), 'test-skipped', 8],
    [
      'RSpec skip',
      'spec/cart_spec.rb',
      RSPEC,
      RSPEC.replace("  it 'is zero when empty' do\n", "  it 'is zero when empty' do\n    skip 'flaky'\n"),
      'test-skipped',
      9,
    ],
    [
      'RSpec pending',
      'spec/cart_spec.rb',
      RSPEC,
      RSPEC.replace("  it 'is zero when empty' do\n", "  it 'is zero when empty' do\n    pending\n"),
      'test-skipped',
      9,
    ],
    ['RSpec fit', 'spec/cart_spec.rb', RSPEC, RSPEC.replace("  it 'sums prices' do", "  fit 'sums prices' do"), 'test-focused', 4],
    ['a new test file with .only', 'src/new.test.ts', undefined, "it.only('works', () => {});\n", 'test-focused', 1],
    ['a Playwright test.fixme', 'tests/cart.spec.ts', undefined, "test('a', async () => {});\ntest.fixme('b', async () => {});\n", 'test-skipped', 2],
    [
      'a module-wide pytestmark skip',
      'tests/test_new.py',
      undefined,
      'import pytest\npytestmark = pytest.mark.skip(reason="later")\n\ndef test_a():\n    pass\n',
      'test-skipped',
      2,
    ],
    ['@mark.skip imported from pytest', 'tests/test_new.py', undefined, 'from pytest import mark\n\n@mark.skip\ndef test_a():\n    pass\n', 'test-skipped', 3],
    ['raise unittest.SkipTest', 'tests/test_new.py', undefined, 'import unittest\n\ndef test_a():\n    raise unittest.SkipTest("later")\n', 'test-skipped', 4],
    // Blanking turns the comment into spaces, and only then does `skip` stand alone: a marker the raw
    // line does not match must still be looked for.
    ['a new RSpec file with skip right before a comment', 'spec/new_spec.rb', undefined, "it 'works' do\n  skip#flaky on CI\nend\n", 'test-skipped', 2],
    [
      'a new Python test with pytest.skip() right before a comment',
      'tests/test_new.py',
      undefined,
      'def test_a():\n    pytest.skip()#later\n',
      'test-skipped',
      2,
    ],
  ])('%s is reported on its line', async (_what, path, base, head, code, line) => {
    const { findings } = await judge([{ path, base, head }]);
    expect(summary(findings)).toEqual([`${code} fail ${path}:${line}`]);
    const allowed = await judge([{ path, base, head }], { ...strict, allowSkipped: true });
    expect(summary(allowed.findings)).toEqual([`${code} pass ${path}:${line}`]);
  });

  it('the raw-line prefilter never rules out a line whose blanked code holds a marker (random lines)', () => {
    // Pieces markers are made of, and the comment and string delimiters blanking turns into spaces.
    const pieces = [
      'skip',
      'only',
      'fit',
      'xit',
      'pending',
      'focus',
      'todo',
      'xfail',
      'Skip',
      'Disabled',
      'Ignore',
      'ignore',
      'it',
      'test',
      'describe',
      'pytest',
      'mark',
      'this',
      't',
      '.',
      '(',
      ')',
      ':',
      ' ',
      '\t',
      '#',
      '//',
      '/*',
      '*/',
      '"',
      "'",
      '`',
      '@',
      '[',
      ';',
      '{',
      'true',
      'x',
      '\\',
    ];
    let seed = 20261201;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    let withMarker = 0;
    for (let n = 0; n < 30_000; n++) {
      const line = Array.from({ length: 1 + (next() % 9) }, () => pieces[next() % pieces.length]).join('');
      for (const language of ['js', 'python', 'go', 'jvm', 'rust', 'ruby'] as const) {
        if (!markerOnLine(blankCommentsAndStrings(line, language), language)) continue;
        withMarker++;
        expect({ line, language, prefilter: mayHoldMarker(line, language) }).toEqual({ line, language, prefilter: true });
      }
    }
    expect(withMarker).toBeGreaterThan(1000);
  });

  it('every marker names one of its language’s prefilter words, so a new marker cannot be filtered out unseen', () => {
    for (const [language, markers] of Object.entries(MARKERS) as [keyof typeof MARKERS, (typeof MARKERS)[keyof typeof MARKERS]][]) {
      for (const marker of markers)
        expect({ language, marker: marker.pattern.source, named: MARKER_WORDS[language].test(marker.pattern.source) }).toMatchObject({ named: true });
    }
  });

  it('a skip that was already there is not newly added', async () => {
    const base = JS_SPEC.replace("it('sums prices'", "it.skip('sums prices'");
    const head = base.replace('toBe(0)', 'toBe(0); // still');
    expect((await judge([{ path: 'src/cart.test.ts', base, head }])).findings).toEqual([]);
  });

  it('production code calling .skip() or .only() is not a test skip, and its content is not read', async () => {
    const base = 'export function page(rows) {\n  return rows;\n}\n';
    const head = 'export function page(rows, n) {\n  return rows.skip(n).only(10);\n}\n';
    const { findings, reads } = await judge([{ path: 'src/pager.ts', base, head }]);
    expect(findings).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('a comment or a string mentioning it.only in a test file is not a focused test', async () => {
    const head = JS_SPEC.replace(
      "describe('cart', () => {",
      "describe('cart', () => {\n  // never commit it.only or fdescribe( here\n  const hint = 'use it.only( locally';",
    );
    expect((await judge([{ path: 'src/cart.test.ts', base: JS_SPEC, head }])).findings).toEqual([]);
  });

  it('a comment mentioning it.only in a non-test file is ignored without reading it', async () => {
    const { findings, reads } = await judge([{ path: 'docs/guide.md', base: '', head: 'Run one test with `it.only(`.\n' }]);
    expect(findings).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('a Rust source file without tests is not a test file', async () => {
    const { findings } = await judge([{ path: 'src/main.rs', base: 'fn main() {}\n', head: '#[ignore]\nfn main() {}\n' }]);
    expect(findings).toEqual([]);
  });

  it('a test file that only gained lines is read at both sides: more test cases is no finding', async () => {
    const head = JS_SPEC.replace("test('rounds", "it('handles one item', () => {});\n  test('rounds");
    const { findings, reads } = await judge([{ path: 'src/cart.test.ts', base: JS_SPEC, head }]);
    expect(findings).toEqual([]);
    expect(reads.sort()).toEqual(['base:src/cart.test.ts', 'head:src/cart.test.ts']);
  });

  it('a test file that only gained a marker line is read at both sides, and the marker reported', async () => {
    const head = JS_SPEC.replace("test('rounds", "it.only('handles one item', () => {});\n  test('rounds");
    const { findings, reads } = await judge([{ path: 'src/cart.test.ts', base: JS_SPEC, head }]);
    expect(summary(findings)).toEqual(['test-focused fail src/cart.test.ts:13']);
    expect(reads.sort()).toEqual(['base:src/cart.test.ts', 'head:src/cart.test.ts']);
  });

  // Lines only added can still lose test cases: they can open a comment or a string around tests.
  it('tests commented out by added lines alone (no line deleted) are test cases removed', async () => {
    const head = JS_SPEC.replace("  it('is zero when empty'", "  /*\n  it('is zero when empty'").replace("  test('rounds", "  */\n  test('rounds");
    const change = changeOf([{ path: 'src/cart.test.ts', base: JS_SPEC, head }]).changes.files[0]!;
    expect([change.added, change.deleted]).toEqual([2, 0]);
    const { findings } = await judge([{ path: 'src/cart.test.ts', base: JS_SPEC, head }]);
    expect(summary(findings)).toEqual(['test-cases-removed fail src/cart.test.ts']);
  });

  it('Python tests turned into a string by two added lines are test cases removed', async () => {
    const head = PY_TEST.replace('def test_empty_is_zero', '"""\ndef test_empty_is_zero') + '"""\n';
    const change = changeOf([{ path: 'tests/test_cart.py', base: PY_TEST, head }]).changes.files[0]!;
    expect(change.deleted).toBe(0);
    const { findings } = await judge([{ path: 'tests/test_cart.py', base: PY_TEST, head }]);
    expect(summary(findings)).toEqual(['test-cases-removed fail tests/test_cart.py']);
  });

  it('a deleted test file that git called binary is still a deleted test', async () => {
    const ctx = changeOf([{ path: 'cart/cart_test.go', base: GO_TEST }]);
    const changes = { ...ctx.changes, files: ctx.changes.files.map((f) => ({ ...f, binary: true, deleted: 0, addedLines: [] })) };
    expect(summary(await testsRule(strict).run({ changes, content: ctx.content }))).toEqual(['test-deleted fail cart/cart_test.go']);
  });

  it('a copied test file is judged as a new one: its added .only is reported', async () => {
    const ctx = changeOf([{ path: 'src/copy.test.ts', head: JS_SPEC.replace("it('sums prices'", "it.only('sums prices'") }]);
    const changes = { ...ctx.changes, files: ctx.changes.files.map((f) => ({ ...f, status: 'copied' as const, oldPath: 'src/cart.test.ts', similarity: 95 })) };
    expect(summary(await testsRule(strict).run({ changes, content: ctx.content }))).toEqual(['test-focused fail src/copy.test.ts:5']);
  });

  it('contentRules returns the tests rule with the policy options', async () => {
    const rules = contentRules({ tests: strict, dependencies: { allowDowngrade: false, allowRegistryChange: false } });
    expect(rules.map((r) => r.name)).toEqual(['tests', 'dependencies']);
    const ctx = changeOf([{ path: 'cart/cart_test.go', base: GO_TEST }]);
    expect(summary(await rules[0]!.run(ctx))).toEqual(['test-deleted fail cart/cart_test.go']);
  });
});
