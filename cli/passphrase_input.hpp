#pragma once
// Passphrases go straight from the terminal or a file into sodium_malloc'd
// memory: never through std::string, never echoed.

#include <optional>
#include <string>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"

namespace tumar::cli {

inline constexpr std::size_t kMaxPassphraseBytes = 1024;
inline constexpr std::size_t kMinPassphraseChars = 8;

// The first line of the file (without its line ending). Refuses an empty one.
core::Result<crypto::SecretBuffer> read_passphrase_file(const std::string& path);

// Prompts on the controlling terminal with echo off. Fails (kInvalidArgument)
// with a sentence naming `file_flag` if there is no terminal.
core::Result<crypto::SecretBuffer> prompt_passphrase(const char* prompt, const char* file_flag);

// A new passphrase: from the file if given, else prompted twice and compared.
// Enforces kMinPassphraseChars.
core::Result<crypto::SecretBuffer> new_passphrase(const std::optional<std::string>& file, const char* what,
                                                  const char* file_flag);

// An existing passphrase: from the file if given, else one prompt.
core::Result<crypto::SecretBuffer> existing_passphrase(const std::optional<std::string>& file,
                                                       const char* file_flag);

}  // namespace tumar::cli
