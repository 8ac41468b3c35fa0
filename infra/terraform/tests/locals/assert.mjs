// Assertions on the values run.sh computed from variables.tf + locals.tf.
import { readFileSync } from 'node:fs';
import { strict as assert } from 'node:assert';

const dir = process.argv[2];
const out = (c) => Object.fromEntries(Object.entries(JSON.parse(readFileSync(`${dir}/${c}.json`, 'utf8'))).map(([k, v]) => [k, v.value]));
const keys = { waiting: '{attune}:generate:wait', prioritized: '{attune}:generate:prioritized', active: '{attune}:generate:active' };

function scaledObject(o, concurrency, tls) {
  const so = o.keda_scaled_object;
  assert.equal(so.spec.scaleTargetRef.name, 'attune-worker');
  assert.deepEqual(so.spec.advanced.scalingModifiers, { formula: 'waiting + prioritized + active', target: String(concurrency), activationTarget: '0', metricType: 'AverageValue' });
  assert.deepEqual(so.spec.triggers.map((t) => [t.name, t.metadata.listName, t.metadata.listLength, t.metadata.enableTLS]),
    Object.entries(keys).map(([n, k]) => [n, k, String(concurrency), String(tls)]));
}

const a = out('in-cluster');
assert.equal(a.edge_url, 'https://api.example.com');
assert.equal(a.worker_redis_url, 'redis://:a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2@attune-redis.attune.svc.cluster.local:6379/0');
assert.equal(a.edge_redis_url, 'rediss://:a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2@redis.example.com:6380/0');
assert.equal(a.keda_redis_address, 'attune-redis.attune.svc.cluster.local:6379');
assert.equal(a.termination_grace_period_seconds, 76); // ceil(45.5) + 30
assert.ok(a.termination_grace_period_seconds * 1000 > 45500 + 10000, 'grace period covers drain + hand-back');
assert.equal(a.in_cluster_redis_count, 1);
assert.deepEqual(a.edge_secret_names, ['ENCRYPTION_KEY', 'INTERNAL_API_SECRET', 'REDIS_URL', 'STORAGE_PEPPER', 'WEBHOOK_MASTER_KEY']);
assert.equal(a.edge_plain_vars.ALLOW_HTTP_LOOPBACK_WEBHOOKS, 'false');
assert.equal(a.edge_plain_vars.JWKS_URL, 'https://auth.example.com/.well-known/jwks.json');
assert.equal(a.edge_plain_vars.RETENTION_DAYS, '365');
assert.equal(a.edge_plain_vars.PRIVACY_PERIOD, 'month');
assert.ok(!('DEFAULT_TENANT' in a.edge_plain_vars), 'unset optional vars are left out');
assert.equal(a.worker_env.REDIS_PORT, '6379');
assert.equal(a.worker_env.DRAIN_TIMEOUT_MS, '45500');
assert.equal(a.worker_env.ATTUNE_MODEL_DIR, '/app/gpu-worker/models/default');
assert.equal(a.r2_s3_endpoint, 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com');
assert.deepEqual(a.keda_trigger_authentication.spec.secretTargetRef.map((r) => r.parameter), ['address', 'password']);
scaledObject(a, 16, false);
const bindingsOf = (o) => o.edge_bindings.map((x) => `${x.type}:${x.name}`);
assert.deepEqual(bindingsOf(a).filter((x) => !x.startsWith('plain_text:')), [
  'secret_text:ENCRYPTION_KEY', 'secret_text:INTERNAL_API_SECRET', 'secret_text:REDIS_URL', 'secret_text:STORAGE_PEPPER',
  'secret_text:WEBHOOK_MASTER_KEY', 'kv_namespace:ATTUNE_KV', 'durable_object_namespace:USER_STATE', 'durable_object_namespace:WEBHOOK_DELIVERY',
]);
assert.equal(bindingsOf(a).filter((x) => x.startsWith('plain_text:')).length, Object.keys(a.edge_plain_vars).length);
assert.ok(a.edge_bindings.every((x) => (x.type === 'plain_text' || x.type === 'secret_text') === x.text_set));
assert.equal(a.edge_bindings.find((x) => x.name === 'ATTUNE_KV').namespace_id, '0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f');
assert.equal(a.edge_bindings.find((x) => x.name === 'USER_STATE').class_name, 'UserState');
assert.equal(a.edge_bindings.find((x) => x.name === 'WEBHOOK_DELIVERY').class_name, 'WebhookDelivery');
console.log(`ok   in-cluster values (${a.edge_bindings.length} Worker bindings)`);

const b = out('managed');
assert.equal(b.edge_url, 'https://attune-edge.example.workers.dev');
assert.equal(b.worker_redis_url, 'rediss://attune:p%40ss%2Fword%3Awith%23chars@redis-123.example.net:16379/0');
assert.equal(b.edge_redis_url, b.worker_redis_url);
assert.equal(b.keda_redis_address, 'redis-123.example.net:16379');
assert.equal(b.termination_grace_period_seconds, 60);
assert.equal(b.in_cluster_redis_count, 0);
assert.deepEqual(b.edge_secret_names, ['ENCRYPTION_KEY', 'INTERNAL_API_SECRET', 'REDIS_URL', 'STORAGE_PEPPER', 'WEBHOOK_MASTER_KEY', 'JWKS_INLINE', 'NEW_SECRET']);
assert.equal(b.edge_plain_vars.NEW_FLAG, 'on');
assert.equal(b.edge_plain_vars.DEFAULT_TENANT, 'acme');
assert.equal(b.edge_plain_vars.JWT_CLOCK_TOLERANCE_S, '5');
assert.equal(b.edge_plain_vars.PRIVACY_PERIOD, 'week');
assert.ok(!('JWKS_URL' in b.edge_plain_vars), 'JWKS_URL left out when JWKS_INLINE is used');
assert.equal(b.worker_env.REDIS_PORT, '16379');
assert.equal(b.worker_env.WORKER_CONCURRENCY, '32');
assert.equal(b.worker_env.ATTUNE_MODEL_DIR, '/models/current');
assert.equal(b.r2_s3_endpoint, 'https://0123456789abcdef0123456789abcdef.eu.r2.cloudflarestorage.com');
assert.deepEqual(b.keda_trigger_authentication.spec.secretTargetRef.map((r) => r.parameter), ['address', 'password', 'username']);
scaledObject(b, 32, true);
assert.ok(bindingsOf(b).includes('secret_text:JWKS_INLINE') && bindingsOf(b).includes('secret_text:NEW_SECRET') && bindingsOf(b).includes('plain_text:NEW_FLAG'));
console.log(`ok   managed values (${b.edge_bindings.length} Worker bindings)`);

const c = out('unmanaged-secrets');
assert.ok(!c.edge_bindings.some((x) => x.type === 'secret_text'), 'no secret bindings when manage_edge_secrets is false');
assert.equal(c.edge_url, 'https://example.com/api');
assert.equal(c.edge_redis_url, 'rediss://:a1b2c3@tcp-proxy.example.com:16380/0');
assert.equal(c.keda_scaled_object.spec.minReplicaCount, 0);
console.log(`ok   unmanaged-secrets values (${c.edge_bindings.length} Worker bindings, none secret)`);
