# Gateway and action server image (Python 3.11). Rasa has its own image: Dockerfile.rasa.
# The browser clients (the 3D world at /world, the staff console) are bundled here from npm,
# as `make world-client staff-client` does: no CDN, and no Node.js in the running image.
FROM node:20-slim AS clients
WORKDIR /src
COPY world_bridge/client world_bridge/client
COPY bot/staff/client bot/staff/client
RUN cd /src/world_bridge/client && npm ci --no-audit --no-fund --loglevel=error && npm run build \
    && cd /src/bot/staff/client && npm ci --no-audit --no-fund --loglevel=error && npm run build

FROM python:3.11-slim
WORKDIR /app
# espeak-ng speaks Korean replies (run as a separate process).
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng \
    && rm -rf /var/lib/apt/lists/*
COPY requirements/app.lock requirements/app.lock
COPY pyproject.toml ./
COPY agent agent
COPY bot bot
COPY actions actions
COPY knowledge knowledge
COPY civic civic
COPY world_bridge world_bridge
COPY scripts scripts
# psycopg 3 (the app's PostgreSQL driver) comes with the project's own dependencies.
RUN pip install --no-cache-dir -c requirements/app.lock .
COPY --from=clients /src/world_bridge/client/dist world_bridge/client/dist
COPY --from=clients /src/bot/staff/client/dist bot/staff/client/dist
ENV HAECHI_GATEWAY_HOST=0.0.0.0 HAECHI_DATA_DIR=/data
EXPOSE 8000 5055
# The internal tokens (scripts/internal-tokens.sh): from the environment, or shared through the
# data volume by every replica.
ENTRYPOINT ["scripts/internal-tokens.sh"]
CMD ["python", "-m", "bot"]
