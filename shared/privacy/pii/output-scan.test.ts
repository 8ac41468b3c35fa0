/** @module shared/privacy/pii/output-scan.test Redacting PII the model produced on its own. */
import { describe, expect, it } from 'vitest';
import { scanOutput } from './output-scan';

const vault = { '<PERSON_1>': 'Jane Doe', '<EMAIL_ADDRESS_1>': 'jane@example.com' };

describe('scanOutput', () => {
  it('redacts and counts PII that is not the user\'s own', () => {
    const result = scanOutput('Ask <PERSON_1>, or write to bob.smith@corp.example.com or call +44 20 7946 0958.', vault);
    expect(result.text).toBe('Ask <PERSON_1>, or write to <EMAIL_ADDRESS> or call <PHONE_NUMBER>.');
    expect(result.redactedCount).toBe(2);
    expect(result.byType).toEqual({ EMAIL_ADDRESS: 1, PHONE_NUMBER: 1 });
  });

  it('leaves the vault\'s placeholders and values, and parts of its values, alone', () => {
    const text = 'Dear Jane Doe (JANE@example.com), <EMAIL_ADDRESS_1> — thanks, Jane.';
    expect(scanOutput(text, vault)).toEqual({ text, redactedCount: 0, byType: {} });
  });

  it('leaves types the policy allows', () => {
    const result = scanOutput('See https://docs.example.com and mail x@corp.example.com', vault, { URL: 'allow' });
    expect(result.text).toBe('See https://docs.example.com and mail <EMAIL_ADDRESS>');
    expect(result.byType).toEqual({ EMAIL_ADDRESS: 1 });
  });

  it('catches secrets a model reproduced', () => {
    const result = scanOutput('Use the key AKIAIOSFODNN7EXAMPLE in your config.', {});
    expect(result.text).toBe('Use the key <SECRET> in your config.');
    expect(result.redactedCount).toBe(1);
  });
});
