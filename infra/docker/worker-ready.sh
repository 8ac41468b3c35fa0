#!/bin/sh
# Readiness of a GPU worker pod, for an exec probe: ready once the worker process holds an
# ESTABLISHED TCP connection to Redis. start-worker.ts loads (and, if needed, compiles) the model
# before it opens any Redis connection, so "connected" means "model loaded, taking jobs".
# Reads the pod's socket tables; no Redis client, no network call, no secrets.
# Usage: attune-worker-ready [PORT]   (default: $REDIS_PORT, else 6379)
port="${1:-${REDIS_PORT:-6379}}"
case "$port" in
  ''|*[!0-9]*) echo "attune-worker-ready: port must be a number, got '$port'" >&2; exit 2 ;;
esac
port_hex=$(printf ':%04X' "$port")
# /proc/net/tcp{,6}: column 3 is rem_address (HEXIP:HEXPORT), column 4 the state (01 = ESTABLISHED).
awk -v p="$port_hex" '
  FNR > 1 && substr($3, length($3) - 4) == p && $4 == "01" { found = 1 }
  END { exit found ? 0 : 1 }
' /proc/net/tcp /proc/net/tcp6 2>/dev/null
