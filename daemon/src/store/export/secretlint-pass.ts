// The maintained detector: secretlint's recommended preset (AWS, GCP, GitHub, npm, Slack, SendGrid,
// Shopify, OpenAI, Linear, 1Password, private keys, basic auth in URLs), run over text the shape and
// context rules have already redacted, for the provider formats they do not know.
import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintCoreConfig } from '@secretlint/types';

// secretlint's profiler marks every rule run and keeps every mark for the life of the process,
// searching them all at each new one: quadratic time and unbounded memory in a daemon that lints
// thousands of strings per export. We never read its profile, so it marks nothing.
secretLintProfiler.mark = () => undefined;

const PRESET = '@secretlint/secretlint-rule-preset-recommend';
const config: SecretLintCoreConfig = { rules: [{ id: PRESET, rule: recommendedPreset }] };

export interface SecretlintFinding {
  /** `secretlint-<rule>`, e.g. `secretlint-github`. */
  rule: string;
  start: number;
  end: number;
}

export async function secretlintFindings(text: string): Promise<SecretlintFinding[]> {
  if (text.length < 8) return [];
  const result = await lintSource({
    // Its comment directives are defused (same length, so offsets hold): a `secretlint-disable`
    // in a task's text must not hide a secret from the export.
    source: { content: text.replace(/secretlint-(?=disable|enable)/g, 'secretlint_'), filePath: 'export.txt', ext: '.txt', contentType: 'text' },
    options: { config, noPhysicFilePath: true },
  });
  return result.messages
    .filter((m) => m.type === 'message')
    .map((m) => ({ rule: m.ruleId.replace(/^@secretlint\/secretlint-rule-/, 'secretlint-'), start: m.range[0], end: m.range[1] }));
}
