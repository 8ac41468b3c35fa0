# syntax=docker/dockerfile:1.7
#
# Attune GPU worker image: Node 20 + onnxruntime-node with the CUDA 12 execution provider, on an
# NVIDIA CUDA/cuDNN runtime base. Build from the repository root (the context must be the root):
#
#   docker build -f infra/docker/worker.Dockerfile -t REGISTRY/attune-worker:TAG .
#
# BuildKit reads infra/docker/worker.Dockerfile.dockerignore (next to this file) for this build.
#
# Build arguments:
#   MODEL=committed  (default) the model at $ATTUNE_MODEL_DIR must be in the build context
#                    (gpu-worker/models/default); the build fails if it is not there.
#   MODEL=random     writes the random-weight test model (`attune model init-random --seed 0`):
#                    for smoke tests only, its output is noise.
#   MODEL=none       no model in the image; the pod gets one at run time (the Terraform
#                    `model_source = "r2"` init container syncs it from R2 into a volume).
#   CUDA_IMAGE       the CUDA runtime base; onnxruntime-node 1.31's CUDA EP needs CUDA 12.x and
#                    cuDNN 9 (nodes need an NVIDIA driver that supports the CUDA 12 minor used).

ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

# ---- node: the official Node 20 binary, copied into the CUDA image below ----------------------
FROM ${NODE_IMAGE} AS node

# ---- deps: production node_modules + the CUDA EP binaries of onnxruntime-node -----------------
FROM node AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# `skip` keeps onnxruntime-node's postinstall (when npm runs install scripts at all) from fetching
# anything; the CUDA EP is fetched explicitly in the next step, so the image does not depend on
# whether this npm version runs install scripts by default.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
# Downloads Microsoft.ML.OnnxRuntime.Gpu.Linux (same version as onnxruntime-node) from NuGet and
# puts libonnxruntime_providers_{cuda,shared,tensorrt}.so next to the binding.
RUN ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so

# ---- runtime ----------------------------------------------------------------------------------
FROM ${CUDA_IMAGE} AS runtime
ARG MODEL=committed
ARG ATTUNE_MODEL_DIR=/app/gpu-worker/models/default

RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 attune \
 && useradd --system --uid 10001 --gid attune --home-dir /home/attune --create-home --shell /usr/sbin/nologin attune

COPY --from=node /usr/local/bin/node /usr/local/bin/node

WORKDIR /app
ENV NODE_ENV=production \
    ATTUNE_EXECUTION_PROVIDERS=cuda \
    ATTUNE_MODEL_DIR=${ATTUNE_MODEL_DIR}

# Source is owned by root and read-only to the worker user; it runs TypeScript through tsx.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY shared ./shared
COPY gpu-worker ./gpu-worker
COPY --chmod=0755 infra/docker/worker-ready.sh /usr/local/bin/attune-worker-ready

# The model: checked (committed), written (random) or left out (none), then compiled to ONNX
# now, into <model>/.attune-cache, exactly as the worker's TextGenerator.open would on first
# start, so pods start without compiling and the image's file system can stay read-only.
RUN set -eu; \
    case "$MODEL" in \
      committed) test -f "$ATTUNE_MODEL_DIR/config.json" || { \
        echo "no model at $ATTUNE_MODEL_DIR (MODEL=committed): add it to the build context, or build with --build-arg MODEL=random (smoke tests) or MODEL=none (model synced at run time)" >&2; exit 1; } ;; \
      random) node gpu-worker/bin/attune.mjs model init-random --out "$ATTUNE_MODEL_DIR" --seed 0 ;; \
      none) echo "no model in the image; set ATTUNE_MODEL_DIR at run time" ;; \
      *) echo "MODEL must be committed, random or none, got '$MODEL'" >&2; exit 1 ;; \
    esac; \
    if [ "$MODEL" != none ]; then \
      node --import tsx --input-type=module \
        -e "const { ensureCompiled } = await import('./gpu-worker/src/compiler/compile.ts'); const m = await ensureCompiled(process.argv[1]); console.log('compiled model ready at', m.dir);" \
        "$ATTUNE_MODEL_DIR"; \
    fi; \
    rm -rf /tmp/tsx-*

USER 10001:10001
# The worker turns SIGTERM into a graceful drain (stop fetching, wait DRAIN_TIMEOUT_MS, hand running
# jobs back to the queue); node is PID 1 (exec form below) and handles the signal itself.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "gpu-worker/src/worker/main.ts"]
