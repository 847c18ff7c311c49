# boards/stm32f405-qemu: sourced by firmware/build.sh. Cortex-M4 (soft float),
# picolibc, libsecp256k1 with small tables; engines wasm2c and wasm3.
need arm-none-eabi-gcc "gcc-arm-none-eabi picolibc-arm-none-eabi"
CC=arm-none-eabi-gcc
B="$ROOT/boards/stm32f405-qemu"
STM32_LD="${STM32_LD:-$B/link.ld}"   # boards/stm32f413 reuses this script with its own
STM32_NAME="${STM32_NAME:-stm32}"
STM32_FLASH_SRC="${STM32_FLASH_SRC:-$ROOT/firmware/storage/flash_semihost.c}" # the state's flash backend
# -fno-short-enums on every object: wasm-rt-impl.c reads an enum with va_arg,
# which gcc turns into a trap when enums are short (the AAPCS bare-metal default)
ARCH="-mcpu=cortex-m4 -mthumb -mfloat-abi=soft -fno-short-enums"
CFLAGS="$ARCH -Os -g -ffunction-sections -fdata-sections --specs=picolibc.specs -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 \
  -DSER_MAX=8192 -DDEV_REPLY_MAX=8192 -DDEV_INTERNAL_MAX=4096 -I$ROOT/boards/common/include ${STM32_EXTRA:-}"
S=$(secp_dir)
build_secp $CC "$ARCH -Os -ffunction-sections -fdata-sections --specs=picolibc.specs" "$OUT/secp" 2 2
cp "$(core_wasm)" "$OUT/core.wasm"
COMMON="$ROOT/firmware/shim/vigil_crypto.c $ROOT/firmware/shim/hashes.c $ROOT/firmware/shim/secp_callbacks.c \
  $ROOT/firmware/device/device.c $ROOT/firmware/serial/serial.c $ROOT/firmware/storage/store.c $STM32_FLASH_SRC $B/board.c"
INC="-I$S/include -I$ROOT/firmware/engine"
LD="-Wl,--no-enum-size-warning -nostartfiles -T$STM32_LD -Wl,--gc-sections -Wl,--print-memory-usage"
# flash = text + data; RAM = data + bss (without the 128 KiB wasm memory) + heap/stack region reserved
report() {
  local n; n=$(basename "$1")
  arm-none-eabi-size -A "$1" | awk -v n="$n" '$1==".text"||$1==".ARM.exidx"{f+=$2} $1==".data"{f+=$2; r+=$2} $1==".bss"{r+=$2} $1==".wasmmem"{w=$2}
    END {printf "%s: flash %d B, RAM %d B data+bss + %d B wasm linear memory (+ heap and stack in the rest of RAM)\n", n, f, r, w}' | tee "$1.size.txt"
}

if [ "$ENGINE" = wasm2c ] || [ "$ENGINE" = both ]; then
  mkdir -p "$OUT/w2c"
  wasm2c_core "$OUT/core.wasm" "$OUT/w2c"
  cp /usr/include/wasm-rt.h "$OUT/w2c/" # the cross compiler does not search /usr/include
  $CC $CFLAGS -w -I"$OUT/w2c" -I"$W2C_RT" -c "$OUT/w2c/core_w2c.c" -o "$OUT/w2c/core_w2c.o" &
  $CC $CFLAGS -w -I"$OUT/w2c" -I"$W2C_RT" -Dcalloc=vb_calloc -Drealloc=vb_realloc -Dfree=vb_free \
    -include stdlib.h -c "$W2C_RT/wasm-rt-impl.c" -o "$OUT/w2c/wasm-rt-impl.o" &
  wait
  $CC $CFLAGS $INC -I"$OUT/w2c" -I"$W2C_RT" $COMMON "$ROOT/firmware/engine/engine_wasm2c.c" \
    "$OUT/w2c/core_w2c.o" "$OUT/w2c/wasm-rt-impl.o" "$OUT"/secp/*.o $LD -o "$OUT/vigil-$STM32_NAME-wasm2c.elf"
  report "$OUT/vigil-$STM32_NAME-wasm2c.elf"
fi
if [ "$ENGINE" = wasm3 ] || [ "$ENGINE" = both ]; then
  W3=$(wasm3_dir)
  build_wasm3 $CC "$CFLAGS" "$OUT/wasm3"
  embed_wasm "$OUT/core.wasm" "$OUT/core_wasm.c"
  $CC $CFLAGS $WASM3_DEFS $INC -I"$W3/source" -DVE_WASM3_STACK=8192 $COMMON "$ROOT/firmware/engine/engine_wasm3.c" "$OUT/core_wasm.c" \
    "$OUT"/wasm3/*.o "$OUT"/secp/*.o $LD -lm -o "$OUT/vigil-$STM32_NAME-wasm3.elf"
  report "$OUT/vigil-$STM32_NAME-wasm3.elf"
fi
