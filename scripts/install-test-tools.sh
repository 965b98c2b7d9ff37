#!/bin/sh
# Installs the system tools the tests use, once, from Debian's packages:
#   chromium   the report's browser test drives it through playwright-core (no browser
#              is ever downloaded by playwright)
#   hyperfine  pnpm bench:hyperfine, and the test that our JSON export has hyperfine's shape
#   python3, python3-requests, python3-aiohttp
#              the article's own programs (pnpm bench --python, packages/py-*), on the
#              system's interpreter: /usr/bin/python3, which the harness falls back to
#              when the first python3 on PATH (a pyenv shim, say) lacks the modules
#   redis-server  the distributed strategies (io-distributed, cpu-distributed) start one
#              of their own for each run unless given --redis; their tests start several.
#              On a machine with systemd, Debian's package also starts a system Redis on
#              port 6379, which speedup never uses.
set -eu
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium fonts-dejavu-core"
command -v hyperfine >/dev/null 2>&1 || missing="$missing hyperfine"
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing="$missing redis-server"
if [ -x /usr/bin/python3 ]; then
  /usr/bin/python3 -c 'import requests' >/dev/null 2>&1 || missing="$missing python3-requests"
  /usr/bin/python3 -c 'import aiohttp' >/dev/null 2>&1 || missing="$missing python3-aiohttp"
else
  missing="$missing python3 python3-requests python3-aiohttp"
fi
[ -n "$missing" ] || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: the tests need:$missing; install them with your package manager (or set SPEEDUP_SKIP_BROWSER=1 and SPEEDUP_SKIP_HYPERFINE=1 to skip those tests, and point SPEEDUP_PYTHON at a python3 with requests and aiohttp; the distributed strategies cannot run without redis-server)" >&2
  exit 1
fi
as_root=""
[ "$(id -u)" -eq 0 ] || as_root="sudo"
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
# shellcheck disable=SC2086
$as_root apt-get install -y -qq --no-install-recommends $missing
