# Inputs. Secrets are `sensitive`; they still end up in the Terraform state (Worker secret
# bindings, Kubernetes Secrets), so keep the state in an encrypted backend with restricted access.

# ---- Cloudflare: account, zone, edge Worker ------------------------------------------------------

variable "cloudflare_api_token" {
  description = "API token (Workers Scripts, Workers KV, Workers R2, Workers Routes, DNS edit for custom domains). null: the provider reads CLOUDFLARE_API_TOKEN."
  type        = string
  default     = null
  sensitive   = true
}

variable "cloudflare_account_id" {
  description = "Cloudflare account id (32 hex characters)."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.cloudflare_account_id))
    error_message = "cloudflare_account_id must be 32 lowercase hex characters."
  }
}

variable "cloudflare_zone_id" {
  description = "Zone holding edge_hostname / edge_route_patterns. Required when either is set."
  type        = string
  default     = null
  validation {
    condition     = var.cloudflare_zone_id != null || (var.edge_hostname == null && length(var.edge_route_patterns) == 0)
    error_message = "cloudflare_zone_id is required with edge_hostname or edge_route_patterns."
  }
}

variable "edge_script_name" {
  description = "Name of the edge Worker script (wrangler.toml `name`)."
  type        = string
  default     = "attune-edge"
}

variable "edge_bundle_path" {
  description = "The bundled edge Worker, built by `npm run build:edge` (wrangler deploy --dry-run --outdir dist/edge). null: <repo>/dist/edge/index.js."
  type        = string
  default     = null
}

variable "edge_compatibility_date" {
  description = "Workers compatibility date; keep it equal to wrangler.toml's."
  type        = string
  default     = "2026-04-01"
}

variable "edge_hostname" {
  description = "Custom domain served by the edge Worker (e.g. api.example.com); Cloudflare creates its DNS record and certificate. null: no custom domain."
  type        = string
  default     = null
}

variable "edge_route_patterns" {
  description = "Workers routes on an existing proxied hostname (e.g. [\"example.com/api/*\"]), as an alternative or in addition to edge_hostname."
  type        = list(string)
  default     = []
}

variable "edge_url" {
  description = "Base URL the GPU workers post completion reports to (EDGE_URL). null: https://<edge_hostname>. Set it when the edge is reached through a route or workers.dev."
  type        = string
  default     = null
  validation {
    condition     = var.edge_url != null || var.edge_hostname != null
    error_message = "Set edge_hostname, or edge_url (the workers' EDGE_URL) when the edge has no custom domain."
  }
  validation {
    condition     = var.edge_url == null || can(regex("^https://[^/]+", var.edge_url))
    error_message = "edge_url must be an https:// URL."
  }
}

variable "kv_namespace_title" {
  description = "Title of the KV namespace bound as ATTUNE_KV."
  type        = string
  default     = "attune-kv"
}

variable "edge_config" {
  description = "Plain-text vars of the edge Worker (wrangler.toml [vars]). ALLOW_HTTP_LOOPBACK_WEBHOOKS is always \"false\" here."
  type = object({
    jwt_issuer            = string
    jwt_audience          = optional(string, "attune-api")
    jwks_url              = optional(string)
    tenant_claim          = optional(string, "tid")
    default_tenant        = optional(string)
    jwt_algorithms        = optional(string)
    jwt_clock_tolerance_s = optional(number)
    max_body_bytes        = optional(number, 1048576)
    webhook_doh_url       = optional(string, "https://cloudflare-dns.com/dns-query")
    model_name            = optional(string, "attune-default")
    chat_timeout_ms       = optional(number, 120000)
    privacy_epsilon_cap   = optional(string, "1.0")
    privacy_delta         = optional(string, "1e-6")
    privacy_period        = optional(string, "month")
    retention_days        = optional(number, 365)
  })
  validation {
    condition     = var.edge_config.jwks_url == null || can(regex("^https://", var.edge_config.jwks_url))
    error_message = "edge_config.jwks_url must be an https:// URL."
  }
  validation {
    condition     = contains(["day", "week", "month"], var.edge_config.privacy_period)
    error_message = "edge_config.privacy_period must be day, week or month."
  }
}

variable "edge_extra_vars" {
  description = "More plain-text vars for the edge (a var added to wrangler.toml before this module learns it); they override edge_config's."
  type        = map(string)
  default     = {}
}

variable "edge_cron_schedules" {
  description = "Cron triggers of the edge Worker (wrangler.toml [triggers] crons: the daily data-retention sweep)."
  type        = list(string)
  default     = ["17 3 * * *"]
}

variable "manage_edge_secrets" {
  description = "true: Terraform sets the edge's secret bindings from the variables below. false: Terraform keeps existing secret_text bindings (set with `wrangler secret put`, see docs/deployment.md) and sets none."
  type        = bool
  default     = true
}

variable "internal_api_secret" {
  description = "INTERNAL_API_SECRET, shared by edge and workers; signs worker → edge completion reports. At least 32 characters (e.g. `openssl rand -hex 32`)."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.internal_api_secret) >= 32
    error_message = "internal_api_secret must be at least 32 characters."
  }
}

variable "storage_pepper" {
  description = "STORAGE_PEPPER: key of the HMAC-SHA256(pepper, tenant:user) storage keys. Never change it after launch (every storage key depends on it). Required when manage_edge_secrets."
  type        = string
  default     = null
  sensitive   = true
  validation {
    condition     = !var.manage_edge_secrets || try(length(var.storage_pepper) >= 32, false)
    error_message = "storage_pepper (at least 32 characters) is required when manage_edge_secrets is true."
  }
}

variable "webhook_master_key" {
  description = "WEBHOOK_MASTER_KEY: derives each tenant's whsec_ webhook signing secret. Required when manage_edge_secrets."
  type        = string
  default     = null
  sensitive   = true
  validation {
    condition     = !var.manage_edge_secrets || try(length(var.webhook_master_key) >= 32, false)
    error_message = "webhook_master_key (at least 32 characters) is required when manage_edge_secrets is true."
  }
}

variable "encryption_key" {
  description = "ENCRYPTION_KEY: key-encryption keys of the per-user data keys, `kid:base64url(32 bytes)`, comma-separated, current first (e.g. `k1:$(openssl rand 32 | basenc --base64url | tr -d =)`). Rotate by prepending a new entry; remove an old one only after re-wrapping. Required when manage_edge_secrets."
  type        = string
  default     = null
  sensitive   = true
  validation {
    condition     = !var.manage_edge_secrets || can(regex("^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43}=?(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43}=?)*$", var.encryption_key))
    error_message = "encryption_key is required when manage_edge_secrets is true: comma-separated kid:base64url entries of 32-byte keys."
  }
}

variable "adapter_encryption_key" {
  description = "ADAPTER_ENCRYPTION_KEY: the workers' keys sealing users' LoRA adapters in Redis (AES-256-GCM), `kid:base64url(32 bytes)`, comma-separated, current first (e.g. `a1:$(openssl rand 32 | basenc --base64url | tr -d =)`). Use a key of its own, not encryption_key. Rotate by prepending a new entry; remove an old one only after every user has saved a version since (versions sealed with it become unreadable, i.e. read as no adapter)."
  type        = string
  sensitive   = true
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43}=?(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43}=?)*$", var.adapter_encryption_key))
    error_message = "adapter_encryption_key must be comma-separated kid:base64url entries of 32-byte keys."
  }
}

variable "edge_extra_secrets" {
  description = "More secret_text bindings for the edge (a secret added to edge/src/env.ts before this module learns it). Used when manage_edge_secrets."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "jwks_inline" {
  description = "JWKS_INLINE: the JWKS itself as JSON, exclusive with edge_config.jwks_url (the edge refuses both or neither)."
  type        = string
  default     = null
  sensitive   = true
  validation {
    condition     = !var.manage_edge_secrets || ((var.jwks_inline == null) != (var.edge_config.jwks_url == null))
    error_message = "Set exactly one of edge_config.jwks_url and jwks_inline."
  }
}

# ---- Kubernetes: cluster access, namespace, GPU workers -----------------------------------------

variable "kubeconfig_path" {
  description = "kubeconfig for the cluster with the GPU node pool. null: the providers read KUBE_CONFIG_PATH."
  type        = string
  default     = null
}

variable "kube_context" {
  description = "kubeconfig context. null: the current context."
  type        = string
  default     = null
}

variable "namespace" {
  description = "Namespace of the workers, their Redis and their KEDA objects."
  type        = string
  default     = "attune"
}

variable "worker_image" {
  description = "GPU worker image built from infra/docker/worker.Dockerfile (REGISTRY/attune-worker:TAG; pin a digest in production)."
  type        = string
}

variable "worker_image_pull_secrets" {
  description = "Names of existing docker-registry Secrets in the namespace, for a private registry."
  type        = list(string)
  default     = []
}

variable "worker_concurrency" {
  description = "WORKER_CONCURRENCY: jobs one pod runs at once (its decode batch). Also the autoscaler's target of queued + running jobs per replica."
  type        = number
  default     = 16
  validation {
    condition     = var.worker_concurrency >= 1 && var.worker_concurrency <= 256 && floor(var.worker_concurrency) == var.worker_concurrency
    error_message = "worker_concurrency must be an integer in 1..256 (the worker's own limit)."
  }
}

variable "worker_execution_providers" {
  description = "ATTUNE_EXECUTION_PROVIDERS. \"cuda\" makes a pod that cannot use its GPU fail at start (visible) instead of serving slowly on CPU; \"cuda,cpu\" falls back."
  type        = string
  default     = "cuda"
  validation {
    condition     = can(regex("^(cuda|cpu)(,(cuda|cpu))*$", var.worker_execution_providers))
    error_message = "worker_execution_providers must be a comma-separated list of cuda and cpu."
  }
}

variable "heartbeat_interval_ms" {
  description = "HEARTBEAT_INTERVAL_MS (100..60000); the edge's /ready wants a beat younger than 30 s."
  type        = number
  default     = 5000
  validation {
    condition     = var.heartbeat_interval_ms >= 100 && var.heartbeat_interval_ms <= 60000
    error_message = "heartbeat_interval_ms must be in 100..60000."
  }
}

variable "drain_timeout_ms" {
  description = "DRAIN_TIMEOUT_MS: on SIGTERM the worker stops fetching and waits this long for running jobs, then hands the rest back to the queue. The pod's grace period is derived from it (locals.tf)."
  type        = number
  default     = 30000
  validation {
    condition     = var.drain_timeout_ms >= 0 && var.drain_timeout_ms <= 3600000
    error_message = "drain_timeout_ms must be in 0..3600000 (an hour; the grace period follows it)."
  }
}

variable "retention_sweep_interval_ms" {
  description = "RETENTION_SWEEP_INTERVAL_MS: how often workers remove finished jobs older than the retention (edge_config.retention_days)."
  type        = number
  default     = 3600000
  validation {
    condition     = var.retention_sweep_interval_ms >= 60000 && var.retention_sweep_interval_ms <= 86400000
    error_message = "retention_sweep_interval_ms must be in 60000..86400000."
  }
}

variable "adapter_versions_kept" {
  description = "ADAPTER_VERSIONS_KEPT: adapter versions kept per user in Redis, for rollback; older ones are deleted on save."
  type        = number
  default     = 3
  validation {
    condition     = var.adapter_versions_kept >= 1 && var.adapter_versions_kept <= 20 && floor(var.adapter_versions_kept) == var.adapter_versions_kept
    error_message = "adapter_versions_kept must be an integer in 1..20."
  }
}

variable "job_timeout_ms" {
  description = "JOB_TIMEOUT_MS: longest a job may run on one worker before it fails."
  type        = number
  default     = 300000
  validation {
    condition     = var.job_timeout_ms >= 1 && var.job_timeout_ms <= 86400000
    error_message = "job_timeout_ms must be in 1..86400000."
  }
}

variable "worker_resources" {
  description = "CPU and memory of a worker pod (the GPU limit is always nvidia.com/gpu: 1)."
  type = object({
    cpu_request    = optional(string, "4")
    memory_request = optional(string, "16Gi")
    memory_limit   = optional(string, "32Gi")
  })
  default = {}
}

variable "gpu_node_selector" {
  description = "Node selector of the GPU pool. The default label is set by NVIDIA GPU feature discovery / the GPU operator; on GKE use {\"cloud.google.com/gke-accelerator\" = \"nvidia-l4\"}, on EKS a node-group label such as {\"eks.amazonaws.com/nodegroup\" = \"gpu\"}."
  type        = map(string)
  default     = { "nvidia.com/gpu.present" = "true" }
}

variable "gpu_tolerations" {
  description = "Tolerations for the GPU pool's taints (GKE, AKS and most GPU node groups taint nvidia.com/gpu)."
  type = list(object({
    key      = string
    operator = optional(string, "Exists")
    value    = optional(string)
    effect   = optional(string, "NoSchedule")
  }))
  default = [{ key = "nvidia.com/gpu", operator = "Exists", effect = "NoSchedule" }]
}

variable "min_replicas" {
  description = "Fewest worker pods. 0 lets KEDA scale to zero when the queue is empty (first job then waits for a GPU node and model load; the edge's /ready reports no worker meanwhile)."
  type        = number
  default     = 1
  validation {
    condition     = var.min_replicas >= 0 && floor(var.min_replicas) == var.min_replicas
    error_message = "min_replicas must be a non-negative integer."
  }
}

variable "max_replicas" {
  description = "Most worker pods (bounded in practice by the GPU pool's size)."
  type        = number
  default     = 8
  validation {
    condition     = var.max_replicas >= 1 && var.max_replicas >= var.min_replicas && floor(var.max_replicas) == var.max_replicas
    error_message = "max_replicas must be an integer >= 1 and >= min_replicas."
  }
}

variable "keda_polling_interval_seconds" {
  description = "How often KEDA reads the queue."
  type        = number
  default     = 15
}

variable "install_keda" {
  description = "Install KEDA with Helm. false when the cluster already runs KEDA (2.13+, for scalingModifiers)."
  type        = bool
  default     = true
}

variable "keda_chart_version" {
  description = "Version of the kedacore/keda Helm chart."
  type        = string
  default     = "2.16.0"
}

variable "keda_namespace" {
  description = "Namespace KEDA runs in (its operator reads Redis; redis.tf's NetworkPolicy admits it)."
  type        = string
  default     = "keda"
}

variable "install_nvidia_device_plugin" {
  description = "Install NVIDIA's device plugin (advertises nvidia.com/gpu). Leave false where the platform or the GPU operator already does (GKE, AKS, EKS GPU AMIs with the add-on)."
  type        = bool
  default     = false
}

variable "nvidia_device_plugin_chart_version" {
  description = "Version of the nvidia-device-plugin Helm chart (https://nvidia.github.io/k8s-device-plugin)."
  type        = string
  default     = "0.17.1"
}

# ---- Redis ----------------------------------------------------------------------------------------

variable "managed_redis" {
  description = "A managed Redis (Redis 6.2+, persistence/AOF on, maxmemory-policy noeviction, TLS, reachable from Cloudflare's network and from the cluster); always reached with rediss://; its password is managed_redis_password. null: run Redis in the cluster (redis.tf)."
  type = object({
    host     = string
    port     = optional(number, 6379)
    username = optional(string)
    db       = optional(number, 0)
  })
  default = null
}

variable "managed_redis_password" {
  description = "Password of managed_redis (URL-encoded into REDIS_URL here; KEDA gets it verbatim)."
  type        = string
  default     = null
  sensitive   = true
  validation {
    condition     = var.managed_redis == null || var.managed_redis_password != null
    error_message = "managed_redis_password is required with managed_redis."
  }
}

variable "redis_password" {
  description = "Password of the in-cluster Redis (used when managed_redis is null): at least 32 characters of [A-Za-z0-9_-], e.g. `openssl rand -hex 32`."
  type        = string
  default     = null
  sensitive   = true
  validation {
    condition     = var.managed_redis != null || can(regex("^[A-Za-z0-9_-]{32,}$", var.redis_password))
    error_message = "redis_password (32+ characters of [A-Za-z0-9_-]) is required when managed_redis is null."
  }
}

variable "redis_image" {
  description = "Image of the in-cluster Redis."
  type        = string
  default     = "redis:7.4-alpine"
}

variable "redis_storage_size" {
  description = "Size of the in-cluster Redis volume (AOF + RDB preamble)."
  type        = string
  default     = "20Gi"
}

variable "redis_storage_class" {
  description = "StorageClass of the Redis volume. null: the cluster's default."
  type        = string
  default     = null
}

variable "redis_memory_limit" {
  description = "Memory limit of the Redis container."
  type        = string
  default     = "4Gi"
}

variable "redis_maxmemory" {
  description = "Redis maxmemory, below redis_memory_limit (writes fail with OOM errors at this size; nothing is evicted, as BullMQ requires)."
  type        = string
  default     = "3gb"
}

variable "redis_tls_secret_name" {
  description = "kubernetes.io/tls Secret (tls.crt, tls.key) in the namespace, e.g. from cert-manager, for redis_public_hostname. Enables Redis's TLS port 6380, which alone is exposed to the edge."
  type        = string
  default     = null
}

variable "redis_public_hostname" {
  description = "DNS name (DNS-only, not proxied) that you point at the Redis LoadBalancer (output redis_public_endpoint); the edge connects to rediss://<it>:6380."
  type        = string
  default     = null
}

variable "manage_redis_dns_record" {
  description = "Create the DNS-only record redis_public_hostname → the Redis LoadBalancer in cloudflare_zone_id (when both are set). false: create it yourself from the output redis_public_endpoint."
  type        = bool
  default     = true
}

variable "redis_restrict_to_cloudflare_ips" {
  description = "Restrict the Redis LoadBalancer to Cloudflare's published IP ranges (loadBalancerSourceRanges; honoured by most cloud load balancers). TLS and the password protect it either way."
  type        = bool
  default     = true
}

variable "redis_edge_url" {
  description = "Override of the REDIS_URL the edge uses with the in-cluster Redis (e.g. through your own TCP proxy). null: rediss://:<password>@<redis_public_hostname>:6380/0."
  type        = string
  default     = null
  sensitive   = true
  validation {
    condition = (
      var.managed_redis != null ||
      var.redis_edge_url != null ||
      (var.redis_public_hostname != null && var.redis_tls_secret_name != null)
    )
    error_message = "With the in-cluster Redis the edge (on Cloudflare's network) must reach it over TLS: set redis_public_hostname and redis_tls_secret_name, or redis_edge_url."
  }
}

# ---- Object storage (R2): cold adapters and model files -------------------------------------------

variable "r2_bucket_name" {
  description = "R2 bucket for model files and cold adapter versions."
  type        = string
  default     = "attune-cold-store"
}

variable "r2_location" {
  description = "R2 location hint (apac, eeur, enam, weur, wnam, oc). null: chosen by Cloudflare."
  type        = string
  default     = null
}

variable "r2_jurisdiction" {
  description = "R2 jurisdiction (\"eu\" or \"fedramp\") for data-residency requirements. null: default."
  type        = string
  default     = null
}

variable "model_source" {
  description = "Where a worker pod's model comes from: \"image\" (baked in at build time) or \"r2\" (an init container syncs s3://<r2_bucket_name>/<model_r2_prefix> into a pod volume)."
  type        = string
  default     = "image"
  validation {
    condition     = contains(["image", "r2"], var.model_source)
    error_message = "model_source must be \"image\" or \"r2\"."
  }
}

variable "model_dir_in_image" {
  description = "ATTUNE_MODEL_DIR when model_source is \"image\" (the Dockerfile's default)."
  type        = string
  default     = "/app/gpu-worker/models/default"
}

variable "model_r2_prefix" {
  description = "Key prefix of the model directory in the bucket (HF layout or compiled)."
  type        = string
  default     = "models/default/"
}

variable "model_volume_size" {
  description = "Size limit of the pod volume the model is synced into (model_source = \"r2\"); the worker also writes its compiled ONNX cache there."
  type        = string
  default     = "50Gi"
}

variable "model_sync_image" {
  description = "Image of the model sync init container (AWS CLI, S3 API against R2)."
  type        = string
  default     = "amazon/aws-cli:2.17.0"
}

variable "r2_access_key_id" {
  description = "R2 S3 API access key id (an R2 API token with Object Read on the bucket). Required when model_source is \"r2\"."
  type        = string
  default     = null
  sensitive   = true
  validation {
    condition     = var.model_source != "r2" || var.r2_access_key_id != null
    error_message = "r2_access_key_id is required when model_source is \"r2\"."
  }
}

variable "r2_secret_access_key" {
  description = "R2 S3 API secret access key. Required when model_source is \"r2\"."
  type        = string
  default     = null
  sensitive   = true
  validation {
    condition     = var.model_source != "r2" || var.r2_secret_access_key != null
    error_message = "r2_secret_access_key is required when model_source is \"r2\"."
  }
}
