/**
 * @module gpu-worker/training/pretrain/evaluate-default
 * `npm run eval:default`: measures the default model — style and length following on 400
 * held-out prompts in two prompt formats, the base style mix without instruction, and
 * personalization by DPO adapters with and without DP-SGD — writes `evaluation.json` beside the
 * model and renders its MODEL_CARD.md from the training report and the evaluation.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TextGenerator } from '../../generation/text-generator';
import { loadTrainingModel } from '../../worker/training-model';
import { loadDefaultJudge } from '../judge/default-judge';
import { renderModelCard } from './model-card';
import { DEFAULT_PERSONALIZATION, runPersonalizationExperiment, type PersonalizationRow } from './personalization-experiment';
import { generateAndJudge, heldOutPrompts, summarize, EVAL_SAMPLING, type StyleEvalSummary } from './style-eval';
import type { TrainingReport } from './train-default';

/** What `evaluation.json` holds. */
export interface EvaluationReport {
  evalSeed: number;
  sampling: typeof EVAL_SAMPLING;
  judge: Record<string, unknown>;
  styleFollowing: StyleEvalSummary[];
  baseline: StyleEvalSummary;
  personalization: PersonalizationRow[];
  personalizationSettings: typeof DEFAULT_PERSONALIZATION;
  samples: { format: string; requestedStyle: string; requestedLength: string; judgedStyle: string; text: string }[];
  wallSeconds: number;
  finishedAt: string;
}

/** Seed of the evaluation prompts (held-out topics of the training seed's split). */
export const EVAL_SEED = 1;

/** Runs every measurement on `modelDir` and rewrites its evaluation.json and MODEL_CARD.md. */
export async function evaluateDefaultModel(modelDir: string, log: (line: string) => void, options: { skipPersonalization?: boolean } = {}): Promise<EvaluationReport> {
  const started = performance.now();
  const generator = await TextGenerator.open(modelDir, { providers: ['cpu'], maxBatchSize: 32 });
  const { model: judgeModel } = await loadDefaultJudge();
  try {
    const prompts = heldOutPrompts(EVAL_SEED, 400);
    const styleFollowing: StyleEvalSummary[] = [];
    const samples: EvaluationReport['samples'] = [];
    for (const format of ['styled-user', 'system-profile'] as const) {
      const results = await generateAndJudge(generator, judgeModel, prompts, format);
      const summary = summarize(format, results);
      styleFollowing.push(summary);
      for (const r of results.slice(0, 8)) samples.push({ format, requestedStyle: r.requestedStyle, requestedLength: r.requestedLength, judgedStyle: r.judgedStyle, text: r.text });
      log(`${format}: style ${(summary.styleMatch * 100).toFixed(1)}%, length ${(summary.lengthMatch * 100).toFixed(1)}%`);
    }
    const baseline = summarize('no-instruction', await generateAndJudge(generator, judgeModel, prompts.slice(0, 200), 'no-instruction'));
    log(`no instruction: ${JSON.stringify(baseline.judgedStyleShares)}`);
    const personalization = options.skipPersonalization
      ? []
      : await runPersonalizationExperiment(generator, await loadTrainingModel(modelDir), judgeModel, DEFAULT_PERSONALIZATION, log);
    const report: EvaluationReport = {
      evalSeed: EVAL_SEED,
      sampling: EVAL_SAMPLING,
      judge: { ...(judgeModel.trainedOn ?? {}), metrics: judgeModel.metrics ?? {} },
      styleFollowing,
      baseline,
      personalization,
      personalizationSettings: DEFAULT_PERSONALIZATION,
      samples,
      wallSeconds: Math.round((performance.now() - started) / 1000),
      finishedAt: new Date().toISOString(),
    };
    await writeFile(join(modelDir, 'evaluation.json'), JSON.stringify(report, null, 2) + '\n');
    const training = JSON.parse(await readFile(join(modelDir, 'training-report.json'), 'utf8')) as TrainingReport;
    await writeFile(join(modelDir, 'MODEL_CARD.md'), renderModelCard(training, report));
    return report;
  } finally {
    await generator.close();
  }
}
