# syntax=docker/dockerfile:1
# dnsguard's container image: built with the official Swift 6.3.1 image on Debian 12, run on
# debian:bookworm-slim with the system's OpenSSL 3 (libssl3), as a non-root user.
#   docker build -t dnsguard .

FROM swift:6.3.1-bookworm AS build
# The OpenSSL 3 headers the COpenSSL module compiles against (pkg-config finds them).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a source change does not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product dnsguard \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/dnsguard" /out/dnsguard

FROM debian:bookworm-slim
# What the binary links dynamically (`objdump -p dnsguard | grep NEEDED`): libssl.so.3 and
# libcrypto.so.3 (libssl3), libstdc++ and libgcc_s, libc. The Swift runtime and Foundation are
# linked in statically.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libssl3 libstdc++6 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/dnsguard /usr/local/bin/dnsguard
# The same uid/gid the Deployment runs as (runAsUser 65532); no shell login, no home needed.
USER 65532:65532
EXPOSE 8443 9090
ENTRYPOINT ["/usr/local/bin/dnsguard"]
CMD ["serve"]
