# Shared by scripts/demo and scripts/test: install what is missing from Debian's packages.

say() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ensure COMMAND PACKAGE...: installs the packages when the command is missing.
ensure() {
  local cmd=$1
  shift
  if ! command -v "$cmd" >/dev/null 2>&1; then
    say "Installing $* (for $cmd)"
    apt_install "$@"
  fi
}

# Rust 1.92 or newer is needed (the PDF typesetting asks for it); Debian's own cargo may be older.
ensure_rust() {
  ensure cc build-essential
  if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  ensure cargo cargo rustc
  local version
  version=$(rustc --version | awk '{print $2}')
  if ! printf '1.92.0\n%s\n' "$version" | sort -V -C; then
    echo "error: Rust $version is too old; Samordna needs 1.92 or newer (install it with rustup)." >&2
    exit 1
  fi
}
