#!/usr/bin/env node
/**
 * @module infra/check-deploy-config
 * Checks that the deployment configuration still matches the code it deploys, offline and
 * without Terraform providers or a cluster: wrangler.toml and edge/src/env.ts against
 * infra/terraform (vars, secrets, KV, Durable Objects, migrations, crons, compatibility), the
 * worker's environment (gpu-worker/src/worker/config.ts) against infra/terraform and infra/k8s,
 * the BullMQ queue name and prefix (shared/jobs/generate-job.ts) against the KEDA keys, and the
 * built edge bundle's Durable Object exports. Prints each finding; exits 1 if any.
 *
 * @example
 * node infra/check-deploy-config.mjs
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path) => readFileSync(join(root, path), 'utf8');
const problems = [];
const checked = [];
const expectSubset = (what, needed, present) => {
  const missing = [...needed].filter((n) => !present.has(n));
  if (missing.length) problems.push(`${what}: missing ${missing.join(', ')}`);
  else checked.push(`${what} (${[...needed].length})`);
};
const expectEqual = (what, a, b) => {
  if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${what}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
  else checked.push(what);
};

/** The TOML subset wrangler.toml uses: tables, arrays of tables, strings, string arrays, booleans. */
function parseToml(text) {
  const doc = {};
  let table = doc;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    let m;
    if ((m = /^\[\[([\w.]+)\]\]$/.exec(line))) {
      const path = m[1].split('.');
      let parent = doc;
      for (const part of path.slice(0, -1)) parent = parent[part] ??= {};
      (parent[path.at(-1)] ??= []).push((table = {}));
    } else if ((m = /^\[([\w.]+)\]$/.exec(line))) {
      table = doc;
      for (const part of m[1].split('.')) table = table[part] ??= {};
    } else if ((m = /^([\w-]+)\s*=\s*(.+)$/.exec(line))) {
      table[m[1]] = JSON.parse(m[2]);
    }
  }
  return doc;
}

/** The text of `name = ...` up to its balanced closing bracket, in an HCL file. */
function hclBlock(text, startPattern) {
  const start = text.search(startPattern);
  if (start < 0) throw new Error(`${startPattern} not found`);
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  throw new Error(`${startPattern} is not closed`);
}

const wrangler = parseToml(read('wrangler.toml'));
const locals = read('infra/terraform/locals.tf');
const variables = read('infra/terraform/variables.tf');
const edgeTf = read('infra/terraform/edge.tf');
const workersTf = read('infra/terraform/workers.tf');

// ---- edge: vars and secrets ----------------------------------------------------------------------
const tfPlain = new Set([...hclBlock(locals, /edge_plain_vars\s*=/).matchAll(/^\s+([A-Z][A-Z0-9_]*)\s+=/gm)].map((m) => m[1]));
const tfSecrets = new Set([...hclBlock(edgeTf, /edge_secret_values\s*=/).matchAll(/^\s+([A-Z][A-Z0-9_]*)\s+=/gm)].map((m) => m[1]));
expectSubset('wrangler.toml [vars] in infra/terraform edge_plain_vars', Object.keys(wrangler.vars ?? {}), tfPlain);

const envTs = read('edge/src/env.ts');
const secretsBlock = /interface EdgeSecrets \{([\s\S]*?)\n\}/.exec(envTs)?.[1] ?? '';
const secretFields = [...secretsBlock.matchAll(/^\s+([A-Z][A-Z0-9_]*)(\??):/gm)];
expectSubset('edge/src/env.ts required EdgeSecrets in infra/terraform secrets', secretFields.filter((m) => !m[2]).map((m) => m[1]), tfSecrets);
expectSubset(
  'edge/src/env.ts optional EdgeSecrets settable from infra/terraform',
  secretFields.filter((m) => m[2]).map((m) => m[1]),
  new Set([...tfPlain, ...tfSecrets]),
);
const secretNamesList = hclBlock(locals, /edge_secret_names\s*=/);
expectSubset('infra/terraform edge_secret_names has a value for each', [...secretNamesList.matchAll(/"([A-Z][A-Z0-9_]*)"/g)].map((m) => m[1]), tfSecrets);

// ---- edge: bindings, migrations, triggers, compatibility ---------------------------------------
const kv = (wrangler.kv_namespaces ?? []).map((n) => n.binding);
expectEqual('KV bindings', kv, [...edgeTf.matchAll(/type\s*=\s*"kv_namespace"\s*\n\s*name\s*=\s*"(\w+)"/g)].map((m) => m[1]));
const doWrangler = Object.fromEntries((wrangler.durable_objects?.bindings ?? []).map((b) => [b.name, b.class_name]));
const doTf = Object.fromEntries([...hclBlock(locals, /edge_durable_objects\s*=/).matchAll(/^\s+(\w+)\s+=\s+"(\w+)"/gm)].map((m) => [m[1], m[2]]));
expectEqual('Durable Object bindings', doWrangler, doTf);
const migrations = wrangler.migrations ?? [];
const migTf = hclBlock(locals, /edge_do_migration\s*=/);
expectEqual('latest migration tag', migrations.at(-1)?.tag, /new_tag\s*=\s*"([^"]+)"/.exec(migTf)?.[1]);
expectEqual(
  'SQLite DO classes created by migrations',
  migrations.flatMap((m) => m.new_sqlite_classes ?? []).sort(),
  [...(/new_sqlite_classes\s*=\s*\[([^\]]*)\]/.exec(migTf)?.[1] ?? '').matchAll(/"(\w+)"/g)].map((m) => m[1]).sort(),
);
if (migrations.length > 1) problems.push('wrangler.toml has several [[migrations]]: infra/terraform/locals.tf edge_do_migration sends one step; add old_tag/new_tag for the new one');
const cronBlock = hclBlock(variables, /variable "edge_cron_schedules"/);
expectEqual('cron triggers', wrangler.triggers?.crons ?? [], [.../default\s*=\s*\[([^\]]*)\]/.exec(cronBlock)[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]));
expectEqual('compatibility_date', wrangler.compatibility_date, /default\s*=\s*"([^"]+)"/.exec(hclBlock(variables, /variable "edge_compatibility_date"/))?.[1]);
expectEqual('compatibility_flags', wrangler.compatibility_flags ?? [], [.../compatibility_flags\s*=\s*\[([^\]]*)\]/.exec(edgeTf)[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]));

const bundle = join(root, 'dist/edge/index.js');
if (existsSync(bundle)) {
  const exported = /export\s*\{([^}]*)\}\s*;?\s*(\/\/#.*)?\s*$/.exec(readFileSync(bundle, 'utf8'))?.[1] ?? '';
  const names = new Set(exported.split(',').map((s) => s.trim().split(/\s+as\s+/).at(-1)));
  expectSubset('dist/edge/index.js exports the DO classes and default', [...Object.values(doWrangler), 'default'], names);
} else {
  checked.push('dist/edge/index.js not built (npm run build:edge): bundle exports not checked');
}

// ---- workers: environment -------------------------------------------------------------------------
const configTs = read('gpu-worker/src/worker/config.ts');
const workerVars = new Set([...configTs.matchAll(/\(env, '([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]));
const tfWorkerEnv = new Set([
  ...[...hclBlock(locals, /worker_env\s*=/).matchAll(/^\s+([A-Z][A-Z0-9_]*)\s+=/gm)].map((m) => m[1]),
  ...[...workersTf.matchAll(/name\s*=\s*"([A-Z][A-Z0-9_]*)"/g)].map((m) => m[1]),
]);
expectSubset('worker env (config.ts) set by infra/terraform', workerVars, tfWorkerEnv);
const kustomization = read('infra/k8s/base/kustomization.yaml');
const deployment = read('infra/k8s/base/worker-deployment.yaml');
const k8sEnv = new Set([
  ...[...kustomization.matchAll(/^\s+- ([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]),
  ...[...deployment.matchAll(/- name: ([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]),
  'REDIS_URL', // Secret attune-worker, envFrom
  'INTERNAL_API_SECRET',
]);
if (!/secretRef:\s*\n\s*name: attune-worker/.test(deployment)) problems.push('infra/k8s/base/worker-deployment.yaml: envFrom secretRef attune-worker missing');
expectSubset('worker env (config.ts) set by infra/k8s', workerVars, k8sEnv);

// ---- queue keys seen by KEDA ------------------------------------------------------------------------
const jobTs = read('shared/jobs/generate-job.ts');
const queue = /GENERATE_QUEUE = '([^']+)'/.exec(jobTs)?.[1];
const prefix = /QUEUE_PREFIX = '([^']+)'/.exec(jobTs)?.[1];
const expectedKeys = ['wait', 'prioritized', 'active'].map((state) => `${prefix}:${queue}:${state}`);
expectEqual('KEDA key prefix in infra/terraform', `${prefix}:${queue}`, /queue_key_prefix\s*=\s*"([^"]+)"/.exec(locals)?.[1]);
const scaledObjectYaml = read('infra/k8s/base/keda-scaledobject.yaml');
expectEqual('KEDA keys in infra/k8s', expectedKeys, [...scaledObjectYaml.matchAll(/listName: "([^"]+)"/g)].map((m) => m[1]));

for (const c of checked) console.log(`ok   ${c}`);
for (const p of problems) console.log(`FAIL ${p}`);
process.exit(problems.length ? 1 : 0);
