# Experience Engine image for docker-compose.yml: the pinned stack on Python 3.11.
FROM python:3.11-slim-bookworm

ENV PIP_NO_CACHE_DIR=1 \
    PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow \
    PYTHONPATH=/opt/experience-engine \
    EE_HOME=/opt/experience-engine

RUN apt-get update && apt-get install -y --no-install-recommends build-essential git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/experience-engine
COPY requirements.lock ./
# CPU-only torch first: a bare torch requirement would pull a multi-GB CUDA build.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
    && pip install -r requirements.lock
# The default English encoder (all-mpnet-base-v2, 420 MB, SHA-256 checked) baked into the image.
COPY ml/embedding/fetch.py /tmp/fetch_encoder.py
RUN python /tmp/fetch_encoder.py all-mpnet-base-v2 /opt/encoders && rm /tmp/fetch_encoder.py
ENV EE_ENCODER_DIR=/opt/encoders

RUN useradd --create-home --uid 50000 airflow && mkdir -p /opt/airflow && chown -R airflow /opt/airflow
USER airflow
