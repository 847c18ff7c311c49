# boards/stm32f413: the real-hardware target (built, not run: qemu has no F413).
# Same firmware as stm32f405-qemu (its board.c: USART1 on PA9/PA10 at the
# reset clock, 16 MHz HSI, BRR 0x8b for 115200 baud), this part's linker script
# and a 192 KiB linear-memory region.
# TODO on hardware: PLL to 100 MHz, GPIOA alternate function 7 for PA9/PA10.
BOARD_DIR="$ROOT/boards/stm32f413"
STM32_LD="$BOARD_DIR/link.ld"
# the state in the last two 128 KiB flash sectors (14, 15 at 0x08140000), kept out of the image by link.ld
STM32_EXTRA="-DWASM_MEM_MAX=196608u -DUSART_BRR_VALUE=0x8b -DVIGIL_STM32_FLASH -DVIGIL_STM32_FLASH_BASE=0x08140000u -DVIGIL_STM32_FLASH_FIRST=14u"
STM32_FLASH_SRC="$ROOT/firmware/storage/flash_stm32f4.c"
STM32_NAME=stm32f413
. "$ROOT/boards/stm32f405-qemu/build.sh"
