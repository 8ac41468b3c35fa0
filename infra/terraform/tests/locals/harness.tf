# Copied with variables.tf and locals.tf into a scratch directory by run.sh: evaluates them with Terraform's builtin
# provider only (no Cloudflare/Kubernetes/Helm provider is needed, or downloaded).
resource "terraform_data" "in_cluster_redis_only" {
  count = local.in_cluster_redis ? 1 : 0
}

output "edge_url" { value = local.edge_url }
output "edge_plain_vars" { value = local.edge_plain_vars }
output "edge_secret_names" { value = local.edge_secret_names }
output "worker_redis_url" {
  value     = local.worker_redis_url
  sensitive = true
}
output "edge_redis_url" {
  value     = local.edge_redis_url
  sensitive = true
}
output "keda_redis_address" { value = local.keda_redis_address }
output "termination_grace_period_seconds" { value = local.termination_grace_period_seconds }
output "worker_env" { value = local.worker_env }
output "r2_s3_endpoint" { value = local.r2_s3_endpoint }
output "keda_scaled_object" { value = local.keda_scaled_object }
output "keda_trigger_authentication" { value = local.keda_trigger_authentication }
output "in_cluster_redis_count" { value = length(terraform_data.in_cluster_redis_only) }

module "bindings_probe" {
  source   = "./probe"
  bindings = local.edge_bindings
}

output "edge_bindings" {
  value     = module.bindings_probe.summary
  sensitive = true
}
