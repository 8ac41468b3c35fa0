# Values derived from the variables only (no resource, no data source), so this file plus
# variables.tf can be evaluated without any provider; docs/deployment.md shows how it was checked.

locals {
  labels = {
    "app.kubernetes.io/part-of"    = "attune"
    "app.kubernetes.io/managed-by" = "terraform"
  }
  worker_labels = merge(local.labels, { "app.kubernetes.io/name" = "attune-worker", "app.kubernetes.io/component" = "gpu-worker" })
  redis_labels  = merge(local.labels, { "app.kubernetes.io/name" = "attune-redis", "app.kubernetes.io/component" = "queue" })

  # ---- edge Worker ------------------------------------------------------------------------------
  edge_bundle_path = var.edge_bundle_path != null ? var.edge_bundle_path : "${path.root}/../../dist/edge/index.js"
  edge_url         = var.edge_url != null ? trimsuffix(var.edge_url, "/") : "https://${var.edge_hostname}"

  # wrangler.toml [vars]; optional ones are left out when unset (the edge applies its defaults).
  edge_plain_vars = merge({ for name, value in {
    JWT_ISSUER                   = var.edge_config.jwt_issuer
    JWT_AUDIENCE                 = var.edge_config.jwt_audience
    TENANT_CLAIM                 = var.edge_config.tenant_claim
    JWKS_URL                     = var.edge_config.jwks_url
    MAX_BODY_BYTES               = tostring(var.edge_config.max_body_bytes)
    ALLOW_HTTP_LOOPBACK_WEBHOOKS = "false"
    WEBHOOK_DOH_URL              = var.edge_config.webhook_doh_url
    MODEL_NAME                   = var.edge_config.model_name
    CHAT_TIMEOUT_MS              = tostring(var.edge_config.chat_timeout_ms)
    DEFAULT_TENANT               = var.edge_config.default_tenant
    JWT_ALGORITHMS               = var.edge_config.jwt_algorithms
    JWT_CLOCK_TOLERANCE_S        = var.edge_config.jwt_clock_tolerance_s == null ? null : tostring(var.edge_config.jwt_clock_tolerance_s)
    PRIVACY_EPSILON_CAP          = var.edge_config.privacy_epsilon_cap
    PRIVACY_DELTA                = var.edge_config.privacy_delta
    PRIVACY_PERIOD               = var.edge_config.privacy_period
    RETENTION_DAYS               = tostring(var.edge_config.retention_days)
  } : name => value if value != null }, var.edge_extra_vars)

  edge_plain_bindings = [for name in sort(keys(local.edge_plain_vars)) : {
    type = "plain_text"
    name = name
    text = local.edge_plain_vars[name]
  }]

  # Names of the secret bindings (edge/src/env.ts EdgeSecrets); values are set in edge.tf.
  edge_secret_names = concat(
    ["ENCRYPTION_KEY", "INTERNAL_API_SECRET", "REDIS_URL", "STORAGE_PEPPER", "WEBHOOK_MASTER_KEY"],
    nonsensitive(var.jwks_inline != null) ? ["JWKS_INLINE"] : [],
    sort(nonsensitive(keys(var.edge_extra_secrets))),
  )

  # Durable Objects: classes exported by the bundle and their migration (wrangler.toml [[migrations]]).
  edge_durable_objects = {
    USER_STATE          = "UserState"
    WEBHOOK_DELIVERY    = "WebhookDelivery"
    POPULATION_CLUSTERS = "PopulationClusters"
  }
  edge_do_migration = {
    new_tag            = "v1"
    new_sqlite_classes = ["UserState", "WebhookDelivery", "PopulationClusters"]
  }

  # ---- Redis --------------------------------------------------------------------------------------
  in_cluster_redis   = var.managed_redis == null
  redis_service_name = "attune-redis"
  redis_service_host = "${local.redis_service_name}.${var.namespace}.svc.cluster.local"
  redis_tls_enabled  = local.in_cluster_redis && var.redis_tls_secret_name != null

  managed_redis_userinfo = local.in_cluster_redis ? null : (
    var.managed_redis.username != null
    ? "${urlencode(var.managed_redis.username)}:${urlencode(var.managed_redis_password)}"
    : ":${urlencode(var.managed_redis_password)}"
  )

  # REDIS_URL of the workers (inside the cluster) and of the edge (over the internet, always TLS).
  worker_redis_url = (local.in_cluster_redis
    ? "redis://:${var.redis_password}@${local.redis_service_host}:6379/0"
    : "rediss://${local.managed_redis_userinfo}@${var.managed_redis.host}:${var.managed_redis.port}/${var.managed_redis.db}"
  )
  edge_redis_url = (local.in_cluster_redis
    ? (var.redis_edge_url != null ? var.redis_edge_url : "rediss://:${var.redis_password}@${coalesce(var.redis_public_hostname, "unset")}:6380/0")
    : local.worker_redis_url
  )
  # Port the workers dial; their readiness probe looks for an established connection to it.
  worker_redis_port = local.in_cluster_redis ? 6379 : var.managed_redis.port

  # KEDA's redis scaler takes host:port, username, password and a TLS switch, not a URL.
  keda_redis_address  = local.in_cluster_redis ? "${local.redis_service_host}:6379" : "${var.managed_redis.host}:${var.managed_redis.port}"
  keda_redis_username = local.in_cluster_redis ? null : var.managed_redis.username
  keda_redis_password = local.in_cluster_redis ? var.redis_password : var.managed_redis_password
  keda_redis_tls      = !local.in_cluster_redis
  keda_redis_db       = local.in_cluster_redis ? 0 : var.managed_redis.db

  # ---- queue keys (shared/jobs/generate-job.ts: queue "generate", prefix "{attune}") ------------
  # BullMQ 6 keeps a queue's jobs under <prefix>:<queue>:<state>: waiting job ids in the LIST
  # `wait` (also while the queue is paused), jobs added with a priority in the ZSET `prioritized`,
  # and running jobs in the LIST `active`. KEDA's redis scaler counts LLEN or ZCARD by key type.
  queue_key_prefix = "{attune}:generate"
  queue_keys = {
    waiting     = "${local.queue_key_prefix}:wait"
    prioritized = "${local.queue_key_prefix}:prioritized"
    active      = "${local.queue_key_prefix}:active"
  }

  # ---- GPU workers --------------------------------------------------------------------------------
  # SIGTERM → stop fetching → wait up to DRAIN_TIMEOUT_MS → hand running jobs back (start-worker.ts
  # allows 10 s) → flush completion reports and close connections. The kubelet's SIGKILL must come
  # after all of that: drain + 10 s hand-back + 20 s for the rest.
  termination_grace_period_seconds = ceil(var.drain_timeout_ms / 1000) + 30

  worker_model_dir = var.model_source == "r2" ? "/models/current" : var.model_dir_in_image

  worker_env = {
    ATTUNE_MODEL_DIR            = local.worker_model_dir
    EDGE_URL                    = local.edge_url
    WORKER_CONCURRENCY          = tostring(var.worker_concurrency)
    ATTUNE_EXECUTION_PROVIDERS  = var.worker_execution_providers
    HEARTBEAT_INTERVAL_MS       = tostring(var.heartbeat_interval_ms)
    DRAIN_TIMEOUT_MS            = tostring(var.drain_timeout_ms)
    JOB_TIMEOUT_MS              = tostring(var.job_timeout_ms)
    RETENTION_DAYS              = tostring(var.edge_config.retention_days)
    RETENTION_SWEEP_INTERVAL_MS = tostring(var.retention_sweep_interval_ms)
    REDIS_PORT                  = tostring(local.worker_redis_port)
    ADAPTER_VERSIONS_KEPT       = tostring(var.adapter_versions_kept)
  }

  # ---- R2 ---------------------------------------------------------------------------------------
  r2_s3_endpoint = "https://${var.cloudflare_account_id}.${var.r2_jurisdiction != null ? "${var.r2_jurisdiction}." : ""}r2.cloudflarestorage.com"

  # ---- KEDA -------------------------------------------------------------------------------------
  keda_trigger_auth_name = "attune-redis"

  keda_trigger_authentication = {
    apiVersion = "keda.sh/v1alpha1"
    kind       = "TriggerAuthentication"
    metadata = {
      name      = local.keda_trigger_auth_name
      namespace = var.namespace
      labels    = local.labels
    }
    spec = {
      secretTargetRef = concat(
        [
          { parameter = "address", name = "attune-keda-redis", key = "address" },
          { parameter = "password", name = "attune-keda-redis", key = "password" },
        ],
        local.keda_redis_username != null ? [{ parameter = "username", name = "attune-keda-redis", key = "username" }] : [],
      )
    }
  }

  # One trigger per key, summed by scalingModifiers into "jobs queued or running", with the
  # target WORKER_CONCURRENCY per replica: desired replicas = ceil((waiting + prioritized + active)
  # / concurrency). Counting `active` keeps busy pods from being scaled away while the wait list
  # is short, and scales out as soon as the queued jobs exceed what running pods can take.
  keda_scaled_object = {
    apiVersion = "keda.sh/v1alpha1"
    kind       = "ScaledObject"
    metadata = {
      name      = "attune-worker"
      namespace = var.namespace
      labels    = local.labels
    }
    spec = {
      scaleTargetRef = {
        apiVersion = "apps/v1"
        kind       = "Deployment"
        name       = "attune-worker"
      }
      pollingInterval = var.keda_polling_interval_seconds
      cooldownPeriod  = 300
      minReplicaCount = var.min_replicas
      maxReplicaCount = var.max_replicas
      advanced = {
        horizontalPodAutoscalerConfig = {
          behavior = {
            # GPU nodes take minutes to arrive: ask for them at once.
            scaleUp = {
              stabilizationWindowSeconds = 0
              policies                   = [{ type = "Pods", value = 4, periodSeconds = 60 }]
            }
            # Each removed pod drains (up to DRAIN_TIMEOUT_MS) and its GPU node may go away: go slowly.
            scaleDown = {
              stabilizationWindowSeconds = 300
              policies                   = [{ type = "Pods", value = 1, periodSeconds = 120 }]
            }
          }
        }
        scalingModifiers = {
          formula          = "waiting + prioritized + active"
          target           = tostring(var.worker_concurrency)
          activationTarget = "0"
          metricType       = "AverageValue"
        }
      }
      triggers = [for name in ["waiting", "prioritized", "active"] : {
        type = "redis"
        name = name
        metadata = {
          listName      = local.queue_keys[name]
          listLength    = tostring(var.worker_concurrency)
          databaseIndex = tostring(local.keda_redis_db)
          enableTLS     = tostring(local.keda_redis_tls)
        }
        authenticationRef = { name = local.keda_trigger_auth_name }
      }]
    }
  }
}
