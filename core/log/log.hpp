#pragma once
// Diagnostics. core/ decides what is worth saying; the front end decides
// where it goes (stderr for the CLI, nowhere by default) and how much of it.
//
// A log line is built only from constants and public values (addresses,
// public-key fingerprints, counts, error sentences). Never pass secret
// material, plaintext or a passphrase: logs end up in terminals, bug reports
// and scrollback on a seized laptop.

#include <functional>
#include <string_view>

namespace tumar::log {

enum class Level { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

using Sink = std::function<void(Level, std::string_view)>;

// Lines at or below `level` go to `sink`; the default is no sink at all.
// Set once at start-up, before any other thread runs.
void configure(Level level, Sink sink);

bool enabled(Level level) noexcept;
void write(Level level, std::string_view line);

inline void debug(std::string_view line) { write(Level::kDebug, line); }
inline void info(std::string_view line) { write(Level::kInfo, line); }
inline void warn(std::string_view line) { write(Level::kWarn, line); }

const char* level_name(Level level) noexcept;

}  // namespace tumar::log
