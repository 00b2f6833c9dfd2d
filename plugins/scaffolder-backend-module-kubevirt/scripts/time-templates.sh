#!/usr/bin/env bash
# Runs both VM templates through the real scaffolder (POST /api/scaffolder/v2/tasks) as the guest
# against a running portal backend (yarn start backend, demo simulator) and prints, per template,
# the time from task creation to completion plus the task log. Nothing here asserts; it measures.
#
#   cd /work/main && flock /tmp/e2e.lock sh -c 'yarn start backend & ...; plugins/scaffolder-backend-module-kubevirt/scripts/time-templates.sh'
set -euo pipefail
BACKEND=${BACKEND:-http://localhost:7007}
SUFFIX=${SUFFIX:-$(date +%s | tail -c 6)}
KEY='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHNjYWZmb2xkZXItdGVzdC1rZXktbm90LXJlYWw timing@script'

token() { curl -sf "$BACKEND/api/auth/guest/refresh" -H 'X-Requested-With: XMLHttpRequest' | python3 -c 'import sys,json; print(json.load(sys.stdin)["backstageIdentity"]["token"])'; }
# the guest's group (and so its VM rights) comes from the catalog: sign in once it holds the guest
for _ in $(seq 1 60); do
  curl -sf -H "Authorization: Bearer $(token)" "$BACKEND/api/catalog/entities/by-name/user/development/guest" >/dev/null && break
  sleep 1
done
AUTH="Authorization: Bearer $(token)"

run() { # name template values-json secrets-json
  local started ended id status
  started=$(date +%s.%N)
  id=$(curl -sf -H "$AUTH" -H 'Content-Type: application/json' "$BACKEND/api/scaffolder/v2/tasks" \
    -d "{\"templateRef\":\"$2\",\"values\":$3,\"secrets\":$4}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])')
  for _ in $(seq 1 1200); do
    status=$(curl -sf -H "$AUTH" "$BACKEND/api/scaffolder/v2/tasks/$id" | python3 -c 'import sys,json; print(json.load(sys.stdin)["status"])')
    [ "$status" = completed ] || [ "$status" = failed ] && break
    sleep 0.2
  done
  ended=$(date +%s.%N)
  printf '%s: %s in %.1f s (task %s)\n' "$1" "$status" "$(echo "$ended - $started" | bc)" "$id"
  curl -sf -H "$AUTH" "$BACKEND/api/scaffolder/v2/tasks/$id/events" | python3 -c '
import sys, json
for e in json.load(sys.stdin):
    if e["type"] == "log": print("   ", e["body"].get("message", "").split("\n")[0])'
}

run "Linux virtual machine" template:default/linux-vm \
  "{\"name\":\"timed-vm-$SUFFIX\",\"owner\":\"group:default/team-payments\",\"service\":\"component:default/payments-api\",\"cluster\":\"local-sim\",\"namespace\":\"payments\",\"image\":\"kubevirt-os-images/fedora\",\"instancetype\":\"u1.small\",\"diskSize\":\"30Gi\",\"sshPublicKey\":\"****\"}" \
  "{\"sshPublicKey\":\"$KEY\"}"
run "Service with a VM" template:default/service-with-vm \
  "{\"name\":\"timed-svc-$SUFFIX\",\"owner\":\"group:default/team-payments\",\"cluster\":\"local-sim\",\"namespace\":\"payments\",\"image\":\"kubevirt-os-images/ubuntu\",\"instancetype\":\"u1.medium\",\"diskSize\":\"50Gi\",\"publisher\":\"local\"}" \
  '{}'
