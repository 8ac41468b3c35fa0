/** @module shared/privacy/pii/recognizers/ip-address.test IPv4 and IPv6 addresses. */
import { describe, expect, it } from 'vitest';
import { reported } from './recognizer-test-kit';
import { ipRecognizer, isIpv4, isIpv6 } from './ip-address';

/** What the recognizer reports at the default threshold: spans scoring ≥ 0.5, duplicates merged. */
function found(text: string): Array<[string, number]> {
  return reported(ipRecognizer, text);
}

describe('isIpv4 and isIpv6', () => {
  it('validate octets and groups', () => {
    expect(isIpv4('192.168.1.20')).toBe(true);
    expect(isIpv4('999.1.1.1')).toBe(false);
    expect(isIpv4('01.2.3.4')).toBe(false);
    for (const ok of ['2001:db8:85a3::8a2e:370:7334', '2001:0db8:0000:0000:0000:ff00:0042:8329', 'fe80::1', '::ffff:192.0.2.128', '::']) expect(isIpv6(ok)).toBe(true);
    for (const bad of ['12:30:45', '1::2::3', '2001:db8:85a3:0:0:8a2e:370:7334:1', 'gggg::1', '::ffff:999.0.2.128']) expect(isIpv6(bad)).toBe(false);
  });
});

describe('ipRecognizer', () => {
  it('finds IPv4 addresses with valid octets, with or without a port', () => {
    expect(found('via 203.0.113.42:8080 and 10.0.0.1.')).toEqual([
      ['203.0.113.42', 0.6],
      ['10.0.0.1', 0.6],
    ]);
  });

  it('does not take 999.1.1.1, five-part numbers or versions for addresses', () => {
    expect(found('999.1.1.1 and 1.2.3.4.5 and version 1.2.3.4 and v1.2.3.4')).toEqual([]);
  });

  it('finds full and compressed IPv6 addresses', () => {
    expect(found('allow 2001:db8:85a3::8a2e:370:7334 and fe80::1ff:fe23:4567:890a.').map(([v]) => v)).toEqual([
      '2001:db8:85a3::8a2e:370:7334',
      'fe80::1ff:fe23:4567:890a',
    ]);
  });

  it('leaves times, MAC addresses and C++ scopes alone', () => {
    expect(found('at 12:30:45, MAC 00:1A:2B:3C:4D:5E, std::vector<int>::iterator')).toEqual([]);
  });

  it('scores addresses that identify no one 0.1, so that even context keeps them under 0.5', () => {
    const text = 'server ip 0.0.0.0 and ip 127.0.0.1 and ip ::1, ip netmask 255.255.255.0';
    const scores = ipRecognizer.analyze(text, { defaultCountry: 'US', limit: 10, onLimit() {} }).map((c) => c.score);
    expect(scores).toEqual([0.45, 0.45, 0.45, 0.45]);
    expect(found(text)).toEqual([]);
  });

  it('raises the score with context', () => {
    expect(found('my ip is 86.24.193.7')).toEqual([['86.24.193.7', 0.95]]);
  });
});
