#pragma once
// The one error type of core/. Every fallible core function returns
// core::Result<T>; no exception leaves core/. An error is a code for the
// caller's decisions, a stable id (core/error_ids.hpp) and the public values
// of the id's fields: core/ makes no sentences. The words a person reads are
// made at the edge from the id and fields (cli/error_text.cpp). Fields never
// hold secret material: only constants and public values.
//
// core/ cannot make a sentence: an Error is made only by make_error() (core/
// error_ids.hpp), which checks the id's fields at compile time, or by the
// front end's own cli::FrontEndError (cli/front_end_error.hpp), which core/
// may not include (cmake/TumarCoreModules.cmake).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace tumar::cli {
struct FrontEndError;
}  // namespace tumar::cli

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

// The id of an error: core/error_ids.hpp lists them with their fields. Only
// declared here, so that adding an id rebuilds only the code that uses ids.
enum class ErrorId : std::uint16_t;

class Error {
 public:
  Errc code() const noexcept { return code_; }
  ErrorId id() const noexcept { return id_; }
  std::string_view key() const noexcept;
  // In the order of error_spec(id()).fields.
  const std::vector<std::string>& values() const noexcept { return values_; }
  // The value of a named field, if this id has it.
  std::optional<std::string_view> field(std::string_view name) const noexcept;
  // The same error with another code, for a caller that classifies it again.
  Error with_code(Errc code) const;

  // An error that says why another happened: network.refused{reason} holds
  // the key of the error that refused the object and carries that error
  // itself as its cause, so the edge words the whole chain ("Refused: " and
  // the cause's own words) and core/ passes no sentence up. The field keeps
  // the cause's key so that describe() and a log keyed on fields still say
  // which reason it was.
  Error because(Error cause) const;
  const Error* cause() const noexcept { return cause_.get(); }

  // For debug logs: the key and fields, e.g. `profile.newer_schema{version=7}`;
  // a front end's sentence gives the sentence.
  std::string describe() const;

 private:
  template <ErrorId Id, typename... Values>
  friend Error make_error(Errc code, Values&&... values);
  friend struct cli::FrontEndError;

  // `values` in the order of error_spec(id).fields; make_error() checks
  // their number at compile time.
  Error(Errc code, ErrorId id, std::vector<std::string> values);

  Errc code_;
  ErrorId id_;
  std::vector<std::string> values_;
  std::shared_ptr<const Error> cause_;  // immutable once made: copies share it
};

template <typename T>
using Result = tl::expected<T, Error>;

// Programmer misuse (a wrong buffer size, a call out of turn, a read before
// a seal) aborts, libsodium style: it is a bug in tumar, never something a
// peer or a file can cause, so no caller is expected to handle it. `what`
// names the function or module and the rule broken; it goes to stderr only.
[[noreturn]] void misuse(const char* what) noexcept;

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
