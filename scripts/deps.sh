# shellcheck shell=bash
#
# scripts/deps.sh - make sure the Debian packages gsctp needs are installed.
#
# Source it (". scripts/deps.sh") or run it ("bash scripts/deps.sh").
# Either way it checks every package with dpkg-query and, only if one is
# missing, runs `apt-get update` once and installs the missing ones with
# `apt-get install -y --no-install-recommends`.  A machine that already
# has everything does no apt work at all.  Installing needs root; without
# it the missing packages are listed and the check fails.
#
# Sourcing defines gsctp_deps_ensure (and runs it once); it does not change
# the caller's shell options.  Set GSCTP_SKIP_DEPS=1 to skip the check
# (for machines that provide the packages some other way).

GSCTP_DEPS_PACKAGES="build-essential cmake pkg-config libusrsctp-dev \
libpcap-dev libcriterion-dev tshark tcpdump python3-scapy iproute2 \
clang-format git golang-go golang-github-pion-sctp-dev nodejs"

# gsctp_deps_missing prints the packages of $GSCTP_DEPS_PACKAGES that are
# not installed, one per line.
gsctp_deps_missing() {
  local pkg status
  for pkg in $GSCTP_DEPS_PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) || status=
    if [ "$status" != installed ]; then
      printf '%s\n' "$pkg"
    fi
  done
}

# gsctp_deps_ensure installs whatever is missing.  Returns 0 when every
# package is installed afterwards, non-zero (with a message) otherwise.
gsctp_deps_ensure() {
  local missing

  if [ "${GSCTP_SKIP_DEPS:-0}" = 1 ]; then
    return 0
  fi
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: dpkg-query not found: not a Debian system, skipping the" \
      "package check (needed: $GSCTP_DEPS_PACKAGES)" >&2
    return 0
  fi

  missing=$(gsctp_deps_missing | tr '\n' ' ')
  missing=${missing% }
  if [ -z "$missing" ]; then
    return 0
  fi

  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages: $missing" >&2
    echo "deps: installing them needs root; run as root, or:" >&2
    echo "deps:   sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive" \
      "apt-get install -y --no-install-recommends $missing" >&2
    return 1
  fi

  echo "deps: installing: $missing" >&2
  case " $missing " in
    *" tshark "*)
      # Do not ask whether non-root users may capture (and do not make
      # dumpcap setuid).
      echo 'wireshark-common wireshark-common/install-setuid boolean false' |
        debconf-set-selections || return 1
      ;;
  esac
  DEBIAN_FRONTEND=noninteractive apt-get update || {
    echo "deps: apt-get update failed" >&2
    return 1
  }
  # shellcheck disable=SC2086 # word splitting of the package list is wanted
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    $missing || {
    echo "deps: apt-get install failed for: $missing" >&2
    return 1
  }

  missing=$(gsctp_deps_missing | tr '\n' ' ')
  if [ -n "$missing" ]; then
    echo "deps: still missing after apt-get install: $missing" >&2
    return 1
  fi
  return 0
}

# Sourced: run the check once and hand its status back to the caller.
# Executed: the same, as the script's exit status.
if (return 0 2>/dev/null); then
  gsctp_deps_ensure
else
  gsctp_deps_ensure
  exit $?
fi
