# wadesk in a minimal image: one static binary (SQLite compiled in), the CA
# certificates it needs to reach providers over HTTPS, and a non-root user;
# nothing else (no shell, no package manager).
#
#   docker build -t wadesk .
#   docker run -d --name wadesk -p 127.0.0.1:8080:8080 \
#     -v wadesk-data:/data -e WADESK_BASE_URL=https://desk.example.com wadesk
#
# The data (wadesk.db and secret.key) lives in the /data volume: back it up
# with `docker exec wadesk wadesk backup --data /data --out /data/backups/x.wadesk-backup`.
# `docker stop` sends SIGTERM; give it time to send queued messages
# (--stop-timeout 45).

FROM golang:1.27-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# CGO for mattn/go-sqlite3, linked statically so that the image needs no libc.
RUN CGO_ENABLED=1 go build -tags 'sqlite_fts5 osusergo netgo' \
      -ldflags "-s -w -X main.version=${VERSION} -linkmode external -extldflags '-static'" \
      -o /out/wadesk . \
 && mkdir -p /out/data \
 && echo 'wadesk:x:10001:10001:wadesk:/data:/sbin/nologin' > /out/passwd \
 && echo 'wadesk:x:10001:' > /out/group

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/passwd /etc/passwd
COPY --from=build /out/group /etc/group
COPY --from=build /out/wadesk /usr/local/bin/wadesk
COPY --from=build --chown=10001:10001 /out/data /data
ENV WADESK_DATA=/data WADESK_ADDR=0.0.0.0:8080 WADESK_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/wadesk"]
CMD ["serve"]
