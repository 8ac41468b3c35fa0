/**
 * @module gpu-worker/training/judge/build-judge
 * Script: trains the default style judge, measures it on a third seed, and writes it with its
 * figures to `gpu-worker/models/style-judge.json` (or the path given as the first argument).
 *
 *     npx tsx gpu-worker/src/training/judge/build-judge.ts [out.json]
 */
import { statSync } from 'node:fs';
import { DEFAULT_JUDGE_PATH, DEFAULT_JUDGE_SEED, JUDGE_EVAL_SEED, trainDefaultJudge } from './default-judge';
import { measureJudge } from './measure-judge';
import { saveJudge } from './style-judge';

const out = process.argv[2] ?? DEFAULT_JUDGE_PATH;
const started = Date.now();
const model = trainDefaultJudge();
const trainedMs = Date.now() - started;
const m = measureJudge(model, { evalSeed: JUDGE_EVAL_SEED, judgeSeed: DEFAULT_JUDGE_SEED });
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const metrics = {
  measuredAt: new Date().toISOString().slice(0, 10),
  evalSeed: m.evalSeed,
  evalCount: m.count,
  styleAccuracy: m.clean.styleAccuracy,
  lengthAccuracy: m.clean.lengthAccuracy,
  styleAccuracyByStyle: m.clean.styleAccuracyByStyle,
  unseenTopicCount: m.unseenTopics.count,
  unseenTopicStyleAccuracy: m.unseenTopics.styleAccuracy,
  unseenTopicLengthAccuracy: m.unseenTopics.lengthAccuracy,
  dropRate: m.dropped.dropRate,
  droppedStyleAccuracy: m.dropped.styleAccuracy,
  droppedLengthAccuracy: m.dropped.lengthAccuracy,
  meanStyleConfidence: m.clean.meanStyleConfidence,
  lengthBoundaryWords: m.lengthBoundaryWords,
};
await saveJudge({ ...model, metrics }, out);

console.log(`style judge → ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB, ${model.style.features.length} features, T = ${model.style.temperature}, trained in ${trainedMs} ms)`);
console.log(`evaluated on seed ${m.evalSeed}: ${m.count} responses (validation + held-out prompts)`);
console.log('| set | n | style | length |');
console.log('|---|---|---|---|');
console.log(`| all | ${m.count} | ${pct(m.clean.styleAccuracy)} | ${pct(m.clean.lengthAccuracy)} |`);
console.log(`| topics unseen by the judge | ${m.unseenTopics.count} | ${pct(m.unseenTopics.styleAccuracy)} | ${pct(m.unseenTopics.lengthAccuracy)} |`);
console.log(`| ${pct(m.dropped.dropRate)} of words dropped | ${m.count} | ${pct(m.dropped.styleAccuracy)} | ${pct(m.dropped.lengthAccuracy)} |`);
console.log(`per style: ${Object.entries(m.clean.styleAccuracyByStyle).map(([s, a]) => `${s} ${pct(a)}`).join(', ')}`);
console.log(`length rule (detailed from N words at S sentences): ${Object.entries(m.lengthBoundaryWords).map(([s, w]) => `S=${s}: ${w}`).join(', ')}`);
