#!/usr/bin/env bash
# Two network namespaces joined by a veth pair, for cluster tests that need
# non-loopback addresses and a partition they control. Addresses live only
# inside the namespaces (10.77.0.1/24 in NAME-a, 10.77.0.2/24 in NAME-b), so
# nothing of the host's network changes. Needs root (or CAP_SYS_ADMIN and
# CAP_NET_ADMIN) and iproute2.
#
#   netns.sh check                 exit 0 if namespaces can be made here, 77 if not
#   netns.sh up NAME               create NAME-a and NAME-b (undone on failure)
#   netns.sh down NAME             remove both (no error if already gone)
#   netns.sh exec NAME a|b CMD...  run CMD inside NAME-a or NAME-b
#   netns.sh cut NAME              partition: take the link down on both sides
#   netns.sh heal NAME             bring it up again
#   netns.sh with NAME -- CMD...   up, run CMD (NETNS_A, NETNS_B, NETNS_ADDR_A,
#                                  NETNS_ADDR_B in its environment), then down,
#                                  whatever CMD does or however the script ends;
#                                  exits with CMD's status
#
# NAME: letters, digits, '-' or '_', at most 24 characters; make it unique
# per test run (e.g. troupe-$$) so that parallel tests do not collide.
set -euo pipefail

addr_a=10.77.0.1
addr_b=10.77.0.2
prefix=24

die() { printf 'netns.sh: error: %s\n' "$*" >&2; exit 1; }

check_name() {
  [[ "${1:-}" =~ ^[A-Za-z0-9_-]{1,24}$ ]] || die "bad namespace name '${1:-}' (letters, digits, - and _, at most 24)"
}

have_ns() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }

down() {
  local name=$1 ns
  for ns in "$name-a" "$name-b"; do
    if have_ns "$ns"; then
      # Processes still inside would keep the namespace alive: end them.
      local pids
      pids=$(ip netns pids "$ns" 2>/dev/null || true)
      [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
      ip netns delete "$ns" 2>/dev/null || true
    fi
  done
  ! have_ns "$name-a" && ! have_ns "$name-b"
}

up() {
  local name=$1
  have_ns "$name-a" || have_ns "$name-b" && die "namespaces $name-a/$name-b exist already"
  # Undo whatever was made if a step fails.
  trap 'down "$name" >/dev/null 2>&1 || true' ERR
  ip netns add "$name-a"
  ip netns add "$name-b"
  ip link add name veth-a netns "$name-a" type veth peer name veth-b netns "$name-b"
  ip -n "$name-a" link set lo up
  ip -n "$name-b" link set lo up
  ip -n "$name-a" addr add "$addr_a/$prefix" dev veth-a
  ip -n "$name-b" addr add "$addr_b/$prefix" dev veth-b
  ip -n "$name-a" link set veth-a up
  ip -n "$name-b" link set veth-b up
  # The link carries packets once both ends report it up.
  local i
  for i in $(seq 1 50); do
    if ip -n "$name-a" -o link show veth-a | grep -q 'state UP' \
       && ip -n "$name-b" -o link show veth-b | grep -q 'state UP'; then
      trap - ERR
      return 0
    fi
    sleep 0.1
  done
  down "$name" >/dev/null 2>&1 || true
  die "the veth link between $name-a and $name-b does not carry packets"
}

cmd=${1:-}
shift || true
case "$cmd" in
  check)
    command -v ip >/dev/null 2>&1 || { echo "netns.sh: iproute2 (ip) is not installed" >&2; exit 77; }
    probe="troupe-probe-$$"
    if ! ip netns add "$probe" 2>/dev/null; then
      echo "netns.sh: cannot create network namespaces here (needs root)" >&2
      exit 77
    fi
    ip netns delete "$probe"
    ;;
  up) check_name "${1:-}"; up "$1" ;;
  down) check_name "${1:-}"; down "$1" || die "cannot remove $1-a/$1-b" ;;
  exec)
    check_name "${1:-}"
    name=$1
    side=${2:-}
    [ "$side" = a ] || [ "$side" = b ] || die "exec: side must be a or b"
    shift 2
    [ $# -gt 0 ] || die "exec: no command"
    exec ip netns exec "$name-$side" "$@"
    ;;
  cut)
    check_name "${1:-}"
    ip -n "$1-a" link set veth-a down
    ip -n "$1-b" link set veth-b down
    ;;
  heal)
    check_name "${1:-}"
    ip -n "$1-a" link set veth-a up
    ip -n "$1-b" link set veth-b up
    ;;
  with)
    check_name "${1:-}"
    name=$1
    shift
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || die "with: no command"
    trap 'down "$name" >/dev/null 2>&1 || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    up "$name"
    set +e
    NETNS_A="$name-a" NETNS_B="$name-b" NETNS_ADDR_A=$addr_a NETNS_ADDR_B=$addr_b "$@"
    status=$?
    set -e
    exit $status
    ;;
  *)
    sed -n '2,22p' "$0" >&2
    exit 2
    ;;
esac
