# boards/linux-sim: sourced by firmware/build.sh (ROOT, OUT, ENGINE, helpers set).
# Builds build/firmware/linux-sim/vigil-sim-{wasm3,wasm2c}.
need gcc build-essential
CC=gcc
CFLAGS="-O2 -g -Wall -Wno-unused-function -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0"
S=$(secp_dir)
build_secp $CC "-O2" "$OUT/secp" 15 4
cp "$(core_wasm)" "$OUT/core.wasm" # a snapshot: others may rebuild build/core.wasm meanwhile
COMMON="$ROOT/firmware/shim/vigil_crypto.c $ROOT/firmware/shim/hashes.c $ROOT/firmware/shim/secp_callbacks.c \
  $ROOT/firmware/device/device.c $ROOT/firmware/serial/serial.c $ROOT/firmware/storage/store.c \
  $ROOT/firmware/storage/flash_sim.c $ROOT/boards/linux-sim/main.c"
INC="-I$S/include -I$ROOT/firmware/engine"

if [ "$ENGINE" = wasm3 ] || [ "$ENGINE" = both ]; then
  W3=$(wasm3_dir)
  build_wasm3 $CC "-O2 -g" "$OUT/wasm3"
  embed_wasm "$OUT/core.wasm" "$OUT/core_wasm.c"
  $CC $CFLAGS $WASM3_DEFS $INC -I"$W3/source" $COMMON "$ROOT/firmware/engine/engine_wasm3.c" "$OUT/core_wasm.c" \
    "$OUT"/wasm3/*.o "$OUT"/secp/*.o -lm -o "$OUT/vigil-sim-wasm3"
  echo "built $OUT/vigil-sim-wasm3"
fi
if [ "$ENGINE" = wasm2c ] || [ "$ENGINE" = both ]; then
  mkdir -p "$OUT/w2c"
  wasm2c_core "$OUT/core.wasm" "$OUT/w2c"
  $CC $CFLAGS -w -I"$W2C_RT" -c "$OUT/w2c/core_w2c.c" -o "$OUT/w2c/core_w2c.o" &
  $CC $CFLAGS -w -I"$W2C_RT" -c "$W2C_RT/wasm-rt-impl.c" -o "$OUT/w2c/wasm-rt-impl.o" &
  wait
  $CC $CFLAGS $INC -I"$OUT/w2c" -I"$W2C_RT" $COMMON "$ROOT/firmware/engine/engine_wasm2c.c" \
    "$OUT/w2c/core_w2c.o" "$OUT/w2c/wasm-rt-impl.o" "$OUT"/secp/*.o -lm -o "$OUT/vigil-sim-wasm2c"
  echo "built $OUT/vigil-sim-wasm2c"
fi
