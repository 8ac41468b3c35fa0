output "kv_namespace_id" {
  description = "Id of the ATTUNE_KV namespace (wrangler.toml [[kv_namespaces]] id, if you also deploy with wrangler)."
  value       = cloudflare_workers_kv_namespace.attune.id
}

output "edge_script_name" {
  description = "The edge Worker script."
  value       = cloudflare_workers_script.edge.script_name
}

output "edge_url" {
  description = "Base URL of the edge, as given to the workers (EDGE_URL)."
  value       = local.edge_url
}

output "r2_bucket_name" {
  description = "R2 bucket for model files and cold adapters."
  value       = cloudflare_r2_bucket.cold_store.name
}

output "r2_s3_endpoint" {
  description = "S3 API endpoint of the bucket (aws s3 --endpoint-url ..., region \"auto\")."
  value       = local.r2_s3_endpoint
}

output "namespace" {
  description = "Namespace of the workers."
  value       = kubernetes_namespace_v1.attune.metadata[0].name
}

output "redis_mode" {
  description = "\"in-cluster\" or \"managed\"."
  value       = local.in_cluster_redis ? "in-cluster" : "managed"
}

output "redis_cluster_address" {
  description = "host:port the workers and KEDA use."
  value       = local.keda_redis_address
}

output "redis_public_endpoint" {
  description = "Address of the Redis LoadBalancer (TLS port 6380) that redis_public_hostname must resolve to (DNS-only record; created here when manage_redis_dns_record). null without in-cluster TLS."
  value       = local.redis_lb_address
}

output "autoscaling" {
  description = "What KEDA scales on."
  value = {
    scaled_object     = "${var.namespace}/attune-worker"
    formula           = local.keda_scaled_object.spec.advanced.scalingModifiers.formula
    target_per_worker = var.worker_concurrency
    keys              = local.queue_keys
    min_replicas      = var.min_replicas
    max_replicas      = var.max_replicas
  }
}

output "worker_termination_grace_period_seconds" {
  description = "Grace period of a worker pod (DRAIN_TIMEOUT_MS + hand-back + margin)."
  value       = local.termination_grace_period_seconds
}
