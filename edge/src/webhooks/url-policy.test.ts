/** @module edge/webhooks/url-policy.test */
import { describe, expect, it, vi } from 'vitest';
import { checkWebhookUrl, isPublicIPv4, isPublicIPv6 } from './url-policy';

const noDns = async (host: string): Promise<string[]> => {
  throw new Error(`unexpected DNS lookup of ${host}`);
};
const strict = { allowHttpLoopback: false, resolve: noDns };
const dev = { allowHttpLoopback: true, resolve: noDns };

describe('isPublicIPv4', () => {
  it.each([
    ['0.0.0.0', '0/8'], ['0.255.1.2', '0/8'],
    ['10.0.0.1', '10/8'], ['10.255.255.255', '10/8'],
    ['100.64.0.1', '100.64/10 CGNAT'], ['100.127.255.254', '100.64/10 CGNAT'],
    ['127.0.0.1', '127/8'], ['127.255.0.9', '127/8'],
    ['169.254.169.254', '169.254/16 cloud metadata'], ['169.254.0.1', '169.254/16'],
    ['172.16.0.1', '172.16/12'], ['172.31.255.255', '172.16/12'],
    ['192.0.0.8', '192.0.0/24'],
    ['192.0.2.1', '192.0.2/24'],
    ['192.168.1.1', '192.168/16'],
    ['198.18.0.1', '198.18/15'], ['198.19.255.255', '198.18/15'],
    ['198.51.100.7', '198.51.100/24'],
    ['203.0.113.9', '203.0.113/24'],
    ['224.0.0.1', '224/4'], ['239.255.255.250', '224/4'],
    ['240.0.0.1', '240/4'], ['255.255.255.255', 'broadcast'],
  ])('rejects %s (%s)', (addr) => {
    expect(isPublicIPv4(addr)).toBe(false);
  });

  it.each(['1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0', '169.253.255.255', '172.15.255.255', '172.32.0.0', '192.0.1.1', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255'])(
    'accepts the public address %s',
    (addr) => {
      expect(isPublicIPv4(addr)).toBe(true);
    },
  );

  it.each(['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '0x7f.0.0.1', 'example.com'])('treats the malformed address %j as not public', (addr) => {
    expect(isPublicIPv4(addr)).toBe(false);
  });
});

describe('isPublicIPv6', () => {
  it.each([
    ['::', 'unspecified'], ['::1', 'loopback'], ['[::1]', 'loopback, bracketed'],
    ['fc00::1', 'fc00::/7'], ['fd12:3456::1', 'fc00::/7'],
    ['fe80::1', 'fe80::/10'], ['febf:ffff::1', 'fe80::/10'],
    ['ff02::1', 'ff00::/8'], ['ff0e::1', 'ff00::/8'],
    ['2001:db8::1', '2001:db8::/32'], ['2001:0db8:ffff::1', '2001:db8::/32'],
    ['64:ff9b::1.2.3.4', '64:ff9b::/96 NAT64'], ['64:ff9b::808:808', '64:ff9b::/96 NAT64'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'], ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'], ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata'],
    ['::127.0.0.1', 'IPv4-compatible'], ['2002:7f00:1::', '6to4 of 127.0.0.1'],
  ])('rejects %s (%s)', (addr) => {
    expect(isPublicIPv6(addr)).toBe(false);
  });

  it.each(['2606:4700:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8', '::ffff:808:808', '2002:808:808::1'])('accepts the public address %s', (addr) => {
    expect(isPublicIPv6(addr)).toBe(true);
  });

  it.each(['', ':::', '1::2::3', '12345::', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', 'g::1', '::ffff:300.1.1.1'])('treats the malformed address %j as not public', (addr) => {
    expect(isPublicIPv6(addr)).toBe(false);
  });
});

describe('checkWebhookUrl on literal hosts', () => {
  it.each([
    ['https://10.0.0.5/hook', 'webhook_url points to 10.0.0.5, a private address'],
    ['https://169.254.169.254/latest/meta-data', 'webhook_url points to 169.254.169.254, a link-local address (cloud metadata lives here)'],
    ['https://127.0.0.1/', 'webhook_url points to 127.0.0.1, a loopback address'],
    ['https://2130706433/', 'webhook_url points to 127.0.0.1, a loopback address'],
    ['https://0x7f.1/', 'webhook_url points to 127.0.0.1, a loopback address'],
    ['https://017700000001/', 'webhook_url points to 127.0.0.1, a loopback address'],
    ['https://0x0a.0.0.1:8443/', 'webhook_url points to 10.0.0.1, a private address'],
    ['https://0/', 'webhook_url points to 0.0.0.0, a "this network" address'],
    ['https://[::1]/', 'webhook_url points to ::1, a loopback address'],
    ['https://[::ffff:127.0.0.1]/', 'webhook_url points to ::ffff:7f00:1, an IPv4-mapped address of 127.0.0.1, a loopback address'],
    ['https://[fd00::1]/', 'webhook_url points to fd00::1, a unique-local (private) address'],
  ])('rejects %s', async (url, reason) => {
    expect(await checkWebhookUrl(url, strict)).toEqual({ ok: false, reason });
  });

  it('accepts a public IPv4 literal with a port and no DNS lookup', async () => {
    const check = await checkWebhookUrl('https://8.8.8.8:8443/hook?x=1', strict);
    expect(check.ok && check.url.href).toBe('https://8.8.8.8:8443/hook?x=1');
  });

  it('accepts a public IPv6 literal', async () => {
    expect((await checkWebhookUrl('https://[2606:4700:4700::1111]/', strict)).ok).toBe(true);
  });
});

describe('checkWebhookUrl on scheme, credentials and the loopback switch', () => {
  it.each([
    ['http://example.com/hook', strict, 'webhook_url must use https, not http'],
    ['ftp://example.com/hook', strict, 'webhook_url must use https, not ftp'],
    ['https://user:pass@example.com/', strict, 'webhook_url must not contain credentials (user:pass@)'],
    ['https://user@example.com/', strict, 'webhook_url must not contain credentials (user:pass@)'],
    ['http://user:pass@127.0.0.1/', dev, 'webhook_url must not contain credentials (user:pass@)'],
    ['not a url', strict, 'webhook_url is not a valid absolute URL'],
    ['/relative/path', strict, 'webhook_url is not a valid absolute URL'],
    ['http://127.0.0.1:8080/', strict, 'webhook_url must use https, not http'],
    ['http://10.0.0.1/', dev, 'webhook_url must use https, not http'],
    ['http://127.0.0.2/', dev, 'webhook_url must use https, not http'],
    ['http://localhost:8080/', dev, 'webhook_url must use https, not http'],
    ['https://10.0.0.1/', dev, 'webhook_url points to 10.0.0.1, a private address'],
  ])('rejects %s', async (url, opts, reason) => {
    expect(await checkWebhookUrl(url, opts)).toEqual({ ok: false, reason });
  });

  it.each(['http://127.0.0.1/', 'http://127.0.0.1:8787/hook', 'http://[::1]:9000/hook', 'http://2130706433:8080/'])('accepts %s when http loopback is allowed', async (url) => {
    expect((await checkWebhookUrl(url, dev)).ok).toBe(true);
  });
});

describe('checkWebhookUrl on DNS names', () => {
  const resolving = (addresses: string[]) => vi.fn(async () => addresses);

  it.each([
    ['https://localhost/', 'webhook_url host localhost is an internal name'],
    ['https://LOCALHOST./', 'webhook_url host localhost. is an internal name'],
    ['https://api.localhost/', 'webhook_url host api.localhost is an internal name'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'webhook_url host metadata.google.internal is an internal name'],
    ['https://db.corp.internal/', 'webhook_url host db.corp.internal is an internal name'],
  ])('rejects the internal name in %s without resolving it', async (url, reason) => {
    const resolve = resolving(['93.184.215.14']);
    expect(await checkWebhookUrl(url, { allowHttpLoopback: false, resolve })).toEqual({ ok: false, reason });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('accepts a name whose every address is public', async () => {
    const resolve = resolving(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']);
    const check = await checkWebhookUrl('https://hooks.example.com:8443/attune', { allowHttpLoopback: false, resolve });
    expect(check.ok).toBe(true);
    expect(resolve).toHaveBeenCalledWith('hooks.example.com');
  });

  it.each([
    [['10.0.0.5'], 'webhook_url resolves to 10.0.0.5, a private address'],
    [['93.184.215.14', '1.1.1.1', '192.168.0.10', '8.8.8.8'], 'webhook_url resolves to 192.168.0.10, a private address'],
    [['93.184.215.14', 'fe80::1'], 'webhook_url resolves to fe80::1, a link-local address'],
    [['93.184.215.14', '::ffff:169.254.169.254'], 'webhook_url resolves to ::ffff:169.254.169.254, an IPv4-mapped address of 169.254.169.254, a link-local address (cloud metadata lives here)'],
    [['100.100.100.200'], 'webhook_url resolves to 100.100.100.200, a shared (CGNAT) address'],
    [['not-an-address'], 'webhook_url resolves to not-an-address, not a valid IPv4 address'],
  ])('rejects a name resolving to %j', async (addresses, reason) => {
    expect(await checkWebhookUrl('https://hooks.example.com/', { allowHttpLoopback: false, resolve: resolving(addresses) })).toEqual({ ok: false, reason });
  });

  it('rejects a name that resolves to no address', async () => {
    expect(await checkWebhookUrl('https://empty.example.com/', { allowHttpLoopback: false, resolve: resolving([]) })).toEqual({
      ok: false,
      reason: 'webhook_url host empty.example.com resolves to no address',
    });
  });

  it('rejects a name that cannot be resolved, giving the resolver’s message', async () => {
    const resolve = async () => {
      throw new Error('DNS lookup of nope.example.com (A) failed: NXDOMAIN');
    };
    expect(await checkWebhookUrl('https://nope.example.com/', { allowHttpLoopback: false, resolve })).toEqual({
      ok: false,
      reason: 'webhook_url host nope.example.com could not be resolved: DNS lookup of nope.example.com (A) failed: NXDOMAIN',
    });
  });

  it('resolves a fully qualified name without its trailing dot', async () => {
    const resolve = resolving(['93.184.215.14']);
    expect((await checkWebhookUrl('https://example.com./', { allowHttpLoopback: false, resolve })).ok).toBe(true);
    expect(resolve).toHaveBeenCalledWith('example.com');
  });
});
