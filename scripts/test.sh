#!/usr/bin/env bash
# Runs every test of InferencePipeline on a fresh machine: installs what the tests need when absent
# (the .NET SDK must be there; RabbitMQ, Redis, PyTorch and pika come from Debian's packages), runs
# `dotnet test` (whose fixtures start the servers), and prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
command -v redis-server >/dev/null || need+=(redis-server)
/usr/bin/python3 -c 'import torch, onnx' 2>/dev/null || need+=(python3-torch python3-onnx)
/usr/bin/python3 -c 'import pika' 2>/dev/null || need+=(python3-pika)   # the AMQP trigger example's test
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)   # text in the report's plot
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing ${need[*]} (apt, no recommends)"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required: https://dot.net (dotnet-sdk-10.0)"; exit 1; }

# The test fixtures start their own private RabbitMQ and Redis (free ports, temp dirs, one per test
# assembly so parallel assemblies never share queues), or use Testcontainers when a Docker daemon runs.
run_dir=$(mktemp -d -t inferencepipeline-tests-XXXXXX)
trap 'rm -rf "$run_dir"' EXIT

log="$run_dir/dotnet-test.log"
set +e
# Build in parallel, then run the test assemblies one after another: several measure throughput or
# timing on a 2-core machine and must not compete with each other for the CPU.
dotnet build InferencePipeline.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then
  dotnet test InferencePipeline.sln -c Release --no-build -m:1 --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
fi
set -e

# The failures again, just above the summary: CI often keeps only the tail of a long log, and a failed test
# printed minutes earlier, among hundreds of passed ones, would be lost from it.
# dotnet test's normal verbosity writes each result as "  Failed <test name> [<duration>]".
if grep -qE '^  Failed [^ ].*\]$' "$log"; then
  echo "==> failed tests (name, message and the first lines of the stack):"
  awk '/^  Failed [^ ].*\]$/ { keep = 1; lines = 0 }
       /^  (Passed|Skipped) [^ ].*\]$/ || /^\[xUnit/ || /^Test Run / { keep = 0 }
       keep && lines++ < 25' "$log"
fi

# One closing line for the whole run, summed over the test assemblies' "Total tests" blocks.
awk '/^[[:space:]]+(Passed|Failed|Skipped):[[:space:]]+[0-9]+[[:space:]]*$/ { n[$1] += $2 }
     END { printf "Tests: %d passed, %d failed, %d skipped\n", n["Passed:"], n["Failed:"], n["Skipped:"] }' "$log"
exit "$status"
