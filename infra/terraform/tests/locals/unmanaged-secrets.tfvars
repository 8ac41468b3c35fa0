cloudflare_account_id = "0123456789abcdef0123456789abcdef"
cloudflare_zone_id    = "fedcba9876543210fedcba9876543210"
edge_route_patterns   = ["example.com/api/*"]
edge_url              = "https://example.com/api"
edge_config           = { jwt_issuer = "https://auth.example.com" }
manage_edge_secrets   = false
internal_api_secret   = "0123456789abcdef0123456789abcdef0123456789abcdef"
worker_image          = "registry.example.com/attune-worker:1.0.0"
redis_password        = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2"
redis_edge_url        = "rediss://:a1b2c3@tcp-proxy.example.com:16380/0"
min_replicas          = 0
