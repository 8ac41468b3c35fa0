cloudflare_account_id  = "0123456789abcdef0123456789abcdef"
edge_url               = "https://attune-edge.example.workers.dev/"
edge_config            = { jwt_issuer = "https://auth.example.com", default_tenant = "acme", jwt_clock_tolerance_s = 5, privacy_period = "week" }
edge_extra_vars        = { NEW_FLAG = "on" }
edge_extra_secrets     = { NEW_SECRET = "s3cr3t" }
jwks_inline            = "{\"keys\":[]}"
internal_api_secret    = "0123456789abcdef0123456789abcdef0123456789abcdef"
storage_pepper         = "pepper-pepper-pepper-pepper-pepper-01"
webhook_master_key     = "whmk-whmk-whmk-whmk-whmk-whmk-whmk-01"
encryption_key         = "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
worker_image           = "registry.example.com/attune-worker:1.0.0"
managed_redis          = { host = "redis-123.example.net", port = 16379, username = "attune" }
managed_redis_password = "p@ss/word:with#chars"
worker_concurrency     = 32
model_source           = "r2"
r2_access_key_id       = "ak"
r2_secret_access_key   = "sk"
r2_jurisdiction        = "eu"
