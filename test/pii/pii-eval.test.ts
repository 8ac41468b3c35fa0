/**
 * @module test/pii/pii-eval tests: detection quality on the hand-labelled set
 * (`test/fixtures/pii/labelled.jsonl`), with floors a regression must not cross. The floors are
 * the figures measured on 2026-12-04 (docs/pii.md) minus a small margin. The set is written by
 * the same people as the recognizers, so these figures are optimistic for real traffic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../shared/privacy/pii/analyzer';
import { PII_ENTITY_TYPES, type PiiEntityType } from '../../shared/privacy/pii/types';
import { parseLabelledSource, toJsonLines } from '../fixtures/pii/labelled-source';
import { evaluate, formatReport, loadLabelledSet } from './pii-metrics';

const FIXTURES = join(import.meta.dirname, '../fixtures/pii');
const examples = loadLabelledSet();
const report = evaluate(examples, (text) => analyze(text));

/** Recall floors per type (overlap match): measured minus about 0.05. */
const RECALL_FLOORS: Record<PiiEntityType, number> = {
  PERSON: 0.84,
  EMAIL_ADDRESS: 0.95,
  PHONE_NUMBER: 0.76,
  CREDIT_CARD: 0.95,
  IBAN_CODE: 0.95,
  US_SSN: 0.83,
  IP_ADDRESS: 0.95,
  URL: 0.95,
  DATE_TIME: 0.95,
  LOCATION: 0.79,
  SECRET: 0.95,
};

describe('the labelled PII set', () => {
  it('matches its source file (regenerate with npx tsx test/fixtures/pii/build-labelled.ts)', () => {
    const source = readFileSync(join(FIXTURES, 'labelled.src.txt'), 'utf8');
    expect(readFileSync(join(FIXTURES, 'labelled.jsonl'), 'utf8')).toBe(toJsonLines(parseLabelledSource(source)));
  });

  it('has at least 300 examples, negatives among them, and every entity type', () => {
    expect(examples.length).toBeGreaterThanOrEqual(300);
    expect(examples.filter((e) => e.entities.length === 0).length).toBeGreaterThanOrEqual(100);
    for (const type of PII_ENTITY_TYPES) expect(report.byType[type].support, type).toBeGreaterThanOrEqual(8);
  });

  it('has gold spans that are disjoint slices of their text', () => {
    for (const e of examples) {
      const sorted = [...e.entities].sort((a, b) => a.start - b.start);
      sorted.forEach((g, i) => {
        expect(e.text.slice(g.start, g.end), e.id).toBe(g.value);
        if (i > 0) expect(sorted[i - 1].end, e.id).toBeLessThanOrEqual(g.start);
      });
    }
  });
});

describe('analyze on the labelled set', () => {
  it('reaches an overall F1 of at least 0.9, exact spans and overlapping spans', () => {
    expect(report.overall.exact.f1, formatReport(report)).toBeGreaterThanOrEqual(0.9);
    expect(report.overall.overlap.f1).toBeGreaterThanOrEqual(0.92);
    expect(report.overall.overlap.precision).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps each type\'s recall above its floor', () => {
    for (const type of PII_ENTITY_TYPES) {
      expect(report.byType[type].overlap.recall, `${type}\n${formatReport(report)}`).toBeGreaterThanOrEqual(RECALL_FLOORS[type]);
    }
  });

  it('flags almost nothing in the examples that hold no PII', () => {
    expect(report.negativeExampleFlagRate).toBeLessThanOrEqual(0.03);
  });

  it('leaves at most 10% of gold entities untouched by any prediction', () => {
    expect(report.anyTypeRecall).toBeGreaterThanOrEqual(0.9);
  });
});
