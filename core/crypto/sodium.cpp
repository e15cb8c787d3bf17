#include "core/crypto/sodium.hpp"

#include <cstdio>
#include <cstdlib>

#include <sodium.h>

namespace tumar::crypto {

void ensure_sodium() {
  // sodium_init is thread-safe and idempotent; a negative result means no
  // usable randomness source.
  static const bool ok = [] { return sodium_init() >= 0; }();
  if (!ok) {
    std::fputs("tumar: libsodium could not initialise; refusing to run\n", stderr);
    std::abort();
  }
}

}  // namespace tumar::crypto
