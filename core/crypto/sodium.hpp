#pragma once
// libsodium must be initialised once before any primitive is used. Failure
// means the process cannot do cryptography safely at all, so it aborts.

namespace tumar::crypto {

void ensure_sodium();

}  // namespace tumar::crypto
