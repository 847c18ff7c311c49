/* Device end of the serial framing (docs/firmware.md §Serial framing):
 *   u16 magic (0xAA55 host→device, 0x5AA5 device→host) | u8 kind | u32 seq |
 *   u32 len | payload[len] | u32 crc32 (IEEE, over kind..payload); big-endian.
 * Kinds: 1 request, 2 reply, 3 nack (payload: u8 reason), 4 hello, 5 hello reply,
 * 6 stats, 7 stats reply (counters, see serial.c execute()).
 * A frame with a bad CRC, a length over the limit or cut short is NACKed and
 * never executed; a request whose seq equals the last executed one gets the
 * cached reply again without running twice. */
#ifndef VIGIL_SERIAL_H
#define VIGIL_SERIAL_H
#include <stdint.h>

#define SER_MAGIC_REQ 0xAA55u
#define SER_MAGIC_REP 0x5AA5u
#define SER_HDR 11u
enum { SER_REQ = 1, SER_REPLY = 2, SER_NACK = 3, SER_HELLO = 4, SER_HELLO_REPLY = 5, SER_STATS = 6, SER_STATS_REPLY = 7 };
enum { NACK_CRC = 1, NACK_TOO_LARGE = 2, NACK_SEQ_REUSED = 3, NACK_KIND = 4 };

uint32_t ser_crc32(uint32_t crc, const uint8_t *p, uint32_t n);
/* Board output: write all bytes. */
void ser_write(const uint8_t *p, uint32_t n);
/* Feed received bytes; complete frames are executed and answered. */
void ser_feed(const uint8_t *p, uint32_t n);
/* No byte for a while (board's inter-byte timeout): give up a frame cut short
 * whose length promises more bytes than will come, and rescan after its magic. */
void ser_idle(void);
/* Board hook: heap bytes in use (high-water mark of sbrk), 0 if unknown. */
uint32_t ser_heap_used(void);
/* Counters for the fault tests. */
extern uint32_t ser_nacks, ser_replays;
#endif
