# Shared helpers for scripts/run and scripts/test. Sourced, not executed.
set -euo pipefail

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# ccache hits across clones of the repository in other folders (CI builds a fresh clone): paths
# are hashed relative to the clone, and the working directory is left out of the hash.
CCACHE_BASEDIR=$(repo_root)
export CCACHE_BASEDIR CCACHE_NOHASHDIR=1

# Ninja schedules the build across both cores better than make; unity builds (one translation unit per
# few sources of a library) parse the heavy headers (nlohmann, SOCI, gtest) once per batch instead of
# once per file. A build folder keeps the generator it was made with.
generator=(-G Ninja)

# Packages the server needs to build and run.
build_packages=(
  g++ cmake ninja-build ccache
  libboost1.81-dev libsoci-dev libmariadb-dev libsqlite3-dev
  nlohmann-json3-dev libsodium-dev libssl-dev libgtest-dev sqlite3 libunistring-dev
)
# Extra packages the test suite needs: a throwaway MariaDB, headless Chromium with a CJK font for the
# browser tests (without one every Chinese character renders as an empty box), nginx, curl, jq and rsync
# for the operations guide's test (tests/guide/run runs nginx as its child, never as a service), and Python
# with PyYAML for the check of the monitoring files (tests/docs/check_monitoring.py).
test_packages=(mariadb-server mariadb-client chromium fonts-wqy-microhei openssl nginx curl jq rsync python3 python3-yaml)
# clang with its sanitizer and libFuzzer runtimes, for scripts/sanitize.
sanitize_packages=(clang libclang-rt-14-dev)

# Node.js and npm for the browser tests: Debian's unless a newer one is already installed.
ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  install_missing nodejs npm
}

# The browser client's npm packages (a chart library), exactly as locked; served from web-client/node_modules.
build_client() {
  ensure_node
  (cd "$1/web-client" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# install_missing PKG...: apt-get installs whatever of PKG is not installed yet.
install_missing() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "installing: ${missing[*]}" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# start_mariadb DIR [OPTION...]: a throwaway MariaDB server with its data under DIR (no systemd), on a
# free port of 127.0.0.1, with durable commits. OPTIONs are added to mariadbd's command line after the
# ones here (so they win: --log-bin=... turns the binary log on). Started again on the same DIR after
# stop_mariadb, it keeps its data and its port. Sets mariadb_port and mariadb_pid; stop_mariadb stops it.
mariadb_pid=
mariadb_port=
start_mariadb() {
  local dir=$1 candidate user_args=()
  shift
  if [[ $(id -u) -eq 0 ]]; then user_args=(--user=mysql); fi
  if [[ -f $dir/port ]]; then
    mariadb_port=$(<"$dir/port")
  else
    mariadb_port=
    # Below the ephemeral range (32768 and up), where outgoing connections of load tests take ports.
    for _ in $(seq 1 50); do
      candidate=$((20000 + RANDOM % 12000))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then mariadb_port=$candidate; break; fi
    done
    [[ -n $mariadb_port ]] || { echo "no free port for MariaDB" >&2; return 1; }
    mkdir -p "$dir/data" "$dir/run" "$dir/tmp"
    if [[ $(id -u) -eq 0 ]]; then chown -R mysql:mysql "$dir"; fi
    # Its own tmpdir here too: the bootstrap removes the #sql* files it finds there, which in a shared
    # /tmp are the temporary tables of another MariaDB being set up at the same time (ctest -j).
    mariadb-install-db "${user_args[@]}" --datadir="$dir/data" --tmpdir="$dir/tmp" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 ||
      { cat "$dir/install.log" >&2; return 1; }
    echo "$mariadb_port" >"$dir/port"
  fi
  local attempt
  for attempt in 1 2 3 4 5; do
    mariadbd "${user_args[@]}" --datadir="$dir/data" --socket="$dir/run/sock" --pid-file="$dir/run/pid" --tmpdir="$dir/tmp" \
      --port="$mariadb_port" --bind-address=127.0.0.1 --skip-log-bin --innodb-flush-log-at-trx-commit=1 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --max-connections=500 --log-error="$dir/mariadb.err" "$@" &
    mariadb_pid=$!
    for _ in $(seq 1 120); do
      mariadb -h127.0.0.1 -P"$mariadb_port" -uroot -e 'select 1' >/dev/null 2>&1 && { : >"$dir/started"; return 0; }
      kill -0 "$mariadb_pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$mariadb_pid" 2>/dev/null; then echo "MariaDB did not start" >&2; return 1; fi
    wait "$mariadb_pid" 2>/dev/null || true
    mariadb_pid=
    # Another process took the port between the check and the bind: on a first start, another port.
    if grep -q 'Address already in use' "$dir/mariadb.err" && [[ ! -f $dir/started ]]; then
      mariadb_port=$((20000 + RANDOM % 12000))
      echo "$mariadb_port" >"$dir/port"
      : >"$dir/mariadb.err"
      continue
    fi
    cat "$dir/mariadb.err" >&2
    return 1
  done
  echo "MariaDB did not start: no free port" >&2
  return 1
}

stop_mariadb() {
  if [[ -n $mariadb_pid ]]; then
    kill "$mariadb_pid" 2>/dev/null || true
    wait "$mariadb_pid" 2>/dev/null || true
    mariadb_pid=
  fi
}

# build [BUILD_DIR]: configure once, then build every target.
build() {
  local root build_dir
  root=$(repo_root)
  build_dir=${1:-$root/build}
  if [[ ! -f $build_dir/CMakeCache.txt ]]; then
    cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${generator[@]}" -DCMAKE_UNITY_BUILD=ON >&2
  fi
  cmake --build "$build_dir" -j "$(nproc)" >&2
}
