/**
 * @module gpu-worker/training/pretrain/model-card
 * Renders the default model's MODEL_CARD.md from its training report and evaluation: what the
 * model is, what it was trained on and how, the training curve, and every measured figure.
 */
import type { EvaluationReport } from './evaluate-default';
import type { TrainingReport } from './train-default';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The curve as a table of about `rows` evenly spaced points (and every validation point). */
function curveTable(report: TrainingReport, rows = 16): string {
  const every = Math.max(1, Math.round(report.curve.length / rows));
  const picked = report.curve.filter((p, i) => i % every === 0 || p.validationLoss !== undefined || i === report.curve.length - 1);
  const lines = picked.map((p) => `| ${p.step} | ${p.tokens.toLocaleString('en-US')} | ${p.trainLoss.toFixed(3)} | ${p.validationLoss?.toFixed(3) ?? ''} | ${p.lr.toExponential(1)} | ${p.elapsedSeconds} |`);
  return ['| step | response tokens seen | train loss | validation loss | lr | seconds |', '|---:|---:|---:|---:|---:|---:|', ...lines].join('\n');
}

/** Markdown of the model card. */
export function renderModelCard(training: TrainingReport, evaluation: EvaluationReport): string {
  const [styled] = evaluation.styleFollowing;
  const styleRows = evaluation.styleFollowing
    .map((s) => `| ${s.format} | ${s.count} | ${pct(s.styleMatch)} | ${Object.values(s.styleMatchByStyle).map(pct).join(' / ')} | ${pct(s.lengthMatch)} | ${s.meanWords.toFixed(0)} |`)
    .join('\n');
  const personalization = evaluation.personalization.length
    ? [
        '| style | base model, no instruction | DPO adapter (r=8, 32 pairs) | DPO adapter with DP-SGD | ε of the DP-SGD run (δ) | σ |',
        '|---|---:|---:|---:|---:|---:|',
        ...evaluation.personalization.map((r) => `| ${r.style} | ${pct(r.baseRate)} | ${pct(r.adapterRate)} | ${pct(r.dpAdapterRate)} | ${r.dp.epsilon.toFixed(2)} (${r.dp.delta}) | ${r.dp.noiseMultiplier.toFixed(2)} |`),
      ].join('\n')
    : '_Not measured in this evaluation run._';
  const p = evaluation.personalizationSettings;
  const judgeMetrics = (evaluation.judge.metrics ?? {}) as { styleAccuracy?: number; lengthAccuracy?: number; unseenTopicStyleAccuracy?: number };
  const samples = evaluation.samples
    .slice(0, 6)
    .map((s) => `- _${s.format}, asked ${s.requestedStyle}/${s.requestedLength}, judged ${s.judgedStyle}_: ${s.text.replace(/\s+/g, ' ').slice(0, 400)}`)
    .join('\n');
  return `# ${'attune-style-3m'}: Attune's default model

A small Llama-architecture decoder trained by Attune on its own synthetic corpus, so that the
stack runs with no download and personalization is visible and measurable. It writes short
advice in four styles (casual, formal, technical, creative) and two lengths (concise, detailed)
across five domains (writing, code, tutoring, shopping, health information). It is **not** a
general-purpose language model: outside the corpus's kind of request it produces fluent but
meaningless advice. Health answers are generic templates, not medical advice.

## Model

| | |
|---|---|
| architecture | Llama (RMSNorm, RoPE θ 10000, grouped-query attention 8 heads / 4 KV heads, head dim 32, SwiGLU) |
| size | hidden 256, 4 layers, MLP 704, ${training.parameters.toLocaleString('en-US')} parameters, tied input/output embeddings, float32 |
| context | 512 positions |
| tokenizer | byte-level BPE, ${training.vocabSize} tokens (3 ChatML specials + 256 bytes + merges), trained on the corpus; ChatML chat template |
| files | config.json, model.safetensors, tokenizer.json, tokenizer_config.json, generation_config.json, training-report.json, evaluation.json |

## Data

The style corpus (\`gpu-worker/src/training/corpus/\`, docs/style-corpus.md): prompt → response pairs
over 5 domains × 4 styles × 2 lengths, composed from 480 content atoms with many wordings per style.
Training used ${training.trainExamples.toLocaleString('en-US')} examples of seed ${training.seed}
(${training.trainResponseTokens.toLocaleString('en-US')} response tokens), topics of the held-out split excluded.
Prompt formats (the response is the same kind in all three): the style and length stated in the user
message (${pct(training.formatShares['styled-user'])}), stated in a system message worded as the edge's prompt
builder words a profile (${pct(training.formatShares['system-profile'])}), or not stated at all
(${pct(training.formatShares['no-instruction'])}; the model then writes each style about a quarter of the time).
Loss is on response tokens and the closing \`<|im_end|>\` only.

## Training

\`npm run train:default\`: full-weight training with Attune's own training graphs (reverse-mode autodiff
over its ONNX graph builder) on onnxruntime-node, CPU, 2 cores. AdamW (β₂ 0.95, weight decay 0.1 on
matrices), peak learning rate ${training.baseLr} after ${training.warmupSteps} warmup steps, cosine to 10%, gradient norm
clipped at 1, length-bucketed batches of at most ${training.tokenBudget} padded tokens, ${training.epochs} epochs,
${training.steps} steps in ${(training.wallSeconds / 60).toFixed(1)} minutes (finished ${training.finishedAt}).

${curveTable(training)}

Loss is in nats per response token.

| measure | value |
|---|---|
| validation perplexity (training topics, unseen examples) | ${training.validationPerplexity.toFixed(3)} |
| held-out perplexity (topics never trained on) | ${training.heldOutPerplexity.toFixed(3)} |

Held-out perplexity is higher because those topics' content words (the tips and their reasons) were
never seen; style words and structure carry over.

## Style following

${styled.count} generations per format for held-out prompts (topics never trained on; 100 per style,
half concise and half detailed), sampled with temperature ${evaluation.sampling.temperature}, top-p ${evaluation.sampling.topP}, seeded,
labelled by the independent style judge (gpu-worker/models/style-judge.json: naive Bayes over
n-grams; ${judgeMetrics.styleAccuracy !== undefined ? `held-out style accuracy ${pct(judgeMetrics.styleAccuracy)}, length ${pct(judgeMetrics.lengthAccuracy ?? 0)}, on unseen topics ${pct(judgeMetrics.unseenTopicStyleAccuracy ?? 0)}` : 'see docs/style-corpus.md'}).

| prompt format | generations | style as asked | per style (casual / formal / technical / creative) | length as asked | mean words |
|---|---:|---:|---|---:|---:|
${styleRows}

Without any instruction (${evaluation.baseline.count} generations) the judge labels the model's answers
${Object.entries(evaluation.baseline.judgedStyleShares).map(([s, v]) => `${s} ${pct(v)}`).join(', ')}.

## Personalization by adapter alone

For each style, one simulated user's ${p.pairs} preference pairs (plain prompts with no style instruction;
chosen answer in the user's style, rejected in another) train a fresh LoRA (rank ${p.adapter.rank}, α ${p.adapter.alpha},
${p.adapter.targets.join(', ')}) by DPO (β ${p.adapter.dpoBeta}, ${p.adapter.steps} steps of ${p.adapter.batchPairs} pairs, lr ${p.adapter.lr}).
Then ${p.evalPrompts} generations for unseen prompts (held-out topics, no instruction) are judged. The DP-SGD column
trains the same way with Poisson sampling (q = ${p.adapter.batchPairs}/${p.pairs}), per-pair clipping at C = ${p.dp.clipNorm} and
Gaussian noise calibrated by the RDP accountant to ε = ${p.dp.epsilon} at δ = ${p.dp.delta}.

${personalization}

## Samples

${samples}

## Intended use and limits

The default model of a local or test deployment of Attune, and the base that per-user adapters are
trained on in tests and benchmarks. Replace it with a real Llama-family model (any Hugging Face
directory) for production. It knows only the corpus's topics; it has no safety tuning; it follows
the styles it was trained on and nothing else.

_Rendered by \`npm run eval:default\` on ${evaluation.finishedAt} (evaluation took ${evaluation.wallSeconds} s)._
`;
}
