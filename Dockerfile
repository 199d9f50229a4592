# syntax=docker/dockerfile:1
# kubemq-s3 container image: `deno compile` in the official Deno image, then only the binary in a
# small non-root runtime image (distroless: glibc and CA certificates, no shell, no package manager).
#
#   docker build -t kubemq-s3 .
#   docker run --rm -v "$PWD/config.yaml:/etc/kubemq-s3/config.yaml:ro" -p 8080:8080 kubemq-s3
#
# The config is read from /etc/kubemq-s3/config.yaml (mount a file or a ConfigMap there), or, when
# that file is absent, from the CONFIG environment variable. Its apiHost must be 0.0.0.0 for the port to be reachable from
# outside the container; the HEALTHCHECK below expects apiPort 8080.

ARG DENO_VERSION=2.9.6

FROM denoland/deno:${DENO_VERSION} AS build
WORKDIR /src
# Dependencies first, so that code changes reuse this layer.
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY permissions.flags main.ts ./
COPY lib ./lib
# The permission flags come from permissions.flags, exactly as for `deno task start`.
RUN deno task compile && ./kubemq-s3 --help

FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
COPY --from=build /src/kubemq-s3 /usr/local/bin/kubemq-s3
# As runtime.env (and `deno task start`): glibc maps every allocation of 64 KiB or more on its
# own and returns it when freed, so the buffers of one large transfer are not kept for the next
# (docs/benchmark.md, "Back-to-back large transfers").
ENV GLIBC_TUNABLES=glibc.malloc.mmap_threshold=65536
# The distroless "nonroot" user, numeric so that Kubernetes can verify runAsNonRoot.
USER 65532:65532
EXPOSE 8080
# The default config.yaml is read from here; no --config in CMD, because with an explicit --config
# a missing file is an error, while without it CONFIG is read when config.yaml is absent.
WORKDIR /etc/kubemq-s3
ENTRYPOINT ["/usr/local/bin/kubemq-s3"]
CMD []
# No shell or curl in this image: the binary checks its own health endpoint.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/kubemq-s3", "--health", "http://127.0.0.1:8080/health"]
