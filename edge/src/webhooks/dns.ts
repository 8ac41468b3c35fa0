/**
 * @module edge/webhooks/dns
 * The resolver seam for the webhook URL policy: A and AAAA lookups over DNS-over-HTTPS with the
 * JSON API (`application/dns-json`, as served by Cloudflare and Google), since Workers have no
 * system resolver. Only `fetch` is used, so it runs in workerd and in Node alike.
 */

/** The part of `fetch` the resolver uses; tests pass a fake that answers recorded DoH JSON. */
export type DohFetcher = (input: string, init: RequestInit) => Promise<Response>;

/** Extra settings of {@link dohResolver}. */
export interface DohResolverOptions {
  /** Deadline for both lookups together, in milliseconds. @default 3000 */
  timeoutMs?: number;
}

/** One DoH JSON answer record (RFC 8427 style, as cloudflare-dns.com returns it). */
interface DohRecord {
  name: string;
  type: number;
  TTL?: number;
  data: string;
}

interface DohResponse {
  Status: number;
  Answer?: DohRecord[];
}

const TYPE = { A: 1, CNAME: 5, AAAA: 28 } as const;

// DNS RCODEs (RFC 1035 §4.1.1, RFC 6895).
const RCODE_NAMES: Record<number, string> = { 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

const canonical = (name: string) => name.toLowerCase().replace(/\.+$/, '');

/**
 * Addresses of `type` for `host` in one DoH answer, following the CNAME chain the answer lists:
 * `host → CNAME a → CNAME b → A …`; records for other names are ignored.
 */
function addressesFromAnswer(host: string, type: number, answer: readonly DohRecord[]): string[] {
  const chain = new Set([canonical(host)]);
  // Answers list the chain in order, but walk until nothing changes so an unordered one works too.
  for (let grew = true; grew; ) {
    grew = false;
    for (const record of answer) {
      if (record.type !== TYPE.CNAME || !chain.has(canonical(record.name))) continue;
      const target = canonical(record.data);
      if (!chain.has(target)) {
        chain.add(target);
        grew = true;
      }
    }
  }
  return answer.filter((r) => r.type === type && chain.has(canonical(r.name))).map((r) => r.data);
}

/**
 * A resolver returning every A and AAAA address of a host (after CNAMEs), for
 * {@link checkWebhookUrl}. Throws with a message naming the host and the failure on NXDOMAIN,
 * SERVFAIL and other errors, a non-2xx HTTP answer, or when the deadline passes.
 * @example
 * const resolve = dohResolver();
 * await resolve('example.com'); // ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']
 */
export function dohResolver(
  endpoint = 'https://cloudflare-dns.com/dns-query',
  fetcher: DohFetcher = (input, init) => fetch(input, init),
  options: DohResolverOptions = {},
): (host: string) => Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 3000;

  async function lookup(host: string, type: 'A' | 'AAAA', signal: AbortSignal): Promise<string[]> {
    const url = new URL(endpoint);
    url.searchParams.set('name', host);
    url.searchParams.set('type', type);
    const response = await fetcher(url.toString(), { headers: { accept: 'application/dns-json' }, signal });
    if (!response.ok) throw new Error(`DNS lookup of ${host} (${type}) failed: DoH endpoint answered HTTP ${response.status}`);
    const body = (await response.json()) as DohResponse;
    if (typeof body?.Status !== 'number') throw new Error(`DNS lookup of ${host} (${type}) failed: malformed DoH answer`);
    if (body.Status !== 0) throw new Error(`DNS lookup of ${host} (${type}) failed: ${RCODE_NAMES[body.Status] ?? `RCODE ${body.Status}`}`);
    return addressesFromAnswer(host, TYPE[type], body.Answer ?? []);
  }

  return async function resolveWithDoh(host: string): Promise<string[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const [v4, v6] = await Promise.all([lookup(host, 'A', signal), lookup(host, 'AAAA', signal)]);
      return [...v4, ...v6];
    } catch (err) {
      if (signal.aborted) throw new Error(`DNS lookup of ${host} timed out after ${timeoutMs} ms`);
      throw err;
    }
  };
}
