/**
 * @module shared/personalization/interaction-analytics
 * Behavioural analytics of one user, kept in that user's own sealed state and shown only to them
 * (`GET /v1/me/insights`): how many requests and ratings, in which domains, at which hour of the
 * day, from which country, and how engaged they are. Counts and times only, never text.
 * Pure and runtime-neutral; nothing here reads the clock (pass `now`, ms since the epoch).
 */
import { DOMAINS, type Domain } from '../api/profile';

export interface InteractionAnalytics {
  /** Generation requests (generate and chat) so far. */
  interactions: number;
  /** Ratings given so far. */
  feedback: number;
  /** Requests per domain (the request's `domain`, else the classifier's). */
  domains: Partial<Record<Domain, number>>;
  /** Requests per hour of the day, 24 entries: the user's local hour when the request named a valid time zone, else UTC. */
  hours: number[];
  /** Requests per country (two-letter code from Cloudflare's `cf.country`), at most `MAX_COUNTRIES`. */
  countries: Record<string, number>;
  /** Requests per UTC day number (days since the epoch), the last `RECENT_DAYS` days only. */
  recentDays: Record<string, number>;
  /** First and last request, ms since the epoch. */
  firstSeen: number | null;
  lastSeen: number | null;
}

/** One request, as analytics sees it. */
export interface InteractionEvent {
  now: number;
  /** Hour of the day 0–23 to count (see `InteractionAnalytics.hours`). */
  hour: number;
  domain: Domain;
  /** Two-letter country code, or null when unknown. */
  country: string | null;
}

export const ENGAGEMENT_LEVELS = ['new', 'occasional', 'regular', 'power'] as const;
export type EngagementLevel = (typeof ENGAGEMENT_LEVELS)[number];

/**
 * Engagement thresholds: `new` below `minInteractions` requests in all; otherwise by the requests
 * of the last `RECENT_DAYS` (28) days: `power` from 100 (about 3.5 a day), `regular` from 20
 * (about 5 a week), `occasional` below that.
 */
export const ENGAGEMENT_THRESHOLDS = { minInteractions: 5, regular: 20, power: 100 } as const;
export const RECENT_DAYS = 28;
export const MAX_COUNTRIES = 16;
const DAY_MS = 86_400_000;
const COUNTRY = /^[A-Z0-9]{2}$/;

/** Analytics of a user with no requests yet. */
export function createAnalytics(): InteractionAnalytics {
  return { interactions: 0, feedback: 0, domains: {}, hours: new Array<number>(24).fill(0), countries: {}, recentDays: {}, firstSeen: null, lastSeen: null };
}

/**
 * Counts one request. A country that is not two capital letters or digits is ignored; when
 * `MAX_COUNTRIES` are known, a new one replaces the least frequent.
 *
 * @example
 * a = recordInteraction(a, { now: Date.now(), hour: 14, domain: 'code', country: 'GB' });
 */
export function recordInteraction(a: InteractionAnalytics, e: InteractionEvent): InteractionAnalytics {
  if (!Number.isInteger(e.hour) || e.hour < 0 || e.hour > 23) throw new RangeError(`hour must be an integer 0–23, got ${e.hour}`);
  if (!Number.isFinite(e.now)) throw new RangeError(`now must be a time in ms, got ${e.now}`);
  if (!(DOMAINS as readonly string[]).includes(e.domain)) throw new RangeError(`domain must be one of ${DOMAINS.join(', ')}, got ${JSON.stringify(e.domain)}`);
  const hours = a.hours.length === 24 ? [...a.hours] : new Array<number>(24).fill(0);
  hours[e.hour] += 1;
  const countries = { ...a.countries };
  if (e.country && COUNTRY.test(e.country)) {
    if (!(e.country in countries) && Object.keys(countries).length >= MAX_COUNTRIES) {
      const least = Object.entries(countries).reduce((min, entry) => (entry[1] < min[1] ? entry : min));
      delete countries[least[0]];
    }
    countries[e.country] = (countries[e.country] ?? 0) + 1;
  }
  const today = Math.floor(e.now / DAY_MS);
  const recentDays: Record<string, number> = {};
  for (const [day, n] of Object.entries(a.recentDays)) if (Number(day) > today - RECENT_DAYS) recentDays[day] = n;
  recentDays[today] = (recentDays[today] ?? 0) + 1;
  return {
    ...a,
    interactions: a.interactions + 1,
    domains: { ...a.domains, [e.domain]: (a.domains[e.domain] ?? 0) + 1 },
    hours,
    countries,
    recentDays,
    firstSeen: a.firstSeen ?? e.now,
    lastSeen: Math.max(a.lastSeen ?? e.now, e.now),
  };
}

/** Counts one rating. */
export function recordFeedback(a: InteractionAnalytics): InteractionAnalytics {
  return { ...a, feedback: a.feedback + 1 };
}

/** Requests in the last `RECENT_DAYS` days up to `now`. */
export function recentInteractions(a: InteractionAnalytics, now: number): number {
  const today = Math.floor(now / DAY_MS);
  return Object.entries(a.recentDays).reduce((sum, [day, n]) => (Number(day) > today - RECENT_DAYS && Number(day) <= today ? sum + n : sum), 0);
}

/**
 * The user's engagement level (thresholds in `ENGAGEMENT_THRESHOLDS`).
 *
 * @example engagementLevel(createAnalytics(), Date.now()) // 'new'
 */
export function engagementLevel(a: InteractionAnalytics, now: number): EngagementLevel {
  if (a.interactions < ENGAGEMENT_THRESHOLDS.minInteractions) return 'new';
  const recent = recentInteractions(a, now);
  if (recent >= ENGAGEMENT_THRESHOLDS.power) return 'power';
  if (recent >= ENGAGEMENT_THRESHOLDS.regular) return 'regular';
  return 'occasional';
}

/** The domain with the most requests (the first in `DOMAINS` order on a tie), or null before any. */
export function mostCommonDomain(a: InteractionAnalytics): Domain | null {
  let best: Domain | null = null;
  for (const domain of DOMAINS) if ((a.domains[domain] ?? 0) > (best ? (a.domains[best] ?? 0) : 0)) best = domain;
  return best;
}

/**
 * The hour of the day (0–23) at `now` in an IANA time zone, or null when the zone is missing or
 * unknown (the caller then counts the UTC hour).
 *
 * @example localHour(Date.UTC(2026, 0, 1, 12), 'Asia/Tokyo') // 21
 */
export function localHour(now: number, timeZone: string | null | undefined): number | null {
  if (!timeZone || timeZone.length > 64) return null;
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(now));
    const hour = Number(parts.find((p) => p.type === 'hour')?.value);
    return Number.isInteger(hour) && hour >= 0 && hour <= 23 ? hour : null;
  } catch {
    return null; // RangeError: not a time zone this runtime knows
  }
}
