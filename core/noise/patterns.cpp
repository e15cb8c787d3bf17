#include "core/noise/patterns.hpp"

namespace tumar::noise {

namespace {

constexpr Token e = Token::kE, s = Token::kS, ee = Token::kEE, es = Token::kES, se = Token::kSE, ss = Token::kSS;

// Each entry reads like the spec: {name, -> pre-message, <- pre-message, {messages}}.
const std::vector<Pattern>& table() {
  static const std::vector<Pattern> patterns = {
      // §7.4 one-way
      {"N", {}, {s}, {{e, es}}},
      {"K", {s}, {s}, {{e, es, ss}}},
      {"X", {}, {s}, {{e, es, s, ss}}},
      // §7.5 fundamental interactive
      {"NN", {}, {}, {{e}, {e, ee}}},
      {"NK", {}, {s}, {{e, es}, {e, ee}}},
      {"NX", {}, {}, {{e}, {e, ee, s, es}}},
      {"KN", {s}, {}, {{e}, {e, ee, se}}},
      {"KK", {s}, {s}, {{e, es, ss}, {e, ee, se}}},
      {"KX", {s}, {}, {{e}, {e, ee, se, s, es}}},
      {"XN", {}, {}, {{e}, {e, ee}, {s, se}}},
      {"XK", {}, {s}, {{e, es}, {e, ee}, {s, se}}},
      {"XX", {}, {}, {{e}, {e, ee, s, es}, {s, se}}},
      {"IN", {}, {}, {{e, s}, {e, ee, se}}},
      {"IK", {}, {s}, {{e, es, s, ss}, {e, ee, se}}},
      {"IX", {}, {}, {{e, s}, {e, ee, se, s, es}}},
      // §7.6 deferred
      {"NK1", {}, {s}, {{e}, {e, ee, es}}},
      {"NX1", {}, {}, {{e}, {e, ee, s}, {es}}},
      {"X1N", {}, {}, {{e}, {e, ee}, {s}, {se}}},
      {"X1K", {}, {s}, {{e, es}, {e, ee}, {s}, {se}}},
      {"XK1", {}, {s}, {{e}, {e, ee, es}, {s, se}}},
      {"X1K1", {}, {s}, {{e}, {e, ee, es}, {s}, {se}}},
      {"X1X", {}, {}, {{e}, {e, ee, s, es}, {s}, {se}}},
      {"XX1", {}, {}, {{e}, {e, ee, s}, {es, s, se}}},
      {"X1X1", {}, {}, {{e}, {e, ee, s}, {es, s}, {se}}},
      {"K1N", {s}, {}, {{e}, {e, ee}, {se}}},
      {"K1K", {s}, {s}, {{e, es}, {e, ee}, {se}}},
      {"KK1", {s}, {s}, {{e}, {e, ee, se, es}}},
      {"K1K1", {s}, {s}, {{e}, {e, ee, es}, {se}}},
      {"K1X", {s}, {}, {{e}, {e, ee, s, es}, {se}}},
      {"KX1", {s}, {}, {{e}, {e, ee, se, s}, {es}}},
      {"K1X1", {s}, {}, {{e}, {e, ee, s}, {se, es}}},
      {"I1N", {}, {}, {{e, s}, {e, ee}, {se}}},
      {"I1K", {}, {s}, {{e, es, s}, {e, ee}, {se}}},
      {"IK1", {}, {s}, {{e, s}, {e, ee, se, es}}},
      {"I1K1", {}, {s}, {{e, s}, {e, ee, es}, {se}}},
      {"I1X", {}, {}, {{e, s}, {e, ee, s, es}, {se}}},
      {"IX1", {}, {}, {{e, s}, {e, ee, se, s}, {es}}},
      {"I1X1", {}, {}, {{e, s}, {e, ee, s}, {se, es}}},
  };
  return patterns;
}

}  // namespace

const Pattern* find_pattern(std::string_view name) noexcept {
  for (const Pattern& p : table()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::span<const Pattern> all_patterns() noexcept { return table(); }

const Pattern* pattern_for_protocol(std::string_view protocol_name) noexcept {
  constexpr std::string_view kPrefix = "Noise_";
  if (!protocol_name.starts_with(kPrefix)) return nullptr;
  protocol_name.remove_prefix(kPrefix.size());
  const auto underscore = protocol_name.find('_');
  if (underscore == std::string_view::npos) return nullptr;
  if (protocol_name.substr(underscore + 1) != kSuite) return nullptr;
  return find_pattern(protocol_name.substr(0, underscore));
}

}  // namespace tumar::noise
