import type { TranslatedRegex } from './translate.js';

export interface GitleaksAllowlistData {
  description: string;
  /** gitleaks writes `AND` or `OR`; anything else is read as OR. */
  condition: string;
  /** 'secret' (default), 'match' or 'line'. */
  regexTarget: string;
  regexes: TranslatedRegex[];
  stopwords: string[];
  hasPaths: boolean;
}

export interface GitleaksRuleData {
  id: string;
  description: string;
  goRegex: string;
  source: string;
  flags: string;
  secretGroup: number;
  entropy: number;
  keywords: string[];
  allowlists: GitleaksAllowlistData[];
}
