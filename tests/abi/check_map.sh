#!/usr/bin/env bash
# Checks that the linker version script lists exactly the functions the public headers declare,
# each in the right node: nrt_async.h -> NRT_3.0.0; nrt.h, nrt_experimental.h, nrt_version.h,
# nrt_status.h, nrt_profile.h, nrt_sys_trace.h and the auxiliary headers (HEADERS_V2 below) -> NRT_2.0.0. Also checks the script's shape (local: * in NRT_2.0.0, NRT_3.0.0
# inheriting NRT_2.0.0).
#
#   check_map.sh <include-dir> <libnrt.map> [<libnrt.symbols>]
#                                               check; exit 1 with a report on any difference.
#                                               With a baseline, also check that it lists the
#                                               declared functions (what check_exports.sh expects).
#   check_map.sh --declared <include-dir>       print "name@@NODE" for every declared function,
#                                               sorted (the format of tests/abi/libnrt.symbols)
set -euo pipefail

usage() {
  echo "usage: $0 <include-dir> <libnrt.map> [<libnrt.symbols>] | $0 --declared <include-dir>" >&2
  exit 2
}

HEADERS_V2=(nrt_status.h nrt.h nrt_experimental.h nrt_version.h nrt_profile.h nrt_sys_trace.h)
HEADERS_V3=(nrt_async.h)
# The SDK's auxiliary headers: debug stream, async send/receive, and the hardware interfaces
# (nec_* and nds_* functions share NRT_2.0.0 with nrt_*).
HEADERS_V2+=(ndebug_stream.h nrt_async_sendrecv.h nec.h nds/neuron_ds.h)

# Function names declared in one header, one per line. A declaration is a line (comments stripped)
# starting with one of the API's return types followed by nrt_* / nrta_* / nec_* / nds_* and "(".
# Any other "nrt[a]_name(" / "nec_name(" / "nds_name(" outside a function-pointer typedef is reported as unrecognised, so that a
# declaration written in another style cannot slip past the check.
declared_in() {
  local header=$1
  [[ -f $header ]] || { echo "missing header: $header" >&2; return 1; }
  perl -0777 -ne '
    s{/\*.*?\*/}{ }gs;            # block comments
    s{//[^\n]*}{}g;               # line comments
    s{^[ \t]*#[^\n]*}{}gm;        # preprocessor lines (macros such as NRTA_SEQ_GET_XU_ID(x))
    my %decl;
    while (/^[ \t]*(?:extern[ \t]+)?(?:NRT_STATUS|void|size_t|int|bool|const[ \t]+char|nds_[a-z_]+_t)[ \t]*\*?[ \t]*((?:nrta?|nec|nds)_[A-Za-z0-9_]+)[ \t]*\(/mg) {
      $decl{$1} = 1;
    }
    my $bad = 0;
    while (/\b((?:nrta?|nec|nds)_[A-Za-z0-9_]+)[ \t\n]*\(/g) {
      next if $decl{$1};
      print STDERR "unrecognised declaration of $1 in '"$header"'\n";
      $bad = 1;
    }
    print "$_\n" for sort keys %decl;
    exit $bad;
  ' "$header"
}

declared() {
  local inc=$1 h
  {
    for h in "${HEADERS_V2[@]}"; do declared_in "$inc/nrt/$h" | sed 's/$/@@NRT_2.0.0/'; done
    for h in "${HEADERS_V3[@]}"; do declared_in "$inc/nrt/$h" | sed 's/$/@@NRT_3.0.0/'; done
  } | LC_ALL=C sort
}

# "name@@NODE" for every symbol in a global: section of the version script, sorted; checks shape.
listed() {
  local map=$1
  [[ -f $map ]] || { echo "missing version script: $map" >&2; return 1; }
  perl -0777 -ne '
    s{/\*.*?\*/}{ }gs;
    s{#[^\n]*}{}g;
    my $bad = 0; my %nodes;
    while (/([A-Za-z_][A-Za-z0-9_.]*)\s*\{(.*?)\}\s*([A-Za-z_][A-Za-z0-9_.]*)?\s*;/gs) {
      my ($node, $body, $parent) = ($1, $2, $3 // "");
      $nodes{$node} = $parent;
      my $scope = "global";
      for my $tok (split /;/, $body) {
        $tok =~ s/^\s+|\s+$//g;
        if ($tok =~ s/^(global|local)\s*:\s*//) { $scope = $1; }
        next if $tok eq "";
        if ($scope eq "local") {
          if ($tok ne "*") { print STDERR "$node: unexpected local entry \"$tok\"\n"; $bad = 1; }
          $nodes{"$node/local*"} = 1;
          next;
        }
        if ($tok !~ /^[A-Za-z_][A-Za-z0-9_]*$/) { print STDERR "$node: not a plain symbol name: \"$tok\"\n"; $bad = 1; next; }
        print "$tok\@\@$node\n";
      }
    }
    if (!exists $nodes{"NRT_2.0.0"} || $nodes{"NRT_2.0.0"} ne "") { print STDERR "node NRT_2.0.0 missing or not a base node\n"; $bad = 1; }
    if (!exists $nodes{"NRT_2.0.0/local*"}) { print STDERR "NRT_2.0.0 lacks \"local: *;\"\n"; $bad = 1; }
    if (($nodes{"NRT_3.0.0"} // "") ne "NRT_2.0.0") { print STDERR "node NRT_3.0.0 missing or does not inherit NRT_2.0.0\n"; $bad = 1; }
    for my $n (keys %nodes) {
      next if $n =~ m{/} || $n eq "NRT_2.0.0" || $n eq "NRT_3.0.0";
      print STDERR "unexpected version node $n\n"; $bad = 1;
    }
    exit $bad;
  ' "$map" | LC_ALL=C sort
  return "${PIPESTATUS[0]}"
}

if [[ ${1:-} == --declared ]]; then
  [[ $# -eq 2 ]] || usage
  declared "$2"
  exit 0
fi
[[ $# -eq 2 || $# -eq 3 ]] || usage

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declared "$1" >"$tmp/declared"
listed "$2" >"$tmp/listed"
dups=$(LC_ALL=C sort "$tmp/listed" | sed 's/@@.*//' | uniq -d)
if [[ -n $dups ]]; then
  echo "listed more than once in $2: ${dups//$'\n'/ }" >&2
  exit 1
fi
if ! diff -u --label "declared in $1/nrt/*.h" --label "listed in $2" "$tmp/declared" "$tmp/listed"; then
  echo "FAIL: the version script does not match the public headers (- declared only, + listed only)." >&2
  exit 1
fi
if [[ $# -eq 3 ]]; then
  if ! diff -u --label "declared in $1/nrt/*.h" --label "baseline $3" "$tmp/declared" <(LC_ALL=C sort "$3"); then
    echo "FAIL: the baseline does not match the public headers; regenerate it with:" >&2
    echo "      tests/abi/check_map.sh --declared include > tests/abi/libnrt.symbols" >&2
    exit 1
  fi
fi
echo "OK: $(wc -l <"$tmp/declared") functions, $(grep -c '@@NRT_2.0.0$' "$tmp/declared") in NRT_2.0.0," \
  "$(grep -c '@@NRT_3.0.0$' "$tmp/declared") in NRT_3.0.0"
