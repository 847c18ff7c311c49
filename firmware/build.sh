#!/usr/bin/env bash
# Firmware build: `firmware/build.sh <target> [engine]`
#   targets: shim-test (C unit test of the shim), store-test (the flash store
#   under power cuts; arg 2 = cut every Nth write point), linux-sim (native),
#   stm32f405-qemu, stm32f413, rv32-qemu
#   engine:  wasm3 | wasm2c | both (default both)
# Third-party sources are unpacked into .cache/ (never the repo):
#   libsecp256k1: Debian source package (`apt-get source libsecp256k1`, needs a
#     deb-src line) or SECP_DIR=<unpacked tree>
#   wasm3: ../shared/vendor/wasm3-src.tar.gz (SHA-256 checked) or WASM3_DIR=<tree>
# Outputs in build/firmware/<target>/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${1:-linux-sim}"
ENGINE="${2:-both}"
CACHE="$ROOT/.cache/firmware"
OUT="$ROOT/build/firmware/$TARGET"
JOBS="${JOBS:-2}"
mkdir -p "$CACHE" "$OUT"

need() { command -v "$1" >/dev/null 2>&1 || { echo "build.sh: '$1' not found (apt-get install $2)" >&2; exit 3; }; }

secp_dir() {
  if [ -n "${SECP_DIR:-}" ]; then echo "$SECP_DIR"; return; fi
  local d
  d=$(ls -d "$CACHE"/secp/libsecp256k1-*/ 2>/dev/null | head -1 || true)
  if [ -z "$d" ]; then
    mkdir -p "$CACHE/secp"
    # dpkg-source checks the .dsc checksums of the Debian archive
    (cd "$CACHE/secp" && apt-get source -q libsecp256k1 >&2) || {
      echo "build.sh: cannot fetch libsecp256k1 source: add a deb-src line and apt-get update, or set SECP_DIR" >&2; exit 3; }
    d=$(ls -d "$CACHE"/secp/libsecp256k1-*/ | head -1)
  fi
  echo "${d%/}"
}

wasm3_dir() {
  if [ -n "${WASM3_DIR:-}" ]; then echo "$WASM3_DIR"; return; fi
  local tgz="$ROOT/../shared/vendor/wasm3-src.tar.gz"
  [ -f "$tgz" ] || tgz="/work/shared/vendor/wasm3-src.tar.gz"
  local want got
  want=$(cut -d' ' -f1 "$tgz.sha256")
  if [ ! -f "$CACHE/wasm3/.ok-$want" ]; then
    got=$(sha256sum "$tgz" | cut -d' ' -f1)
    [ "$got" = "$want" ] || { echo "build.sh: wasm3 archive checksum mismatch ($got != $want)" >&2; exit 3; }
    rm -rf "$CACHE/wasm3" && mkdir -p "$CACHE/wasm3"
    tar -xzf "$tgz" -C "$CACHE/wasm3"
    touch "$CACHE/wasm3/.ok-$want"
  fi
  local src
  src=$(dirname "$(find "$CACHE/wasm3" -name m3_env.c -path '*source*' | head -1)")
  echo "$(dirname "$src")"
}

SECP_DEFS="-DENABLE_MODULE_ECDH -DENABLE_MODULE_EXTRAKEYS -DENABLE_MODULE_SCHNORRSIG -DUSE_EXTERNAL_DEFAULT_CALLBACKS"

# build_secp <cc> <cflags> <outdir> <window> <genbits>
build_secp() {
  local cc="$1" cflags="$2" od="$3" win="$4" gen="$5" s
  s=$(secp_dir)
  mkdir -p "$od"
  local defs="$SECP_DEFS -DECMULT_WINDOW_SIZE=$win -DECMULT_GEN_PREC_BITS=$gen"
  for f in secp256k1 precomputed_ecmult precomputed_ecmult_gen; do
    if [ ! -f "$od/$f.o" ] || [ "$s/src/$f.c" -nt "$od/$f.o" ]; then
      $cc $cflags -w $defs -I"$s" -I"$s/src" -c "$s/src/$f.c" -o "$od/$f.o" &
    fi
  done
  wait
}

core_wasm() {
  [ -f "$ROOT/build/core.wasm" ] || { echo "build.sh: build/core.wasm missing: npm run asbuild" >&2; exit 3; }
  echo "$ROOT/build/core.wasm"
}

# embed_wasm <core.wasm> <out.c>: the module as a const array (wasm3 reads it in place)
embed_wasm() {
  { echo "#include <stdint.h>"
    echo "const uint32_t vigil_core_wasm_len = $(stat -c %s "$1");"
    echo "__attribute__((aligned(4))) const uint8_t vigil_core_wasm[] = {"
    od -An -v -tx1 "$1" | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'
    echo "};"; } > "$2"
}

# wasm2c_core <core.wasm> <outdir>: core_w2c.c/.h (Debian wabt)
wasm2c_core() {
  need wasm2c wabt
  wasm2c "$1" -n core -o "$2/core_w2c.c"
}

WASM3_SRCS="m3_bind m3_code m3_compile m3_core m3_env m3_exec m3_function m3_info m3_module m3_parse m3_validate"
# wasm3 allocates compiled code in pages of d_m3CodePageAlignSize (32 KiB by
# default) and compiles callees depth-first, each level on a fresh page: with
# this core that left 1.15 MB of pages holding 85 KB of code after policy_set
# (rv32). 1 KiB pages keep the slack to ~4 % (docs/firmware.md §wasm3 memory).
WASM3_DEFS="-Dd_m3CodePageAlignSize=1024"

# build_wasm3 <cc> <cflags> <outdir>: wasm3's objects, rebuilt when the sources or the flags change
build_wasm3() {
  local cc="$1" cflags="$2 $WASM3_DEFS" od="$3" W3 f
  W3=$(wasm3_dir)
  mkdir -p "$od"
  [ "$(cat "$od/.flags" 2>/dev/null)" = "$cc $cflags" ] || rm -f "$od"/*.o
  for f in $WASM3_SRCS; do
    [ "$od/$f.o" -nt "$W3/source/$f.c" ] || $cc $cflags -w -I"$W3/source" -c "$W3/source/$f.c" -o "$od/$f.o" &
  done
  wait
  echo "$cc $cflags" > "$od/.flags"
}
W2C_RT=/usr/share/wabt/wasm2c

case "$TARGET" in
  shim-test)
    need gcc build-essential
    build_secp gcc "-O2" "$OUT/secp" 15 4
    S=$(secp_dir)
    gcc -O2 -Wall -Wextra -I"$S/include" "$ROOT/firmware/test/test_shim.c" "$ROOT/firmware/shim/vigil_crypto.c" \
      "$ROOT/firmware/shim/hashes.c" "$ROOT/firmware/shim/secp_callbacks.c" "$OUT"/secp/*.o -o "$OUT/test_shim"
    "$OUT/test_shim"
    ;;
  store-test)
    # the flash store under power cuts in process; arg 2: cut every Nth write point (1: all)
    need gcc build-essential
    S="$ROOT/firmware/storage"
    gcc -O2 -g -Wall -Wextra -Wno-clobbered -fsanitize=address,undefined "$ROOT/firmware/test/test_store.c" "$S/store.c" "$S/flash_sim.c" -o "$OUT/test_store"
    STEP="${2:-1}"
    for g in "512 8 12345" "256 16 7" "4096 4 99"; do "$OUT/test_store" "$STEP" $g; done
    ;;
  *)
    BOARD_SH="$ROOT/boards/$TARGET/build.sh"
    [ -f "$BOARD_SH" ] || { echo "build.sh: unknown target '$TARGET'" >&2; exit 2; }
    export ROOT CACHE OUT JOBS ENGINE SECP_DEFS
    # shellcheck source=/dev/null
    . "$BOARD_SH"
    ;;
esac
