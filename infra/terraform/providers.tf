# Provider configuration. Credentials come from variables or the providers' usual environment
# variables (CLOUDFLARE_API_TOKEN, KUBE_CONFIG_PATH, ...); none is written here.

provider "cloudflare" {
  # null: the provider reads CLOUDFLARE_API_TOKEN.
  api_token = var.cloudflare_api_token
}

provider "kubernetes" {
  config_path    = var.kubeconfig_path
  config_context = var.kube_context
}

provider "helm" {
  kubernetes = {
    config_path    = var.kubeconfig_path
    config_context = var.kube_context
  }
}
