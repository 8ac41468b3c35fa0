cloudflare_account_id = "0123456789abcdef0123456789abcdef"
cloudflare_zone_id    = "fedcba9876543210fedcba9876543210"
edge_hostname         = "api.example.com"
edge_config           = { jwt_issuer = "https://auth.example.com", jwks_url = "https://auth.example.com/.well-known/jwks.json" }
internal_api_secret   = "0123456789abcdef0123456789abcdef0123456789abcdef"
storage_pepper        = "pepper-pepper-pepper-pepper-pepper-01"
webhook_master_key    = "whmk-whmk-whmk-whmk-whmk-whmk-whmk-01"
encryption_key        = "k2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,k1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA="
worker_image          = "registry.example.com/attune-worker:1.0.0"
redis_password        = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2"
redis_tls_secret_name = "attune-redis-tls"
redis_public_hostname = "redis.example.com"
drain_timeout_ms      = 45500
