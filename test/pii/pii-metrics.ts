/**
 * @module test/pii/pii-metrics
 * Precision, recall and F1 of PII detection against the labelled set, per entity type, under
 * two matching rules: exact (same type, same start and end) and overlap (same type, spans
 * share at least one character; each gold and each prediction matched at most once). Also the
 * share of gold entities that some prediction of any type touches — what matters for privacy:
 * a name pseudonymized as a LOCATION still does not leak.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PII_ENTITY_TYPES, type PiiEntity, type PiiEntityType } from '../../shared/privacy/pii/types';
import type { LabelledExample } from '../fixtures/pii/labelled-source';

/** Counts and rates under one matching rule. */
export interface MatchScores {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Scores of one entity type (or all together). */
export interface TypeReport {
  readonly support: number;
  readonly exact: MatchScores;
  readonly overlap: MatchScores;
}

/** The whole evaluation. */
export interface EvaluationReport {
  readonly examples: number;
  readonly byType: Readonly<Record<PiiEntityType, TypeReport>>;
  readonly overall: TypeReport;
  /** Gold entities touched by a prediction of any type / all gold entities. */
  readonly anyTypeRecall: number;
  /** Examples without gold entities in which something was predicted / examples without gold entities. */
  readonly negativeExampleFlagRate: number;
}

/** Reads `test/fixtures/pii/labelled.jsonl`. */
export function loadLabelledSet(): LabelledExample[] {
  const file = join(import.meta.dirname, '../fixtures/pii/labelled.jsonl');
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LabelledExample);
}

function rates(tp: number, fp: number, fn: number): MatchScores {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/** Scores `predict` on `examples`. */
export function evaluate(examples: readonly LabelledExample[], predict: (text: string) => readonly PiiEntity[]): EvaluationReport {
  const counts = Object.fromEntries(PII_ENTITY_TYPES.map((t) => [t, { support: 0, exact: [0, 0, 0], overlap: [0, 0, 0] }])) as Record<
    PiiEntityType,
    { support: number; exact: number[]; overlap: number[] }
  >;
  let touched = 0;
  let gold = 0;
  let negatives = 0;
  let flaggedNegatives = 0;
  for (const example of examples) {
    const predicted = predict(example.text);
    if (example.entities.length === 0) {
      negatives++;
      if (predicted.length > 0) flaggedNegatives++;
    }
    for (const g of example.entities) {
      gold++;
      if (predicted.some((p) => overlaps(p, g))) touched++;
    }
    for (const type of PII_ENTITY_TYPES) {
      const g = example.entities.filter((e) => e.type === type);
      const p = predicted.filter((e) => e.type === type);
      const c = counts[type];
      c.support += g.length;
      const exactTp = g.filter((x) => p.some((y) => y.start === x.start && y.end === x.end)).length;
      c.exact[0] += exactTp;
      c.exact[1] += p.length - exactTp;
      c.exact[2] += g.length - exactTp;
      const used = new Set<number>();
      let overlapTp = 0;
      for (const x of g) {
        const j = p.findIndex((y, k) => !used.has(k) && overlaps(x, y));
        if (j >= 0) {
          used.add(j);
          overlapTp++;
        }
      }
      c.overlap[0] += overlapTp;
      c.overlap[1] += p.length - used.size;
      c.overlap[2] += g.length - overlapTp;
    }
  }
  const byType = Object.fromEntries(
    PII_ENTITY_TYPES.map((t) => [t, { support: counts[t].support, exact: rates(...(counts[t].exact as [number, number, number])), overlap: rates(...(counts[t].overlap as [number, number, number])) }]),
  ) as Record<PiiEntityType, TypeReport>;
  const sum = (rule: 'exact' | 'overlap', i: 0 | 1 | 2) => PII_ENTITY_TYPES.reduce((n, t) => n + counts[t][rule][i], 0);
  const overall: TypeReport = {
    support: gold,
    exact: rates(sum('exact', 0), sum('exact', 1), sum('exact', 2)),
    overlap: rates(sum('overlap', 0), sum('overlap', 1), sum('overlap', 2)),
  };
  return {
    examples: examples.length,
    byType,
    overall,
    anyTypeRecall: gold === 0 ? 1 : touched / gold,
    negativeExampleFlagRate: negatives === 0 ? 0 : flaggedNegatives / negatives,
  };
}

/** The report as a Markdown table. */
export function formatReport(report: EvaluationReport): string {
  const pct = (x: number) => (x * 100).toFixed(1);
  const row = (name: string, r: TypeReport) =>
    `| ${name} | ${r.support} | ${pct(r.exact.precision)} | ${pct(r.exact.recall)} | ${pct(r.exact.f1)} | ${pct(r.overlap.precision)} | ${pct(r.overlap.recall)} | ${pct(r.overlap.f1)} |`;
  return [
    '| type | gold | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...PII_ENTITY_TYPES.map((t) => row(t, report.byType[t])),
    row('**all**', report.overall),
  ].join('\n');
}
