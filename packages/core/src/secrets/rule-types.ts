/** The compiled shape every rule takes, whichever list it comes from (gitleaks, built-in, extra, user). */

export interface CompiledAllowlist {
  and: boolean;
  target: 'secret' | 'match' | 'line';
  regexes: RegExp[];
  stopwords: string[];
  hasPaths: boolean;
}

export interface CompiledRule {
  id: string;
  re: RegExp;
  /** 0: first non-empty capture group, else the whole match (gitleaks' rule). */
  secretGroup: number;
  entropy: number;
  keywords: string[];
  allowlists: CompiledAllowlist[];
  /** gitleaks drops generic-rule secrets without a digit once an entropy threshold is set. */
  needsDigit: boolean;
  /** Extra soundness check for built-in rules (placeholders, too short key bodies). */
  /**
   * `text` and `index` are the scanned text and the match's offset in it, for rules that read what
   * precedes the match.
   */
  accept?: (secret: string, match: string, text?: string, index?: number) => boolean;
  /**
   * A cheap necessary condition: false only when `re` cannot match anywhere in `text`, so it is not run.
   * Never a filter on what a match may be: a rule with it finds exactly what it finds without it.
   */
  possible?: (text: string) => boolean;
}
