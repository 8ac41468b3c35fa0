# Terraform and provider versions. Cross-variable validation (variables.tf) needs Terraform 1.9+.
#
# cloudflare ~> 5.9: `content_file`/`content_sha256` on cloudflare_workers_script arrived in 5.8,
# and 5.9 fixed Durable Object migrations not being applied (terraform-provider-cloudflare#5898)
# and secret_text bindings being replaced on every apply (#5892).
# kubernetes < 4.0: 4.x turns the Deployment/StatefulSet blocks used here into object attributes.
# helm ~> 3.0: the provider's `kubernetes = { ... }` attribute syntax (providers.tf).
terraform {
  required_version = ">= 1.9"

  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.9"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 2.36, < 4.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.0"
    }
  }
}
