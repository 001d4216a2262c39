# Shared helpers for scripts/run and scripts/test. Sourced, not executed.
set -euo pipefail

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

# Packages the server needs to build and run.
build_packages=(
  g++ cmake make ccache
  libboost1.81-dev libsoci-dev libmariadb-dev libsqlite3-dev
  nlohmann-json3-dev libsodium-dev libssl-dev libgtest-dev sqlite3
)
# Extra packages the test suite needs: a throwaway MariaDB, and headless Chromium with a CJK
# font for the browser tests (without one every Chinese character renders as an empty box).
test_packages=(mariadb-server mariadb-client chromium fonts-wqy-microhei)

# Node.js and npm for the browser tests: Debian's unless a newer one is already installed.
ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  install_missing nodejs npm
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

# build [BUILD_DIR]: configure once, then build every target.
build() {
  local root build_dir
  root=$(repo_root)
  build_dir=${1:-$root/build}
  if [[ ! -f $build_dir/CMakeCache.txt ]]; then
    cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
  fi
  cmake --build "$build_dir" -j "$(nproc)" >&2
}
