#include "core/log/log.hpp"

namespace tumar::log {
namespace {

struct Config {
  Level level = Level::kWarn;
  Sink sink;
};

Config& config() {
  static Config c;
  return c;
}

}  // namespace

void configure(Level level, Sink sink) {
  config().level = level;
  config().sink = std::move(sink);
}

bool enabled(Level level) noexcept {
  const Config& c = config();
  return c.sink && static_cast<int>(level) <= static_cast<int>(c.level);
}

void write(Level level, std::string_view line) {
  if (enabled(level)) config().sink(level, line);
}

const char* level_name(Level level) noexcept {
  switch (level) {
    case Level::kError: return "error";
    case Level::kWarn: return "warning";
    case Level::kInfo: return "info";
    case Level::kDebug: return "debug";
  }
  return "?";
}

}  // namespace tumar::log
