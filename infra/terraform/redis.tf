# In-cluster Redis, used when managed_redis is null: one primary (design §2) with AOF on a
# persistent volume. Workers and KEDA use the plain port 6379 inside the cluster; the edge, on
# Cloudflare's network, reaches the TLS port 6380 through a LoadBalancer.

locals {
  redis_conf = join("\n", compact([
    "# Rendered by infra/terraform/redis.tf",
    "dir /data",
    "port 6379",
    # Durability: every write is appended to the AOF and fsynced each second (at most ~1 s of
    # acknowledged writes lost on a crash); the RDB preamble keeps rewrites and restarts fast.
    "appendonly yes",
    "appendfsync everysec",
    "aof-use-rdb-preamble yes",
    "auto-aof-rewrite-percentage 100",
    "auto-aof-rewrite-min-size 64mb",
    # BullMQ needs every key kept: fail writes at maxmemory instead of evicting job data.
    "maxmemory ${var.redis_maxmemory}",
    "maxmemory-policy noeviction",
    "tcp-keepalive 60",
    local.redis_tls_enabled ? "tls-port 6380" : "",
    local.redis_tls_enabled ? "tls-cert-file /tls/tls.crt" : "",
    local.redis_tls_enabled ? "tls-key-file /tls/tls.key" : "",
    # Clients authenticate with the password; no client certificates.
    local.redis_tls_enabled ? "tls-auth-clients no" : "",
  ]))
}

resource "kubernetes_secret_v1" "redis" {
  count = local.in_cluster_redis ? 1 : 0

  metadata {
    name      = "attune-redis"
    namespace = kubernetes_namespace_v1.attune.metadata[0].name
    labels    = local.redis_labels
  }
  data = {
    password = var.redis_password
  }
}

resource "kubernetes_config_map_v1" "redis" {
  count = local.in_cluster_redis ? 1 : 0

  metadata {
    name      = "attune-redis"
    namespace = kubernetes_namespace_v1.attune.metadata[0].name
    labels    = local.redis_labels
  }
  data = {
    "redis.conf" = local.redis_conf
  }
}

resource "kubernetes_service_v1" "redis" {
  count = local.in_cluster_redis ? 1 : 0

  metadata {
    name      = local.redis_service_name
    namespace = kubernetes_namespace_v1.attune.metadata[0].name
    labels    = local.redis_labels
  }
  spec {
    selector = { "app.kubernetes.io/name" = "attune-redis" }
    port {
      name        = "redis"
      port        = 6379
      target_port = "redis"
    }
  }
}

resource "kubernetes_stateful_set_v1" "redis" {
  count = local.in_cluster_redis ? 1 : 0

  metadata {
    name      = "attune-redis"
    namespace = kubernetes_namespace_v1.attune.metadata[0].name
    labels    = local.redis_labels
  }

  wait_for_rollout = false

  spec {
    service_name = kubernetes_service_v1.redis[0].metadata[0].name
    replicas     = 1

    selector {
      match_labels = { "app.kubernetes.io/name" = "attune-redis" }
    }

    template {
      metadata {
        labels = local.redis_labels
        annotations = {
          "checksum/config" = sha256(local.redis_conf)
        }
      }

      spec {
        # Let Redis finish the AOF fsync and exit cleanly on SIGTERM.
        termination_grace_period_seconds = 60
        automount_service_account_token  = false

        security_context {
          run_as_non_root = true
          run_as_user     = 999
          run_as_group    = 999
          fs_group        = 999
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }

        container {
          name  = "redis"
          image = var.redis_image
          # $(REDIS_PASSWORD) is expanded by Kubernetes from the env below.
          args = ["/etc/redis/redis.conf", "--requirepass", "$(REDIS_PASSWORD)"]

          env {
            name = "REDIS_PASSWORD"
            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.redis[0].metadata[0].name
                key  = "password"
              }
            }
          }
          # Read by redis-cli in the probes (no password on the command line).
          env {
            name  = "REDISCLI_AUTH"
            value = "$(REDIS_PASSWORD)"
          }

          port {
            name           = "redis"
            container_port = 6379
          }
          dynamic "port" {
            for_each = local.redis_tls_enabled ? [1] : []
            content {
              name           = "redis-tls"
              container_port = 6380
            }
          }

          resources {
            requests = {
              cpu    = "500m"
              memory = var.redis_memory_limit
            }
            limits = {
              memory = var.redis_memory_limit
            }
          }

          readiness_probe {
            exec {
              command = ["redis-cli", "-p", "6379", "ping"]
            }
            period_seconds  = 10
            timeout_seconds = 5
          }
          liveness_probe {
            exec {
              command = ["redis-cli", "-p", "6379", "ping"]
            }
            initial_delay_seconds = 30
            period_seconds        = 20
            timeout_seconds       = 5
            failure_threshold     = 6
          }

          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }

          volume_mount {
            name       = "data"
            mount_path = "/data"
          }
          volume_mount {
            name       = "config"
            mount_path = "/etc/redis"
            read_only  = true
          }
          dynamic "volume_mount" {
            for_each = local.redis_tls_enabled ? [1] : []
            content {
              name       = "tls"
              mount_path = "/tls"
              read_only  = true
            }
          }
        }

        volume {
          name = "config"
          config_map {
            name = kubernetes_config_map_v1.redis[0].metadata[0].name
          }
        }
        dynamic "volume" {
          for_each = local.redis_tls_enabled ? [1] : []
          content {
            name = "tls"
            secret {
              secret_name = var.redis_tls_secret_name
            }
          }
        }
      }
    }

    volume_claim_template {
      metadata {
        name   = "data"
        labels = local.redis_labels
      }
      spec {
        access_modes       = ["ReadWriteOnce"]
        storage_class_name = var.redis_storage_class
        resources {
          requests = {
            storage = var.redis_storage_size
          }
        }
      }
    }
  }
}

# Only the workers' namespace and KEDA may reach the plain port; the TLS port is for the edge.
resource "kubernetes_network_policy_v1" "redis" {
  count = local.in_cluster_redis ? 1 : 0

  metadata {
    name      = "attune-redis"
    namespace = kubernetes_namespace_v1.attune.metadata[0].name
    labels    = local.redis_labels
  }
  spec {
    pod_selector {
      match_labels = { "app.kubernetes.io/name" = "attune-redis" }
    }
    policy_types = ["Ingress"]

    ingress {
      ports {
        port     = "6379"
        protocol = "TCP"
      }
      from {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = var.namespace }
        }
      }
      from {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = var.keda_namespace }
        }
      }
    }

    dynamic "ingress" {
      for_each = local.redis_tls_enabled ? [1] : []
      content {
        ports {
          port     = "6380"
          protocol = "TCP"
        }
      }
    }
  }
}

data "cloudflare_ip_ranges" "cloudflare" {}

# The edge's way in: TLS port only, from Cloudflare's ranges when the load balancer honours
# loadBalancerSourceRanges. Point redis_public_hostname (DNS-only record) at its address.
resource "kubernetes_service_v1" "redis_public" {
  count = local.redis_tls_enabled ? 1 : 0

  metadata {
    name      = "attune-redis-public"
    namespace = kubernetes_namespace_v1.attune.metadata[0].name
    labels    = local.redis_labels
  }
  spec {
    type     = "LoadBalancer"
    selector = { "app.kubernetes.io/name" = "attune-redis" }
    # IPv4 only: the load balancer and its DNS record are IPv4, so the edge arrives over IPv4.
    load_balancer_source_ranges = var.redis_restrict_to_cloudflare_ips ? data.cloudflare_ip_ranges.cloudflare.ipv4_cidrs : null
    port {
      name        = "redis-tls"
      port        = 6380
      target_port = "redis-tls"
    }
  }
}

locals {
  redis_lb_ingress  = local.redis_tls_enabled ? try(kubernetes_service_v1.redis_public[0].status[0].load_balancer[0].ingress[0], null) : null
  redis_lb_ip       = try(local.redis_lb_ingress.ip, null)
  redis_lb_hostname = try(local.redis_lb_ingress.hostname, null)
  redis_lb_is_ip    = local.redis_lb_ip != null && local.redis_lb_ip != ""
  redis_lb_address  = local.redis_lb_is_ip ? local.redis_lb_ip : local.redis_lb_hostname
}

# redis_public_hostname → the load balancer (A for an IP, CNAME for a cloud LB hostname).
# DNS-only: Cloudflare's proxy carries HTTP(S), the edge needs a plain TCP path to Redis.
resource "cloudflare_dns_record" "redis_public" {
  count = local.redis_tls_enabled && var.manage_redis_dns_record && var.redis_public_hostname != null && var.cloudflare_zone_id != null ? 1 : 0

  zone_id = var.cloudflare_zone_id
  name    = var.redis_public_hostname
  type    = local.redis_lb_is_ip ? "A" : "CNAME"
  content = local.redis_lb_address
  ttl     = 60
  proxied = false
  comment = "Attune: in-cluster Redis TLS port for the edge Worker (infra/terraform/redis.tf)"
}
