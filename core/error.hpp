#pragma once
// The one error type of core/. Every fallible core function returns
// core::Result<T>; no exception leaves core/. Messages are sentences a
// non-expert can act on and never contain secret material: build them only
// from constants and public values.

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace tumar::core {

enum class Errc {
  kInvalidArgument,   // the caller passed something malformed (bad hex, empty name)
  kWrongPassphrase,   // no key slot opens with the passphrase given
  kNoProfile,         // no profile at the home directory
  kProfileExists,     // init over an existing profile
  kProfileWiped,      // the profile was wiped while in use
  kTampered,          // authentication of stored data failed
  kCorrupt,           // a file is structurally invalid (wrong size, bad magic)
  kStorage,           // the operating system or SQLite failed
  kRefused,           // input from a peer or file was refused (invalid, forged, not permitted)
  kProtocol,          // a protocol peer misbehaved or a handshake failed
  kLimit,             // a size, count or nonce limit was reached
};

const char* errc_name(Errc code) noexcept;

class Error {
 public:
  Error(Errc code, std::string message) : code_(code), message_(std::move(message)) {}

  Errc code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

 private:
  Errc code_;
  std::string message_;
};

// Programmer misuse (a wrong buffer size, a call out of turn, a read before
// a seal) aborts, libsodium style: it is a bug in tumar, never something a
// peer or a file can cause, so no caller is expected to handle it. `what`
// names the function or module and the rule broken; it goes to stderr only.
[[noreturn]] void misuse(const char* what) noexcept;

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(Errc code, std::string message) {
  return tl::unexpected<Error>(Error(code, std::move(message)));
}

}  // namespace tumar::core

// Propagation without the boilerplate. Both return the error of a failed
// Result unchanged from the enclosing function (whose Result may hold another
// value type), and neither changes when anything is destroyed.
//
//   TUMAR_TRY(txn.commit());                  // Result<void>, or a value not needed
//   TUMAR_TRY_ASSIGN(row, statement.step());  // `row` names the value held
//
// TUMAR_TRY_ASSIGN declares `row` as a reference to the value inside a hidden
// Result that lives to the end of the enclosing scope, as `auto r = ...;
// if (!r) return ...;` kept it; `return row;` moves (C++20 implicit move).
// The expression is variadic, so commas inside braces need no parentheses.
#define TUMAR_TRY_CONCAT_INNER(a, b) a##b
#define TUMAR_TRY_CONCAT(a, b) TUMAR_TRY_CONCAT_INNER(a, b)
#define TUMAR_TRY_TMP TUMAR_TRY_CONCAT(tumar_try_result_, __LINE__)

#define TUMAR_TRY(...)                                                        \
  do {                                                                        \
    auto&& tumar_try_result = (__VA_ARGS__);                                  \
    if (!tumar_try_result) return ::tl::unexpected(tumar_try_result.error()); \
  } while (false)

#define TUMAR_TRY_ASSIGN(name, ...)                                    \
  auto TUMAR_TRY_TMP = (__VA_ARGS__);                                  \
  if (!TUMAR_TRY_TMP) return ::tl::unexpected(TUMAR_TRY_TMP.error()); \
  auto&& name = *std::move(TUMAR_TRY_TMP)
