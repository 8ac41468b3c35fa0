/**
 * @module test/pii/pii-eval
 * Prints precision/recall/F1 per entity type of `analyze` on the labelled set:
 * `npx tsx test/pii/pii-eval.ts [--split dev|holdout|all] [--errors]`.
 * `--errors` lists every missed and every spurious span, for tuning.
 */
import { analyze } from '../../shared/privacy/pii/analyzer';
import { evaluate, formatReport, loadLabelledSet } from './pii-metrics';

const args = process.argv.slice(2);
const splitArg = args.includes('--split') ? args[args.indexOf('--split') + 1] : 'all';
const examples = loadLabelledSet().filter((e) => splitArg === 'all' || e.split === splitArg);

const started = performance.now();
const report = evaluate(examples, (text) => analyze(text));
const elapsed = performance.now() - started;

process.stdout.write(`PII evaluation — ${examples.length} examples (split: ${splitArg}), ${report.overall.support} gold entities, ${elapsed.toFixed(0)} ms\n\n`);
process.stdout.write(formatReport(report) + '\n\n');
process.stdout.write(`gold entities touched by a prediction of any type: ${(report.anyTypeRecall * 100).toFixed(1)}%\n`);
process.stdout.write(`examples without PII in which something was flagged: ${(report.negativeExampleFlagRate * 100).toFixed(1)}%\n`);

if (args.includes('--errors')) {
  process.stdout.write('\nerrors (- missed gold, + spurious prediction, ~ span or type differs):\n');
  for (const example of examples) {
    const predicted = analyze(example.text);
    const lines: string[] = [];
    for (const g of example.entities) {
      if (predicted.some((p) => p.type === g.type && p.start === g.start && p.end === g.end)) continue;
      const near = predicted.find((p) => p.start < g.end && g.start < p.end);
      lines.push(near ? `  ~ ${g.type} ${JSON.stringify(g.value)} got ${near.type} ${JSON.stringify(example.text.slice(near.start, near.end))} ${near.score}` : `  - ${g.type} ${JSON.stringify(g.value)}`);
    }
    for (const p of predicted) {
      if (example.entities.some((g) => g.start < p.end && p.start < g.end)) continue;
      lines.push(`  + ${p.type} ${JSON.stringify(example.text.slice(p.start, p.end))} ${p.score}`);
    }
    if (lines.length > 0) process.stdout.write(`${example.id}: ${JSON.stringify(example.text.slice(0, 90))}\n${lines.join('\n')}\n`);
  }
}
