# The edge: KV namespace, the Worker script (the bundle from `npm run build:edge`) with its vars,
# secrets, KV and Durable Object bindings and the DO migration, and how requests reach it.
# wrangler.toml stays the source of truth for bindings; keep the two in step.

resource "cloudflare_workers_kv_namespace" "attune" {
  account_id = var.cloudflare_account_id
  title      = var.kv_namespace_title
}

locals {
  edge_secret_values = merge({
    ENCRYPTION_KEY      = var.encryption_key
    INTERNAL_API_SECRET = var.internal_api_secret
    REDIS_URL           = local.edge_redis_url
    STORAGE_PEPPER      = var.storage_pepper
    WEBHOOK_MASTER_KEY  = var.webhook_master_key
    JWKS_INLINE         = var.jwks_inline
  }, var.edge_extra_secrets)

  edge_bindings = concat(
    local.edge_plain_bindings,
    var.manage_edge_secrets ? [for name in local.edge_secret_names : {
      type = "secret_text"
      name = name
      text = local.edge_secret_values[name]
    }] : [],
    [{
      type         = "kv_namespace"
      name         = "ATTUNE_KV"
      namespace_id = cloudflare_workers_kv_namespace.attune.id
    }],
    [for binding, class in local.edge_durable_objects : {
      type       = "durable_object_namespace"
      name       = binding
      class_name = class
    }],
  )
}

resource "cloudflare_workers_script" "edge" {
  account_id  = var.cloudflare_account_id
  script_name = var.edge_script_name

  # One ES module; the DO classes UserState and WebhookDelivery are exported from it.
  content_file   = local.edge_bundle_path
  content_sha256 = filesha256(local.edge_bundle_path)
  main_module    = "index.js"

  compatibility_date  = var.edge_compatibility_date
  compatibility_flags = ["nodejs_compat"]

  bindings = local.edge_bindings
  # With manage_edge_secrets = false the secrets are set out of band (`wrangler secret put`) and
  # must survive each upload of the script.
  keep_bindings = var.manage_edge_secrets ? null : ["secret_text"]

  # wrangler.toml [[migrations]] tag v1. A later migration (new class, rename, delete) is a new
  # object here: old_tag = "v1", new_tag = "v2", plus the change.
  migrations = local.edge_do_migration

  observability = {
    enabled = true
  }
}

# wrangler.toml [triggers] crons: the scheduled handler runs the data-retention sweep.
resource "cloudflare_workers_cron_trigger" "edge" {
  count = length(var.edge_cron_schedules) > 0 ? 1 : 0

  account_id  = var.cloudflare_account_id
  script_name = cloudflare_workers_script.edge.script_name
  schedules   = [for cron in var.edge_cron_schedules : { cron = cron }]
}

# Custom domain: Cloudflare creates the proxied DNS record and the certificate.
resource "cloudflare_workers_custom_domain" "edge" {
  count = var.edge_hostname != null ? 1 : 0

  account_id = var.cloudflare_account_id
  zone_id    = var.cloudflare_zone_id
  hostname   = var.edge_hostname
  service    = cloudflare_workers_script.edge.script_name
}

# Routes on hostnames that already exist in the zone (proxied).
resource "cloudflare_workers_route" "edge" {
  for_each = toset(var.edge_route_patterns)

  zone_id = var.cloudflare_zone_id
  pattern = each.value
  script  = cloudflare_workers_script.edge.script_name
}
