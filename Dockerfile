# Gateway and action server image (Python 3.11). Rasa has its own image: Dockerfile.rasa.
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
RUN pip install --no-cache-dir -c requirements/app.lock . psycopg2-binary
ENV HAECHI_GATEWAY_HOST=0.0.0.0
EXPOSE 8000 5055
CMD ["python", "-m", "bot"]
