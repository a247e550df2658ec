# The hub as a container image, used by docker-compose.yml for the API and the importer.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
COPY hub ./hub
COPY importers ./importers
COPY schema ./schema
RUN pip install -c constraints.txt . \
 && useradd --system --create-home --home-dir /var/lib/hub hub \
 && mkdir -p /var/lib/hub/data && chown -R hub /var/lib/hub

USER hub
ENV HUB_DATA_DIR=/var/lib/hub/data HUB_HOST=0.0.0.0 HUB_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["hub", "serve"]
