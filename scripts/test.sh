#!/usr/bin/env bash
# Runs every test of InferencePipeline on a fresh machine: installs what the tests need when absent
# (the .NET SDK must be there; RabbitMQ, Redis and PyTorch come from Debian's packages), starts one
# private RabbitMQ and one Redis for the run, runs `dotnet test`, and prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
command -v redis-server >/dev/null || need+=(redis-server)
/usr/bin/python3 -c 'import torch, onnx' 2>/dev/null || need+=(python3-torch python3-onnx)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing ${need[*]} (apt, no recommends)"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required: https://dot.net (dotnet-sdk-10.0)"; exit 1; }

# One RabbitMQ and one Redis for the whole run, on free ports in a private directory; the test fixtures
# use them through INFERPIPE_TEST_RABBITMQ / INFERPIPE_TEST_REDIS (without these variables each test
# assembly starts its own, or uses Testcontainers when a Docker daemon is there).
run_dir=$(mktemp -d -t inferencepipeline-tests-XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
cleanup() {
  [ -n "${rabbit_pid:-}" ] && kill "$rabbit_pid" 2>/dev/null || true
  [ -n "${redis_pid:-}" ] && kill "$redis_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$run_dir"
}
trap cleanup EXIT

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$run_dir" >"$run_dir/redis.log" 2>&1 &
redis_pid=$!

rabbit_port=$(free_port); dist_port=$(free_port)
export HOME_RABBIT="$run_dir/rabbitmq"; mkdir -p "$HOME_RABBIT"
echo "[]." > "$HOME_RABBIT/enabled_plugins"
printf 'consumer_timeout = 21600000\n' > "$HOME_RABBIT/rabbitmq.conf"
node="tests${rabbit_port}@localhost"
( export HOME="$HOME_RABBIT" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_PORT="$rabbit_port" RABBITMQ_DIST_PORT="$dist_port" \
    RABBITMQ_MNESIA_BASE="$HOME_RABBIT/mnesia" RABBITMQ_LOG_BASE="$HOME_RABBIT/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$HOME_RABBIT/enabled_plugins" RABBITMQ_CONFIG_FILE="$HOME_RABBIT/rabbitmq.conf" RABBITMQ_LOGS=-
  exec /usr/lib/rabbitmq/bin/rabbitmq-server ) >"$run_dir/rabbitmq.log" 2>&1 &
rabbit_pid=$!
# await_startup fails at once while the node has not registered with epmd yet: retry for a minute.
for _ in $(seq 60); do
  HOME="$HOME_RABBIT" /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$node" await_startup >/dev/null 2>&1 && break
  kill -0 "$rabbit_pid" 2>/dev/null || { echo "RabbitMQ exited:"; tail -n 30 "$run_dir/rabbitmq.log"; exit 1; }
  sleep 1
done
HOME="$HOME_RABBIT" /usr/lib/rabbitmq/bin/rabbitmqctl -q -n "$node" await_startup >/dev/null \
  || { echo "RabbitMQ did not start within a minute:"; tail -n 30 "$run_dir/rabbitmq.log"; exit 1; }
export INFERPIPE_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:${rabbit_port}/"
export INFERPIPE_TEST_REDIS="127.0.0.1:${redis_port}"
echo "==> RabbitMQ on $rabbit_port, Redis on $redis_port"

log="$run_dir/dotnet-test.log"
set +e
dotnet test InferencePipeline.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over the test assemblies.
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
