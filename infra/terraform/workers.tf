# GPU workers: namespace, their Secret, the Deployment on the GPU pool and its disruption budget.
# KEDA (autoscaling.tf) owns the replica count.

resource "kubernetes_namespace_v1" "attune" {
  metadata {
    name   = var.namespace
    labels = local.labels
  }
}

resource "kubernetes_secret_v1" "worker" {
  metadata {
    name      = "attune-worker"
    namespace = kubernetes_namespace_v1.attune.metadata[0].name
    labels    = local.worker_labels
  }
  data = merge(
    {
      REDIS_URL              = local.worker_redis_url
      INTERNAL_API_SECRET    = var.internal_api_secret
      ADAPTER_ENCRYPTION_KEY = var.adapter_encryption_key
    },
    var.model_source == "r2" ? {
      AWS_ACCESS_KEY_ID     = var.r2_access_key_id
      AWS_SECRET_ACCESS_KEY = var.r2_secret_access_key
    } : {},
  )
}

resource "kubernetes_deployment_v1" "worker" {
  metadata {
    name      = "attune-worker"
    namespace = kubernetes_namespace_v1.attune.metadata[0].name
    labels    = local.worker_labels
  }

  # GPU nodes can take minutes to join; do not hold the apply on the rollout.
  wait_for_rollout = false

  spec {
    # Initial size only: KEDA's HPA sets replicas from then on (ignore_changes below).
    replicas = max(var.min_replicas, 1)

    selector {
      match_labels = { "app.kubernetes.io/name" = "attune-worker" }
    }

    strategy {
      type = "RollingUpdate"
      rolling_update {
        # Keep serving capacity during a rollout; the surge pod needs one spare GPU.
        max_surge       = "1"
        max_unavailable = "0"
      }
    }

    template {
      metadata {
        labels = local.worker_labels
        annotations = {
          # Env vars from a Secret are read at start: roll the pods when its content changes.
          "checksum/secret" = nonsensitive(sha256(jsonencode(kubernetes_secret_v1.worker.data)))
          # The pod's emptyDir volumes hold only caches; without this the cluster autoscaler
          # (skip-nodes-with-local-storage) would never remove an idle GPU node.
          "cluster-autoscaler.kubernetes.io/safe-to-evict" = "true"
        }
      }

      spec {
        # Must exceed DRAIN_TIMEOUT_MS: SIGTERM starts the drain, SIGKILL comes after this.
        termination_grace_period_seconds = local.termination_grace_period_seconds
        automount_service_account_token  = false
        node_selector                    = var.gpu_node_selector

        dynamic "toleration" {
          for_each = var.gpu_tolerations
          content {
            key      = toleration.value.key
            operator = toleration.value.operator
            value    = toleration.value.value
            effect   = toleration.value.effect
          }
        }

        dynamic "image_pull_secrets" {
          for_each = var.worker_image_pull_secrets
          content {
            name = image_pull_secrets.value
          }
        }

        security_context {
          run_as_non_root = true
          run_as_user     = 10001
          run_as_group    = 10001
          fs_group        = 10001
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }

        # model_source = "r2": copy the model from R2 into the pod's volume before the worker starts.
        dynamic "init_container" {
          for_each = var.model_source == "r2" ? [1] : []
          content {
            name    = "model-sync"
            image   = var.model_sync_image
            command = ["aws", "s3", "sync", "--only-show-errors", "--endpoint-url", local.r2_s3_endpoint, "s3://${var.r2_bucket_name}/${var.model_r2_prefix}", local.worker_model_dir]
            env {
              name  = "AWS_DEFAULT_REGION"
              value = "auto"
            }
            env {
              name  = "HOME"
              value = "/tmp"
            }
            env {
              name = "AWS_ACCESS_KEY_ID"
              value_from {
                secret_key_ref {
                  name = kubernetes_secret_v1.worker.metadata[0].name
                  key  = "AWS_ACCESS_KEY_ID"
                }
              }
            }
            env {
              name = "AWS_SECRET_ACCESS_KEY"
              value_from {
                secret_key_ref {
                  name = kubernetes_secret_v1.worker.metadata[0].name
                  key  = "AWS_SECRET_ACCESS_KEY"
                }
              }
            }
            volume_mount {
              name       = "models"
              mount_path = "/models"
            }
            volume_mount {
              name       = "tmp"
              mount_path = "/tmp"
            }
            security_context {
              allow_privilege_escalation = false
              read_only_root_filesystem  = true
              capabilities {
                drop = ["ALL"]
              }
            }
          }
        }

        container {
          name  = "worker"
          image = var.worker_image

          dynamic "env" {
            for_each = local.worker_env
            content {
              name  = env.key
              value = env.value
            }
          }
          env {
            name = "WORKER_ID"
            value_from {
              field_ref {
                field_path = "metadata.name"
              }
            }
          }
          env {
            name = "REDIS_URL"
            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.worker.metadata[0].name
                key  = "REDIS_URL"
              }
            }
          }
          env {
            name = "INTERNAL_API_SECRET"
            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.worker.metadata[0].name
                key  = "INTERNAL_API_SECRET"
              }
            }
          }
          env {
            name = "ADAPTER_ENCRYPTION_KEY"
            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.worker.metadata[0].name
                key  = "ADAPTER_ENCRYPTION_KEY"
              }
            }
          }

          resources {
            requests = {
              cpu    = var.worker_resources.cpu_request
              memory = var.worker_resources.memory_request
            }
            limits = {
              memory           = var.worker_resources.memory_limit
              "nvidia.com/gpu" = "1"
            }
          }

          # Ready once the process holds a connection to Redis, which start-worker.ts opens only
          # after the model has loaded (infra/docker/worker-ready.sh). No liveness probe: the
          # process exits on fatal errors, and BullMQ's stalled-job check requeues the jobs of a
          # worker that stops renewing its locks.
          readiness_probe {
            exec {
              command = ["/usr/local/bin/attune-worker-ready"]
            }
            initial_delay_seconds = 5
            period_seconds        = 10
            timeout_seconds       = 5
            failure_threshold     = 3
          }

          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }

          # tsx caches transpiled sources under os.tmpdir().
          volume_mount {
            name       = "tmp"
            mount_path = "/tmp"
          }
          dynamic "volume_mount" {
            for_each = var.model_source == "r2" ? [1] : []
            content {
              name       = "models"
              mount_path = "/models"
            }
          }
        }

        volume {
          name = "tmp"
          empty_dir {
            size_limit = "2Gi"
          }
        }
        dynamic "volume" {
          for_each = var.model_source == "r2" ? [1] : []
          content {
            name = "models"
            empty_dir {
              size_limit = var.model_volume_size
            }
          }
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [spec[0].replicas]
  }
}

# Voluntary disruptions (node drains, upgrades) take one worker at a time; each drains its jobs.
resource "kubernetes_pod_disruption_budget_v1" "worker" {
  metadata {
    name      = "attune-worker"
    namespace = kubernetes_namespace_v1.attune.metadata[0].name
    labels    = local.worker_labels
  }
  spec {
    max_unavailable = "1"
    selector {
      match_labels = { "app.kubernetes.io/name" = "attune-worker" }
    }
  }
}
