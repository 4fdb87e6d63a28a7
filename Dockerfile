# Boucle in a container (docs/deploy.md, "Container"): Python slim, a non-root user, the
# database in a volume, a health check on /healthz (served in polling mode too:
# BOUCLE_HTTP_ALWAYS). Settings come from the environment (docker run --env-file boucle.env).
#
#   docker build -t boucle .
#   docker run -d --name boucle --restart unless-stopped --env-file boucle.env \
#     -v boucle-data:/var/lib/boucle -p 127.0.0.1:8080:8080 boucle

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN python -m venv /opt/boucle \
    && /opt/boucle/bin/pip install --no-cache-dir --upgrade pip \
    && /opt/boucle/bin/pip install --no-cache-dir .

FROM python:3.11-slim
ENV PATH=/opt/boucle/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BOUCLE_DB_PATH=/var/lib/boucle/boucle.db \
    BOUCLE_HTTP_HOST=0.0.0.0 \
    BOUCLE_HTTP_PORT=8080 \
    BOUCLE_HTTP_ALWAYS=true
RUN groupadd --system --gid 10001 boucle \
    && useradd --system --uid 10001 --gid boucle --home-dir /var/lib/boucle \
       --shell /usr/sbin/nologin boucle \
    && install -d -o boucle -g boucle -m 0700 /var/lib/boucle
COPY --from=build /opt/boucle /opt/boucle
USER boucle
WORKDIR /var/lib/boucle
VOLUME ["/var/lib/boucle"]
EXPOSE 8080
# 503 (a dead loop, the database gone) or no answer: unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('BOUCLE_HTTP_PORT', '8080'), timeout=4)"]
# SIGTERM: Boucle stops within 8 s (docker stop waits 10 s).
STOPSIGNAL SIGTERM
CMD ["boucle", "run"]
