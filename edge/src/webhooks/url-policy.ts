/**
 * @module edge/webhooks/url-policy
 * Which webhook URLs the edge will POST to: https only, no credentials in the URL, and a host whose
 * every address is public, so a tenant cannot aim deliveries at loopback, private networks or cloud
 * metadata (SSRF). Ranges follow the IANA IPv4/IPv6 Special-Purpose Address Registries (RFC 6890).
 *
 * The check runs against the WHATWG-normalized URL, so `http://2130706433` and `http://0x7f.1` are
 * seen as the address they denote (`127.0.0.1`). Resolving is a seam (`resolve`) so the edge can use
 * DNS-over-HTTPS and tests a fake. It narrows, but cannot close, the window between this lookup and
 * the runtime's own lookup in `fetch` (DNS rebinding); Cloudflare's egress refuses private targets too.
 */

/** How {@link checkWebhookUrl} decides. */
export interface WebhookUrlPolicyOptions {
  /** Also accept `http://127.0.0.1[:port]` and `http://[::1][:port]` (local development and tests). */
  allowHttpLoopback: boolean;
  /** Every address (A and AAAA) a DNS name resolves to; throws when it cannot be resolved. */
  resolve: (host: string) => Promise<string[]>;
}

/** The outcome of {@link checkWebhookUrl}: the parsed URL, or why it is refused. */
export type WebhookUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

type Range4 = readonly [base: number, prefix: number, what: string];

const PRIVATE = 'a private address';
const RESERVED = 'a reserved address';

// IANA IPv4 Special-Purpose Address Registry entries that are not globally reachable.
const NON_PUBLIC_V4: readonly Range4[] = [
  [ipv4(0, 0, 0, 0), 8, 'a "this network" address'],
  [ipv4(10, 0, 0, 0), 8, PRIVATE],
  [ipv4(100, 64, 0, 0), 10, 'a shared (CGNAT) address'],
  [ipv4(127, 0, 0, 0), 8, 'a loopback address'],
  [ipv4(169, 254, 0, 0), 16, 'a link-local address (cloud metadata lives here)'],
  [ipv4(172, 16, 0, 0), 12, PRIVATE],
  [ipv4(192, 0, 0, 0), 24, 'an IETF protocol-assignment address'],
  [ipv4(192, 0, 2, 0), 24, 'a documentation address'],
  [ipv4(192, 168, 0, 0), 16, PRIVATE],
  [ipv4(198, 18, 0, 0), 15, 'a benchmarking address'],
  [ipv4(198, 51, 100, 0), 24, 'a documentation address'],
  [ipv4(203, 0, 113, 0), 24, 'a documentation address'],
  [ipv4(224, 0, 0, 0), 4, 'a multicast address'],
  [ipv4(240, 0, 0, 0), 4, RESERVED], // includes 255.255.255.255 (broadcast)
];

type Range6 = readonly [groups: readonly number[], prefix: number, what: string];

// IANA IPv6 Special-Purpose Address Registry entries that are not globally reachable. The mapped
// ::ffff:0:0/96 and 6to4 2002::/16 ranges are judged by the IPv4 address they embed instead.
const NON_PUBLIC_V6: readonly Range6[] = [
  [[0, 0, 0, 0, 0, 0, 0, 0], 128, 'the unspecified address'],
  [[0, 0, 0, 0, 0, 0, 0, 1], 128, 'a loopback address'],
  [[0, 0, 0, 0, 0, 0, 0, 0], 96, 'an IPv4-compatible (deprecated) address'],
  [[0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96, 'a NAT64 address'],
  [[0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, 'a local-use NAT64 address'],
  [[0x2001, 0x0db8, 0, 0, 0, 0, 0, 0], 32, 'a documentation address'],
  [[0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, 'a unique-local (private) address'],
  [[0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, 'a link-local address'],
  [[0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, 'a site-local (deprecated) address'],
  [[0xff00, 0, 0, 0, 0, 0, 0, 0], 8, 'a multicast address'],
];

const BLOCKED_NAME = /(?:^|\.)(?:localhost|internal)$/; // also covers metadata.google.internal

function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** A canonical dotted quad (what DNS answers and the WHATWG URL parser produce) as a uint32. */
function parseIPv4(addr: string): number | null {
  const parts = addr.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null;
  const [a, b, c, d] = parts.map(Number);
  return ipv4(a, b, c, d);
}

/** Eight 16-bit groups of an IPv6 address (brackets, `::` and a trailing dotted quad allowed). */
function parseIPv6(input: string): number[] | null {
  let addr = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  if (addr.includes('%')) return null; // zone ids are only meaningful on a local link
  const quad = /:(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (quad) {
    // A trailing dotted quad stands for the last two groups (RFC 4291 §2.2).
    const v4 = parseIPv4(quad[1]);
    if (v4 === null) return null;
    addr = `${addr.slice(0, quad.index + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = addr.split('::');
  if (halves.length > 2) return null;
  const group = /^[0-9a-f]{1,4}$/i;
  const read = (s: string) => (s === '' ? [] : s.split(':'));
  const head = read(halves[0]);
  const rest = halves.length === 2 ? read(halves[1]) : [];
  if (![...head, ...rest].every((g) => group.test(g))) return null;
  const explicit = head.length + rest.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
  const zeros = new Array<number>(8 - explicit).fill(0);
  const groups = [...head.map((g) => parseInt(g, 16)), ...(halves.length === 2 ? zeros : []), ...rest.map((g) => parseInt(g, 16))];
  return groups.length === 8 ? groups : null;
}

function inRange6(groups: readonly number[], base: readonly number[], prefix: number): boolean {
  for (let i = 0, bits = prefix; bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((groups[i] & mask) !== (base[i] & mask)) return false;
  }
  return true;
}

function describeIPv4(addr: string): string | null {
  const value = parseIPv4(addr);
  if (value === null) return 'not a valid IPv4 address';
  if (value === 0xffffffff) return 'the broadcast address';
  for (const [base, prefix, what] of NON_PUBLIC_V4) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if (((value & mask) >>> 0) === base) return what;
  }
  return null;
}

function describeIPv6(addr: string): string | null {
  const groups = parseIPv6(addr);
  if (!groups) return 'not a valid IPv6 address';
  const embedded = (hi: number, lo: number) => `${hi >>> 8}.${hi & 0xff}.${lo >>> 8}.${lo & 0xff}`;
  if (inRange6(groups, [0, 0, 0, 0, 0, 0xffff, 0, 0], 96)) {
    const v4 = embedded(groups[6], groups[7]);
    const what = describeIPv4(v4);
    return what && `an IPv4-mapped address of ${v4}, ${what}`;
  }
  if (inRange6(groups, [0x2002, 0, 0, 0, 0, 0, 0, 0], 16)) {
    const v4 = embedded(groups[1], groups[2]);
    const what = describeIPv4(v4);
    return what && `a 6to4 address of ${v4}, ${what}`;
  }
  for (const [base, prefix, what] of NON_PUBLIC_V6) if (inRange6(groups, base, prefix)) return what;
  // Everything routed on the public IPv6 internet today lies in 2000::/3.
  if (!inRange6(groups, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3)) return 'outside global unicast (2000::/3)';
  return null;
}

/**
 * Whether a dotted-quad IPv4 address is publicly routable; anything unparseable is not.
 * @example isPublicIPv4('8.8.8.8') // true
 * @example isPublicIPv4('169.254.169.254') // false (link-local, cloud metadata)
 */
export function isPublicIPv4(addr: string): boolean {
  return describeIPv4(addr) === null;
}

/**
 * Whether an IPv6 address (brackets optional) is publicly routable; an IPv4-mapped address is
 * judged by the IPv4 address it embeds; anything unparseable is not.
 * @example isPublicIPv6('2606:4700:4700::1111') // true
 * @example isPublicIPv6('::ffff:10.0.0.1') // false
 */
export function isPublicIPv6(addr: string): boolean {
  return describeIPv6(addr) === null;
}

function describeAddress(addr: string): string | null {
  return addr.includes(':') ? describeIPv6(addr) : describeIPv4(addr);
}

/**
 * Decides whether the edge may deliver webhooks to `url`. Reasons name the problem, e.g.
 * `"webhook_url resolves to 10.0.0.5, a private address"`.
 * @example
 * const check = await checkWebhookUrl('https://hooks.example.com/attune', { allowHttpLoopback: false, resolve: dohResolver() });
 * if (!check.ok) throw new HTTPException(400, { message: check.reason });
 */
export async function checkWebhookUrl(url: string, opts: WebhookUrlPolicyOptions): Promise<WebhookUrlCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'webhook_url is not a valid absolute URL' };
  }
  if (parsed.username || parsed.password) return { ok: false, reason: 'webhook_url must not contain credentials (user:pass@)' };
  const host = parsed.hostname;
  const loopbackException = opts.allowHttpLoopback && (host === '127.0.0.1' || host === '[::1]');
  if (loopbackException && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) return { ok: true, url: parsed };
  if (parsed.protocol !== 'https:') return { ok: false, reason: `webhook_url must use https, not ${parsed.protocol.replace(/:$/, '')}` };
  if (!host) return { ok: false, reason: 'webhook_url has no host' };

  if (host.startsWith('[')) {
    const what = describeIPv6(host);
    return what ? { ok: false, reason: `webhook_url points to ${host.slice(1, -1)}, ${what}` } : { ok: true, url: parsed };
  }
  if (parseIPv4(host) !== null) {
    const what = describeIPv4(host);
    return what ? { ok: false, reason: `webhook_url points to ${host}, ${what}` } : { ok: true, url: parsed };
  }
  // The WHATWG parser turns any numeric last label into a dotted quad; a parser that did not would
  // leave e.g. "0x7f.1" here, which must not reach DNS as a "name".
  const name = host.replace(/\.+$/, '');
  const lastLabel = name.slice(name.lastIndexOf('.') + 1);
  if (/^(?:\d+|0x[0-9a-f]*)$/i.test(lastLabel)) return { ok: false, reason: `webhook_url host ${host} is not a canonical IP address or DNS name` };
  if (BLOCKED_NAME.test(name)) return { ok: false, reason: `webhook_url host ${host} is an internal name` };

  let addresses: string[];
  try {
    addresses = await opts.resolve(name);
  } catch (err) {
    return { ok: false, reason: `webhook_url host ${host} could not be resolved: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (addresses.length === 0) return { ok: false, reason: `webhook_url host ${host} resolves to no address` };
  for (const addr of addresses) {
    const what = describeAddress(addr);
    if (what) return { ok: false, reason: `webhook_url resolves to ${addr}, ${what}` };
  }
  return { ok: true, url: parsed };
}
