#!/usr/bin/env bash
# Installs kubecheck's webhook (deploy/base) on a cluster without cert-manager: makes a
# CA and a serving certificate for the Service with openssl, stores them as the
# `kubecheck-tls` Secret, and writes the CA into the webhook's caBundle.
#
#   deploy/self-signed.sh            # kubectl's current context
#   DAYS=90 deploy/self-signed.sh    # certificate lifetime (default 365 days)
#
# Run it again before the certificate expires: it makes a new CA and certificate, and
# kubecheck picks up the new files without a restart once the kubelet has updated them.
set -euo pipefail

namespace=kubecheck
service=kubecheck
days=${DAYS:-365}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for tool in openssl kubectl; do
    command -v "$tool" >/dev/null || { echo "self-signed.sh: $tool is needed" >&2; exit 2; }
done

openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$work/ca.key" -out "$work/ca.crt" -days "$days" \
    -subj "/CN=kubecheck-webhook-ca" 2>/dev/null
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$work/tls.key" -out "$work/tls.csr" \
    -subj "/CN=$service.$namespace.svc" 2>/dev/null
cat > "$work/ext" <<EXT
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$service.$namespace.svc, DNS:$service.$namespace.svc.cluster.local
EXT
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
    -CAcreateserial -out "$work/tls.crt" -days "$days" -extfile "$work/ext" 2>/dev/null

# The Secret first, so that the pods find their certificate when they start.
kubectl apply -f "$here/base/namespace.yaml"
kubectl -n "$namespace" create secret tls kubecheck-tls \
    --cert="$work/tls.crt" --key="$work/tls.key" --dry-run=client -o yaml |
    kubectl apply -f -
kubectl apply -k "$here/base"
ca_bundle=$(base64 < "$work/ca.crt" | tr -d '\n')
kubectl patch validatingwebhookconfiguration kubecheck --type=json \
    -p "[{\"op\": \"add\", \"path\": \"/webhooks/0/clientConfig/caBundle\", \"value\": \"$ca_bundle\"}]"
# Until a replica is ready, requests the webhook matches are refused (failurePolicy: Fail).
kubectl -n "$namespace" rollout status deployment/kubecheck --timeout=180s
