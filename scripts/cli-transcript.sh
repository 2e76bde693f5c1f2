#!/usr/bin/env bash
# Records docs/cli-transcript.txt: one SEV2 through the herald CLI against `npm start`
# (declare → show → approve with the delivery progress → resolve → audit). Run it while
# `npm start` is up: bash scripts/cli-transcript.sh > docs/cli-transcript.txt
set -uo pipefail
cd "$(dirname "$0")/.."
export HERALD_URL="${HERALD_URL:-http://127.0.0.1:8080}"
herald() { node bin/herald.mjs "$@"; }
as() {
  local key=$1; shift
  printf '\n$ HERALD_API_KEY=%s herald' "$key"; printf ' %q' "$@"; printf '\n'
  HERALD_API_KEY=$key herald "$@"; echo "(exit $?)"
}

as demo-responder-key declare --title 'Card payments declined in Europe' --category outage --severity SEV2 \
  --component payments --summary 'Card payments from European customers are being declined.' | tee /tmp/herald-transcript-declare
id=$(sed -n 's/^declared \(\S*\)$/\1/p' /tmp/herald-transcript-declare)
for _ in $(seq 1 50); do
  HERALD_API_KEY=demo-viewer-key herald --json show "$id" 2>/dev/null | grep -q '"status": "awaiting-approval"' && break
  sleep 0.2
done
as demo-viewer-key show "$id"
version=$(HERALD_API_KEY=demo-viewer-key herald --json show "$id" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.currentDraft.version, j.currentDraft.hash, j.requiredApprovers.join(" "))})')
read -r v hash roles <<<"$version"
as demo-approver-key approve "$id" --version 99
for role in $roles; do last=$role; done
for role in $roles; do
  [ "$role" = "$last" ] && break
  as demo-approver-key approve "$id" --version "$v" --hash "$hash" --as "$role"
done
as demo-approver-key approve "$id" --version "$v" --hash "$hash" --as "$last" --wait --interval 0.2
as demo-viewer-key list --q 'Card payments declined'
as demo-responder-key decide "$id" --what 'Route European card traffic to the standby acquirer' --why 'The primary acquirer declines all EU cards'
as demo-responder-key resolve "$id" --summary 'Card payments from European customers work again since 10:42 UTC.'
sleep 1
v2=$((v + 1))
as demo-approver-key approve "$id" --version "$v2" --wait --interval 0.2
as demo-viewer-key history "$id"
as demo-manager-key audit "$id"
as demo-viewer-key show INC-does-not-exist
