/**
 * @module edge/webhooks/dns.test
 * Cloudflare's DoH endpoint cannot be reached from the test machines, so these tests use a fake
 * fetcher that answers with DoH JSON in the shape cloudflare-dns.com returns.
 */
import { describe, expect, it } from 'vitest';
import { dohResolver, type DohFetcher } from './dns';

type Recorded = Record<string, unknown>;

const question = (name: string, type: number) => ({ Status: 0, TC: false, RD: true, RA: true, AD: false, CD: false, Question: [{ name, type }] });

/** A fake fetcher keyed by `name/type`, recording each request it saw. */
function fakeDoh(answers: Record<string, Recorded | Response>) {
  const requests: Array<{ url: URL; init: RequestInit }> = [];
  const fetcher: DohFetcher = async (input, init) => {
    const url = new URL(input);
    requests.push({ url, init });
    const answer = answers[`${url.searchParams.get('name')}/${url.searchParams.get('type')}`];
    if (answer instanceof Response) return answer;
    if (!answer) throw new Error(`no recorded answer for ${url}`);
    return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/dns-json' } });
  };
  return { fetcher, requests };
}

// Answers written in the exact shape cloudflare-dns.com returns (not live captures; addresses are illustrative).
const WWW_GITHUB_A = {
  ...question('www.github.com', 1),
  Answer: [
    { name: 'www.github.com', type: 5, TTL: 3600, data: 'github.com.' },
    { name: 'github.com', type: 1, TTL: 60, data: '140.82.121.4' },
  ],
};
const WWW_GITHUB_AAAA = {
  ...question('www.github.com', 28),
  Answer: [{ name: 'www.github.com', type: 5, TTL: 3600, data: 'github.com.' }],
  Authority: [{ name: 'github.com', type: 6, TTL: 900, data: 'dns1.p08.nsone.net. hostmaster.nsone.net. 1656468023 43200 7200 1209600 3600' }],
};
const CLOUDFLARE_A = { ...question('cloudflare.com', 1), Answer: [{ name: 'cloudflare.com', type: 1, TTL: 300, data: '104.16.132.229' }, { name: 'cloudflare.com', type: 1, TTL: 300, data: '104.16.133.229' }] };
const CLOUDFLARE_AAAA = {
  ...question('cloudflare.com', 28),
  Answer: [{ name: 'cloudflare.com', type: 28, TTL: 300, data: '2606:4700::6810:84e5' }, { name: 'cloudflare.com', type: 28, TTL: 300, data: '2606:4700::6810:85e5' }],
};
const NXDOMAIN = (name: string, type: number) => ({
  ...question(name, type),
  Status: 3,
  Authority: [{ name: 'example.com', type: 6, TTL: 3600, data: 'ns.icann.org. noc.dns.icann.org. 2024081449 7200 3600 1209600 3600' }],
});

describe('dohResolver', () => {
  it('returns every A and AAAA address of a name', async () => {
    const { fetcher } = fakeDoh({ 'cloudflare.com/A': CLOUDFLARE_A, 'cloudflare.com/AAAA': CLOUDFLARE_AAAA });
    expect(await dohResolver(undefined, fetcher)('cloudflare.com')).toEqual(['104.16.132.229', '104.16.133.229', '2606:4700::6810:84e5', '2606:4700::6810:85e5']);
  });

  it('asks the endpoint for JSON with name and type in the query', async () => {
    const { fetcher, requests } = fakeDoh({ 'cloudflare.com/A': CLOUDFLARE_A, 'cloudflare.com/AAAA': CLOUDFLARE_AAAA });
    await dohResolver('https://dns.example/dns-query', fetcher)('cloudflare.com');
    expect(requests.map((r) => r.url.href).sort()).toEqual([
      'https://dns.example/dns-query?name=cloudflare.com&type=A',
      'https://dns.example/dns-query?name=cloudflare.com&type=AAAA',
    ]);
    for (const { init } of requests) {
      expect(new Headers(init.headers).get('accept')).toBe('application/dns-json');
      expect(init.signal).toBeInstanceOf(AbortSignal);
    }
  });

  it('uses Cloudflare’s endpoint by default', async () => {
    const { fetcher, requests } = fakeDoh({ 'cloudflare.com/A': CLOUDFLARE_A, 'cloudflare.com/AAAA': CLOUDFLARE_AAAA });
    await dohResolver(undefined, fetcher)('cloudflare.com');
    expect(requests[0].url.origin + requests[0].url.pathname).toBe('https://cloudflare-dns.com/dns-query');
  });

  it('follows a CNAME chain and returns only the addresses, not the alias names', async () => {
    const { fetcher } = fakeDoh({ 'www.github.com/A': WWW_GITHUB_A, 'www.github.com/AAAA': WWW_GITHUB_AAAA });
    expect(await dohResolver(undefined, fetcher)('www.github.com')).toEqual(['140.82.121.4']);
  });

  it('follows a longer CNAME chain listed out of order, ignoring records for other names', async () => {
    const answer = {
      ...question('hooks.example.com', 1),
      Answer: [
        { name: 'edge.cdn.example.net', type: 1, TTL: 20, data: '93.184.215.14' },
        { name: 'hooks.example.com', type: 5, TTL: 300, data: 'HOOKS.cdn.example.net.' },
        { name: 'unrelated.example.org', type: 1, TTL: 20, data: '10.0.0.1' },
        { name: 'hooks.cdn.example.net', type: 5, TTL: 300, data: 'edge.cdn.example.net.' },
      ],
    };
    const { fetcher } = fakeDoh({ 'hooks.example.com/A': answer, 'hooks.example.com/AAAA': question('hooks.example.com', 28) });
    expect(await dohResolver(undefined, fetcher)('hooks.example.com')).toEqual(['93.184.215.14']);
  });

  it('throws naming NXDOMAIN when the name does not exist', async () => {
    const { fetcher } = fakeDoh({ 'nope.example.com/A': NXDOMAIN('nope.example.com', 1), 'nope.example.com/AAAA': NXDOMAIN('nope.example.com', 28) });
    await expect(dohResolver(undefined, fetcher)('nope.example.com')).rejects.toThrow(/^DNS lookup of nope\.example\.com \(AA?A?\) failed: NXDOMAIN$/);
  });

  it('throws naming SERVFAIL when the resolver fails', async () => {
    const { fetcher } = fakeDoh({ 'broken.example.com/A': { ...question('broken.example.com', 1), Status: 2 }, 'broken.example.com/AAAA': question('broken.example.com', 28) });
    await expect(dohResolver(undefined, fetcher)('broken.example.com')).rejects.toThrow('DNS lookup of broken.example.com (A) failed: SERVFAIL');
  });

  it('throws when the endpoint answers an HTTP error', async () => {
    const { fetcher } = fakeDoh({ 'x.example.com/A': new Response('busy', { status: 503 }), 'x.example.com/AAAA': question('x.example.com', 28) });
    await expect(dohResolver(undefined, fetcher)('x.example.com')).rejects.toThrow('DNS lookup of x.example.com (A) failed: DoH endpoint answered HTTP 503');
  });

  it('throws when the endpoint answers something that is not DoH JSON', async () => {
    const { fetcher } = fakeDoh({ 'x.example.com/A': { hello: 'world' }, 'x.example.com/AAAA': question('x.example.com', 28) });
    await expect(dohResolver(undefined, fetcher)('x.example.com')).rejects.toThrow('DNS lookup of x.example.com (A) failed: malformed DoH answer');
  });

  it('gives up with a timeout message when the endpoint does not answer in time', async () => {
    const hanging: DohFetcher = (_input, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const started = Date.now();
    await expect(dohResolver(undefined, hanging, { timeoutMs: 50 })('slow.example.com')).rejects.toThrow('DNS lookup of slow.example.com timed out after 50 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
