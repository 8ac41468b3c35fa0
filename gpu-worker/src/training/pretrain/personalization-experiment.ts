/**
 * @module gpu-worker/training/pretrain/personalization-experiment
 * Personalization by adapter alone: for each style, a simulated user's 32 preference pairs (plain
 * prompts, no style instruction) train a rank-8 LoRA by DPO; the share of 100 generations for
 * unseen prompts (held-out topics, no instruction) that the judge labels as that style is compared
 * with the base model's share. Run plainly and with DP-SGD at a target ε.
 */
import type { TextGenerator } from '../../generation/text-generator';
import type { TrainingModel } from '../../worker/training-model';
import { STYLES, type Style } from '../corpus/types';
import type { JudgeModel } from '../judge/style-judge';
import { generateAndJudge, heldOutPrompts } from './style-eval';
import { styleTextPairs, tokenizePairs } from './style-pairs';
import { trainStyleAdapter, type DpSettings, type StyleAdapterOptions } from './style-adapter';

/** Settings of the experiment. */
export interface PersonalizationSettings {
  seed: number;
  pairs: number;
  evalPrompts: number;
  adapter: Omit<StyleAdapterOptions, 'baseModelId' | 'dp' | 'seed'>;
  dp: DpSettings;
}

export const DEFAULT_PERSONALIZATION: PersonalizationSettings = {
  seed: 7,
  pairs: 32,
  evalPrompts: 100,
  adapter: { rank: 8, alpha: 16, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], steps: 80, batchPairs: 8, lr: 2e-3, dpoBeta: 0.1 },
  dp: { epsilon: 1, delta: 1e-6, clipNorm: 1 },
};

/** One style's row of the table. */
export interface PersonalizationRow {
  style: Style;
  /** Share of the base model's generations (no instruction, no adapter) judged as this style. */
  baseRate: number;
  /** The same with the user's DPO adapter. */
  adapterRate: number;
  /** With the DP-SGD adapter. */
  dpAdapterRate: number;
  finalDpoLoss: number;
  dp: { noiseMultiplier: number; sampleRate: number; steps: number; epsilon: number; delta: number };
  trainSeconds: number;
}

/** Runs the experiment for every style; `log` gets one line per finished part. */
export async function runPersonalizationExperiment(
  generator: TextGenerator,
  model: TrainingModel,
  judgeModel: JudgeModel,
  settings: PersonalizationSettings,
  log: (line: string) => void,
): Promise<PersonalizationRow[]> {
  const prompts = heldOutPrompts(settings.seed, settings.evalPrompts);
  const base = await generateAndJudge(generator, judgeModel, prompts, 'no-instruction');
  const rows: PersonalizationRow[] = [];
  for (const style of STYLES) {
    const rate = (results: { judgedStyle: Style }[]) => results.filter((r) => r.judgedStyle === style).length / results.length;
    const pairs = tokenizePairs(model.tokenizer, styleTextPairs(settings.seed, style, settings.pairs));
    const common = { ...settings.adapter, baseModelId: model.baseModelId, seed: settings.seed + STYLES.indexOf(style) };
    const started = performance.now();
    const plain = await trainStyleAdapter(model.cfg, model.weights, pairs, common);
    const trainSeconds = (performance.now() - started) / 1000;
    const adapterRate = rate(await generateAndJudge(generator, judgeModel, prompts, 'no-instruction', plain.adapter));
    const privateRun = await trainStyleAdapter(model.cfg, model.weights, pairs, { ...common, dp: settings.dp });
    const dpAdapterRate = rate(await generateAndJudge(generator, judgeModel, prompts, 'no-instruction', privateRun.adapter));
    const row: PersonalizationRow = {
      style,
      baseRate: rate(base),
      adapterRate,
      dpAdapterRate,
      finalDpoLoss: plain.losses[plain.losses.length - 1],
      dp: privateRun.privacy!,
      trainSeconds,
    };
    rows.push(row);
    log(`${style}: base ${(row.baseRate * 100).toFixed(0)}%, adapter ${(adapterRate * 100).toFixed(0)}%, DP-SGD (ε ${row.dp.epsilon.toFixed(2)}) ${(dpAdapterRate * 100).toFixed(0)}%`);
  }
  return rows;
}
