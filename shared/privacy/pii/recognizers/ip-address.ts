/**
 * @module shared/privacy/pii/recognizers/ip-address
 * IP_ADDRESS: dotted IPv4 with every octet in 0–255 (no leading zeros), and IPv6 in full or
 * compressed (`::`) form, optionally ending in an IPv4 part. Candidates are found by short
 * bounded character-class runs and then parsed in code, which is simpler to get right than the
 * famous one-regex IPv6 pattern and cannot backtrack. Score 0.6 as in Presidio's IpRecognizer;
 * addresses that identify no one (0.0.0.0, loopback, broadcast, netmasks, `::`, `::1`) 0.1, which
 * context cannot lift over the threshold;
 * dotted quads written as a version (`v1.2.3.4`, `version 1.2.3.4`) are skipped.
 */
import { contextWords, enhanceWithContext, wordsBefore } from '../context-enhancer';
import type { PiiCandidate, PiiRecognizer, RecognizerOptions } from '../types';
import { CandidateList, eachMatch } from './candidate-list';

const NAME = 'IpRecognizer';
const CONTEXT = contextWords('ip ipv4 ipv6 address addr host server client connect connected ping login logged from');

const IPV4 = /(?<![\p{L}\p{N}_.])\d{1,3}(?:\.\d{1,3}){3}(?![\p{L}\p{N}_]|\.\d)/gu;
/** A run of hex digits, colons and dots with a colon in it; at most 45 characters (the longest IPv6 text). */
const IPV6 = /(?<![\p{L}\p{N}_:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]{2,45}(?![\p{L}\p{N}_:])/gu;

/** True when `s` is a dotted-decimal IPv4 address. */
export function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** True when `s` is an IPv6 address in RFC 4291 text form (no zone id). */
export function isIpv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] | null => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4(last)) return false;
    all.pop();
    count += 1; // an IPv4 tail fills two groups
  }
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

function ipv4Score(s: string): number {
  if (s === '0.0.0.0' || s.startsWith('127.') || s === '255.255.255.255' || /^255\.\d+\.\d+\.0$/.test(s)) return 0.1;
  return 0.6;
}

/** Presidio's IpRecognizer. */
export const ipRecognizer: PiiRecognizer = {
  name: NAME,
  supportedEntities: ['IP_ADDRESS'],
  analyze(text: string, options: RecognizerOptions): PiiCandidate[] {
    const list = new CandidateList(NAME, options);
    eachMatch(IPV4, text, (m) => {
      if (!isIpv4(m[0])) return true;
      const previous = wordsBefore(text, m.index, 1)[0];
      if (previous === 'version' || previous === 'v' || previous === 'ver') return true;
      return list.add('IP_ADDRESS', m.index, m.index + m[0].length, ipv4Score(m[0]));
    });
    eachMatch(IPV6, text, (m) => {
      let raw = m[0];
      while (raw.endsWith('.')) raw = raw.slice(0, -1); // sentence full stop
      if (!isIpv6(raw)) return true;
      const score = raw === '::' || raw === '::1' ? 0.1 : 0.6;
      return list.add('IP_ADDRESS', m.index, m.index + raw.length, score);
    });
    return enhanceWithContext(text, list.items, CONTEXT);
  },
};
