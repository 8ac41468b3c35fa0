/** @module shared/personalization/personalization-state.test Interactions, ratings, drift, adaptation bookkeeping and stored size of a user's engine state. */
import { describe, expect, it } from 'vitest';
import {
  clearAdapterRefresh, createPersonalizationState, inDriftMode, learnedPreferences, learnFromFeedback, learnFromRating, MAX_DRIFT_EVENTS, noteInteraction, restorePersonalizationState, takeAdaptationTimes,
  type PersonalizationState,
} from './personalization-state';
import { mostLikely } from './preference-model';
import { embedText } from './text-embedding';

const NOW = Date.UTC(2026, 5, 1, 10);
const interaction = (text: string, now = NOW) => ({ now, hour: 10, domain: 'code' as const, country: 'GB', embedding: embedText(text), profile: null });
const rate = (s: PersonalizationState, rating: number, attributes: Parameters<typeof learnFromRating>[1]['attributes'] = { style: 'formal' }, now = NOW) =>
  learnFromRating(s, { attributes, rating, now, profile: null });

describe('noteInteraction', () => {
  it('counts the request, folds the prompt into the interaction mean and rebuilds the int8 user embedding', () => {
    let s = noteInteraction(createPersonalizationState(), interaction('Fix my Python function'));
    s = noteInteraction(s, interaction('Why does my Rust code not compile'));
    expect(s.analytics.interactions).toBe(2);
    expect(s.interactionMean?.count).toBe(2);
    expect(s.userEmbedding?.int8).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('leaves the interaction mean alone for a prompt without words', () => {
    const s = noteInteraction(createPersonalizationState(), interaction('?!'));
    expect(s.analytics.interactions).toBe(1);
    expect(s.interactionMean).toBeNull();
  });
});

describe('learnFromRating', () => {
  it('credits the job’s attributes and remembers when, for the adaptation-time metric', () => {
    let s = createPersonalizationState();
    for (let i = 0; i < 3; i++) s = rate(s, 5, { style: 'technical', tone: 'friendly' }, NOW + i).state;
    expect(mostLikely(s.preferences, 'style')).toBe('technical');
    expect(s.analytics.feedback).toBe(3);
    expect(s.pendingFeedback).toEqual([NOW, NOW + 1, NOW + 2]);
    expect(learnedPreferences(s).style?.value).toBe('technical');
    expect(learnedPreferences(s).length).toBeUndefined(); // no evidence: not shown
  });

  it('changes only the satisfaction stream and the counts for an unpersonalized job', () => {
    const s = rate(createPersonalizationState(), 5, null).state;
    expect(s.preferences).toEqual(createPersonalizationState().preferences);
    expect(s.pendingFeedback).toEqual([]);
    expect(s.satisfaction.n).toBe(1);
  });

  it('flags a switch from happy to unhappy within 10 ratings: drift mode, a drift event and an adapter refresh', () => {
    let s = createPersonalizationState();
    for (let i = 0; i < 12; i++) s = rate(s, 5).state;
    expect(s.driftEvents).toEqual([]);
    let flagged = -1;
    for (let i = 0; i < 10 && flagged < 0; i++) {
      const out = rate(s, 1, { style: 'formal' }, NOW + 1000 + i);
      s = out.state;
      if (out.drift) flagged = i;
    }
    expect(flagged).toBeGreaterThanOrEqual(0);
    expect(s.driftEvents).toEqual([{ at: NOW + 1000 + flagged, direction: 'down' }]);
    expect(s.adapterRefreshRequested).toBe(true);
    expect(inDriftMode(s)).toBe(true);
  });

  it('keeps the last 20 drift events only', () => {
    let s = createPersonalizationState();
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 12; i++) s = rate(s, round % 2 ? 1 : 5).state;
    }
    expect(s.driftEvents.length).toBeGreaterThan(0);
    expect(s.driftEvents.length).toBeLessThanOrEqual(MAX_DRIFT_EVENTS);
  });
});

describe('takeAdaptationTimes', () => {
  it('reports how long each waiting feedback took to reach a request, once', () => {
    let s = rate(rate(createPersonalizationState(), 5, { style: 'casual' }, NOW).state, 4, { style: 'casual' }, NOW + 40).state;
    const first = takeAdaptationTimes(s, NOW + 100);
    expect(first.adaptationMs).toEqual([100, 60]);
    s = first.state;
    expect(takeAdaptationTimes(s, NOW + 200).adaptationMs).toEqual([]);
  });
});

describe('stored form', () => {
  it('survives a JSON round trip; anything unrecognised reads back as a fresh state', () => {
    const s = rate(noteInteraction(createPersonalizationState(), interaction('hello world')), 5).state;
    expect(restorePersonalizationState(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(restorePersonalizationState(null)).toEqual(createPersonalizationState());
    expect(restorePersonalizationState({ version: 7 })).toEqual(createPersonalizationState());
  });

  it('stays small: after 100 requests, 100 ratings and 20 drift events the JSON is under 8 KiB', () => {
    let s = createPersonalizationState();
    for (let i = 0; i < 100; i++) {
      s = noteInteraction(s, interaction(`question number ${i} about topic ${i % 7}`, NOW + i * 60_000));
      s = rate(s, i % 24 < 12 ? 5 : 1, { style: 'formal', tone: 'friendly', length: 'concise', complexity: 'plain', domain: 'code' }, NOW + i * 60_000).state;
    }
    s = { ...s, driftEvents: Array.from({ length: MAX_DRIFT_EVENTS }, (_, i) => ({ at: NOW + i, direction: 'down' as const })) };
    const bytes = new TextEncoder().encode(JSON.stringify(s)).length;
    console.log(`personalization state after 100 interactions: ${bytes} bytes of JSON`);
    expect(bytes).toBeLessThan(8 * 1024);
  });
});

describe('learnFromFeedback', () => {
  it('learns a choice between two responses without touching the satisfaction stream', () => {
    let s = createPersonalizationState();
    for (let i = 0; i < 4; i++) {
      s = learnFromFeedback(s, { feedback: { kind: 'choice', chosen: { style: 'creative' }, rejected: { style: 'formal' } }, satisfaction: null, now: NOW + i, profile: null }).state;
    }
    expect(mostLikely(s.preferences, 'style')).toBe('creative');
    expect(s.satisfaction).toEqual(createPersonalizationState().satisfaction);
    expect(s.analytics.feedback).toBe(4);
  });

  it('feeds thumbs to Page-Hinkley as ±1, and a drift asks for an adapter refresh that clearAdapterRefresh clears', () => {
    let s = createPersonalizationState();
    let drift = null;
    for (let i = 0; i < 20; i++) s = learnFromFeedback(s, { feedback: { kind: 'thumbs', attributes: { style: 'casual' }, up: true }, satisfaction: 1, now: NOW + i, profile: null }).state;
    for (let i = 0; i < 20 && !drift; i++) ({ state: s, drift } = learnFromFeedback(s, { feedback: null, satisfaction: -1, now: NOW + 100 + i, profile: null }));
    expect(drift).toBe('down');
    expect(s.adapterRefreshRequested).toBe(true);
    expect(clearAdapterRefresh(s).adapterRefreshRequested).toBe(false);
  });

  it('changes nothing in the posteriors for feedback on a job that was not personalized', () => {
    const before = createPersonalizationState();
    const { state, posteriorChanged } = learnFromFeedback(before, { feedback: { kind: 'edit', original: {}, edited: {} }, satisfaction: null, now: NOW, profile: null });
    expect(posteriorChanged).toBe(false);
    expect(state.preferences).toEqual(before.preferences);
    expect(state.pendingFeedback).toEqual([]);
  });
});
