# sqsmock as a container image: an in-memory Amazon SQS on port 9324, for docker-compose users.
#
#   docker build -t sqsmock .                      # or: podman build -t sqsmock .
#   docker run --rm -p 9324:9324 sqsmock
#
# What is what:
#   runtime   the final image's configuration without its binary: FROM scratch (no shell, no
#             libc, no curl), a non-root user, SQSMOCK_ADDR=0.0.0.0:9324, the health check.
#   prebuilt  runtime plus a sqsmock binary built on the host, taken from the build context. For
#             machines that reach no image registry: e2e/image/image_test.go builds this target
#             with podman, offline, as
#               CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w" -o DIR/sqsmock ./cmd/sqsmock
#               podman build --format docker --target prebuilt -f Dockerfile DIR
#             (--format docker: the OCI image format has no HEALTHCHECK).
#   build     compiles a static cmd/sqsmock in the Go toolchain image, pulled from a registry.
#   (last)    the default target, what `docker build .` makes: runtime plus the binary of build.
# prebuilt and the default target differ only in where the binary comes from.

FROM scratch AS runtime
LABEL org.opencontainers.image.title="sqsmock" \
      org.opencontainers.image.description="An in-memory Amazon SQS (AWS JSON 1.0 and Query) for tests" \
      org.opencontainers.image.source="https://github.com/sqsharness/sqsharness"
# 65532 is distroless's "nonroot": the server needs no privilege (9324 is no privileged port).
USER 65532:65532
# cmd/sqsmock listens on 127.0.0.1 unless told otherwise; in a container it must take
# connections from other containers. The variable, not an -addr argument, so that the health
# check (a separate process, which sees the environment but not the arguments) probes the same
# port: to move the server, set SQSMOCK_ADDR and both follow.
ENV SQSMOCK_ADDR=0.0.0.0:9324
EXPOSE 9324
# GET /health on loopback; exit 0 healthy, 1 not. Scratch has no curl: the binary probes itself.
HEALTHCHECK --interval=3s --timeout=3s --retries=3 CMD ["/sqsmock", "-healthcheck"]
ENTRYPOINT ["/sqsmock"]

FROM runtime AS prebuilt
COPY sqsmock /sqsmock

FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static (no cgo: scratch has no libc), reproducible paths, no symbol table or debug info.
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags "-s -w" -o /out/sqsmock ./cmd/sqsmock

FROM runtime
COPY --from=build /out/sqsmock /sqsmock
