# boards/stm32f413: the real-hardware target (built, not run: qemu has no F413).
# Same firmware as stm32f405-qemu (its board.c: USART1 on PA9/PA10 at the
# reset clock, 16 MHz HSI, BRR 0x8b for 115200 baud), this part's linker script
# and a 192 KiB linear-memory region.
# TODO on hardware: PLL to 100 MHz, GPIOA alternate function 7 for PA9/PA10.
BOARD_DIR="$ROOT/boards/stm32f413"
STM32_LD="$BOARD_DIR/link.ld"
STM32_EXTRA="-DWASM_MEM_MAX=196608u -DUSART_BRR_VALUE=0x8b"
STM32_NAME=stm32f413
. "$ROOT/boards/stm32f405-qemu/build.sh"
