/* libsecp256k1 is built with USE_EXTERNAL_DEFAULT_CALLBACKS (no stdio on a
 * board): its illegal-argument and error callbacks land here. Both mean a bug
 * in the caller; the shim validates every argument first, so they never fire. */
#include <stdlib.h>
void vigil_fatal(const char *msg);

__attribute__((weak)) void vigil_fatal(const char *msg) { (void)msg; abort(); }

void secp256k1_default_illegal_callback_fn(const char *str, void *data) { (void)data; vigil_fatal(str); }
void secp256k1_default_error_callback_fn(const char *str, void *data) { (void)data; vigil_fatal(str); }
