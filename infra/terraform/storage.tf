# Object storage (design §2): an R2 bucket for model files and cold adapter versions, reached
# over R2's S3 API (output r2_s3_endpoint). With model_source = "r2" the worker pods sync their
# model from s3://<bucket>/<model_r2_prefix> at start (workers.tf).
#
# R2 S3 credentials are an R2 API token (dashboard: R2 → Manage API tokens, Object Read & Write
# on this bucket for uploads, Object Read for the workers); pass them as r2_access_key_id /
# r2_secret_access_key.

resource "cloudflare_r2_bucket" "cold_store" {
  account_id    = var.cloudflare_account_id
  name          = var.r2_bucket_name
  location      = var.r2_location
  jurisdiction  = var.r2_jurisdiction
  storage_class = "Standard"
}
