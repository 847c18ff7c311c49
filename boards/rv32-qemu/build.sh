# boards/rv32-qemu: sourced by firmware/build.sh. rv32imc/ilp32 (ESP32-C3 ISA),
# picolibc, libsecp256k1 with small tables; engines wasm2c and wasm3.
need riscv64-unknown-elf-gcc "gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf"
CC=riscv64-unknown-elf-gcc
B="$ROOT/boards/rv32-qemu"
ARCH="-march=rv32imc -mabi=ilp32 -mcmodel=medany"
CFLAGS="$ARCH -Os -g -ffunction-sections -fdata-sections --specs=picolibc.specs -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 \
  -DSER_MAX=16384 -DDEV_REPLY_MAX=16384 -DDEV_INTERNAL_MAX=8192 -I$ROOT/boards/common/include"
S=$(secp_dir)
build_secp $CC "$ARCH -Os -ffunction-sections -fdata-sections --specs=picolibc.specs" "$OUT/secp" 2 2
cp "$(core_wasm)" "$OUT/core.wasm"
COMMON="$ROOT/firmware/shim/vigil_crypto.c $ROOT/firmware/shim/hashes.c $ROOT/firmware/shim/secp_callbacks.c \
  $ROOT/firmware/device/device.c $ROOT/firmware/serial/serial.c $ROOT/firmware/storage/store.c \
  $ROOT/firmware/storage/flash_ram.c $B/board.c $B/start.S"
INC="-I$S/include -I$ROOT/firmware/engine"
LD="-nostartfiles -T$B/link.ld -Wl,--gc-sections"
report() {
  riscv64-unknown-elf-size -A "$1" | awk -v n="$(basename "$1")" '$1==".text"{f+=$2} $1==".data"{f+=$2; r+=$2} $1==".bss"{r+=$2}
    END {printf "%s: flash %d B, RAM %d B data+bss (+ heap: wasm linear memory, engine)\n", n, f, r}' | tee "$1.size.txt"
}
if [ "$ENGINE" = wasm2c ] || [ "$ENGINE" = both ]; then
  mkdir -p "$OUT/w2c"
  wasm2c_core "$OUT/core.wasm" "$OUT/w2c"
  cp /usr/include/wasm-rt.h "$OUT/w2c/"
  $CC $CFLAGS -w -I"$OUT/w2c" -I"$W2C_RT" -c "$OUT/w2c/core_w2c.c" -o "$OUT/w2c/core_w2c.o" &
  $CC $CFLAGS -w -I"$OUT/w2c" -I"$W2C_RT" -include stdlib.h -c "$W2C_RT/wasm-rt-impl.c" -o "$OUT/w2c/wasm-rt-impl.o" &
  wait
  $CC $CFLAGS $INC -I"$OUT/w2c" -I"$W2C_RT" $COMMON "$ROOT/firmware/engine/engine_wasm2c.c" \
    "$OUT/w2c/core_w2c.o" "$OUT/w2c/wasm-rt-impl.o" "$OUT"/secp/*.o $LD -o "$OUT/vigil-rv32-wasm2c.elf"
  report "$OUT/vigil-rv32-wasm2c.elf"
fi
if [ "$ENGINE" = wasm3 ] || [ "$ENGINE" = both ]; then
  W3=$(wasm3_dir)
  build_wasm3 $CC "$CFLAGS" "$OUT/wasm3"
  embed_wasm "$OUT/core.wasm" "$OUT/core_wasm.c"
  $CC $CFLAGS $WASM3_DEFS $INC -I"$W3/source" $COMMON "$ROOT/firmware/engine/engine_wasm3.c" "$OUT/core_wasm.c" \
    "$OUT"/wasm3/*.o "$OUT"/secp/*.o $LD -lm -o "$OUT/vigil-rv32-wasm3.elf"
  report "$OUT/vigil-rv32-wasm3.elf"
fi
