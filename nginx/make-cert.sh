#!/bin/sh
# Makes a self-signed certificate for nginx's HTTPS port, <dir>/herald.crt and <dir>/herald.key, unless both
# exist already (so a restart keeps the certificate browsers were told to accept, and a real certificate put
# there is never overwritten). Run by the compose stack's init service (alpine/openssl, /bin/sh) on first start
# and by the integration tests (dev.herald.it.LoadBalancer). POSIX sh: works with busybox and dash.
#   usage: nginx/make-cert.sh <dir>
set -eu

dir=${1:?usage: make-cert.sh <dir>}
cert="$dir/herald.crt"
key="$dir/herald.key"

if [ -s "$cert" ] && [ -s "$key" ]; then
    echo "make-cert.sh: keeping $cert and $key"
    exit 0
fi

mkdir -p "$dir"
# the key is for nginx's eyes only (its master process reads it as root, the tests as the current user)
umask 077
# P-256: small and quick to make; 825 days is the longest validity Apple's TLS clients accept; localhost and
# 127.0.0.1 as subject alternative names (browsers ignore the CN)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
    -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "extendedKeyUsage=serverAuth" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -keyout "$key.new" -out "$cert.new"
# both files appear together or not at all: a run killed half way leaves only *.new files behind
mv "$key.new" "$key"
mv "$cert.new" "$cert"
chmod 644 "$cert"
echo "make-cert.sh: made a self-signed certificate for localhost and 127.0.0.1: $cert"
