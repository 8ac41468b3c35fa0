# Autoscaling on queue depth with KEDA's redis scaler (the ScaledObject is built in locals.tf:
# target = WORKER_CONCURRENCY queued-or-running jobs per worker replica).
#
# kubernetes_manifest needs the KEDA CRDs at plan time: on a fresh cluster apply KEDA first,
#   terraform apply -target=helm_release.keda
# then the rest (README.md, docs/deployment.md).

resource "helm_release" "keda" {
  count = var.install_keda ? 1 : 0

  name             = "keda"
  repository       = "https://kedacore.github.io/charts"
  chart            = "keda"
  version          = var.keda_chart_version
  namespace        = var.keda_namespace
  create_namespace = true
  wait             = true
}

resource "helm_release" "nvidia_device_plugin" {
  count = var.install_nvidia_device_plugin ? 1 : 0

  name             = "nvidia-device-plugin"
  repository       = "https://nvidia.github.io/k8s-device-plugin"
  chart            = "nvidia-device-plugin"
  version          = var.nvidia_device_plugin_chart_version
  namespace        = "nvidia-device-plugin"
  create_namespace = true
  values = [yamlencode({
    nodeSelector = var.gpu_node_selector
    tolerations = [for t in var.gpu_tolerations : {
      for k, v in { key = t.key, operator = t.operator, value = t.value, effect = t.effect } : k => v if v != null
    }]
  })]
}

# Connection details for KEDA's redis scaler (host:port and password, not a URL).
resource "kubernetes_secret_v1" "keda_redis" {
  metadata {
    name      = "attune-keda-redis"
    namespace = kubernetes_namespace_v1.attune.metadata[0].name
    labels    = local.labels
  }
  data = merge(
    {
      address  = local.keda_redis_address
      password = local.keda_redis_password
    },
    local.keda_redis_username != null ? { username = local.keda_redis_username } : {},
  )
}

resource "kubernetes_manifest" "keda_trigger_authentication" {
  manifest = local.keda_trigger_authentication

  depends_on = [helm_release.keda, kubernetes_secret_v1.keda_redis]
}

resource "kubernetes_manifest" "keda_scaled_object" {
  manifest = local.keda_scaled_object

  depends_on = [
    helm_release.keda,
    kubernetes_manifest.keda_trigger_authentication,
    kubernetes_deployment_v1.worker,
  ]
}
