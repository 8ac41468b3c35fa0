/** @module shared/privacy/pii/recognizers/url.test Links in prose and code. */
import { describe, expect, it } from 'vitest';
import { urlRecognizer } from './url';

function found(text: string): string[] {
  return urlRecognizer.analyze(text, { defaultCountry: 'US', limit: 1000, onLimit() {} }).map((c) => text.slice(c.start, c.end));
}

describe('urlRecognizer', () => {
  it('finds http, https and www links and leaves bare domains', () => {
    expect(found('See https://docs.example.com/a?b=1#c, http://192.168.0.1 or www.nps.gov/yose; example.com is fine.')).toEqual([
      'https://docs.example.com/a?b=1#c',
      'http://192.168.0.1',
      'www.nps.gov/yose',
    ]);
  });

  it('drops sentence punctuation and unbalanced closing brackets but keeps balanced ones', () => {
    expect(found('(see https://en.wikipedia.org/wiki/Lisbon_(disambiguation)). Also "https://x.example/p".')).toEqual([
      'https://en.wikipedia.org/wiki/Lisbon_(disambiguation)',
      'https://x.example/p',
    ]);
  });

  it('needs a host', () => {
    expect(found('https:// and http://x and https://.com')).toEqual([]);
  });

  it('scores 0.6, raised by link context', () => {
    const text = 'my website https://lena.example';
    expect(urlRecognizer.analyze(text, { defaultCountry: 'US', limit: 10, onLimit() {} })[0].score).toBe(0.95);
  });
});
