#pragma once
// What the tor-driver fuzz targets do with an input, shared with the seed
// test (tor_driver_fuzz_seeds_test.cpp) that replays their corpora.
//
// torrc (tests/fuzz/torrc_fuzz.cpp): the input is a user's torrc file. If
// check_extra_torrc() accepts it, every line kept is one directive without
// a control character or a trailing backslash, none names (in any case, as
// an abbreviation, after + or /) one of the options a naive list written
// here from tor's manual says tumar must own, checking the lines again
// keeps them as they are, and the whole torrc is written with them.
//
// tor_supervision (tests/fuzz/tor_supervision_fuzz.cpp): each pair of bytes
// is an event (started, progress, control lost, exited, timer, stop) and a
// step of the virtual clock (20 ms each; also the percentage of a
// progress). The policy never starts tor twice without an
// exit between, never stops a tor that is not running, never starts again
// after giving up or stopping, and every delay is within the policy's bounds.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/tor/tor_supervision.hpp"
#include "core/tor/torrc.hpp"

namespace tumar::tor::fuzz {

inline void require_driver(bool ok) {
  if (!ok) std::abort();
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline void check_torrc(std::span<const std::uint8_t> data) {
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  auto lines = check_extra_torrc(text);
  if (!lines) return;
  static const char* const kMustOwn[] = {"datadirectory", "controlport", "controlsocket", "socksport",
                                         "cookieauthentication", "cookieauthfile", "hiddenservicedir",
                                         "hiddenserviceport", "__owningcontrollerprocess", "runasdaemon",
                                         "orport", "dnsport", "transport", "log", "safelogging"};
  for (const std::string& line : *lines) {
    require_driver(!line.empty() && line.front() != '#' && line.front() != ' ' && line.front() != '\t');
    require_driver(line.back() != '\\');
    for (char c : line) {
      const auto u = static_cast<unsigned char>(c);
      require_driver(u >= 0x20 || c == '\t');
      require_driver(u != 0x7F);
    }
    std::string key = line.substr(0, std::min(line.find_first_of(" \t"), line.size()));
    if (!key.empty() && (key[0] == '+' || key[0] == '/')) key.erase(0, 1);
    key = lower(key);
    require_driver(!key.empty() && key[0] != '%' && !key.starts_with("__"));
    for (const char* own : kMustOwn) require_driver(!std::string_view(own).starts_with(key));
  }
  std::string joined;
  for (const std::string& line : *lines) joined += line + "\n";
  auto again = check_extra_torrc(joined);
  require_driver(again && *again == *lines);
  TorrcOptions o;
  o.data_directory = "/p/tor";
  o.control_socket = "/p/tor/control";
  o.socks_socket = "/p/tor/socks";
  o.cookie_file = "/p/tor/cookie";
  o.owning_pid = 1;
  o.extra_lines = *lines;
  auto torrc = write_torrc(o);
  require_driver(torrc.has_value());
}

inline void check_supervision(std::span<const std::uint8_t> data) {
  SupervisionPolicy p;
  p.initial_backoff = SupervisionDuration(100);
  p.max_backoff = SupervisionDuration(1'600);
  p.stall_after = SupervisionDuration(5'000);
  p.healthy_after = SupervisionDuration(3'000);
  p.max_failures = data.empty() ? 0 : data[0] % 8;
  TorSupervision s(p);
  SupervisionInstant now{};
  bool running = false;  // a tor the driver started and has not seen exit
  bool ended = false;    // gave up or stopped on request
  auto take = [&](const SupervisionStep& step) {
    if (step.restart) {
      require_driver(step.restart->delay >= p.initial_backoff && step.restart->delay <= p.max_backoff);
      require_driver(step.restart->attempt == s.failures());
    }
    switch (step.action) {
      case SupervisionAction::kStart:
        require_driver(!running && !ended);
        running = true;
        break;
      case SupervisionAction::kStop:
        require_driver(running);
        break;
      case SupervisionAction::kGiveUp:
        require_driver(!running && p.max_failures != 0 && s.failures() == p.max_failures);
        ended = true;
        break;
      case SupervisionAction::kNone:
        break;
    }
    if (s.stopped()) ended = true;
  };
  take(s.start(now));
  for (std::size_t i = 1; i + 1 < data.size(); i += 2) {
    now += SupervisionDuration(std::int64_t{data[i + 1]} * 20);
    switch (data[i] % 6) {
      case 0:
        if (running) take(s.on_started(now));
        break;
      case 1:
        take(s.on_progress(now, data[i + 1] % 101));
        break;
      case 2:
        take(s.on_control_lost(now));
        break;
      case 3:
        if (running) {
          running = false;
          take(s.on_exited(now, data[i + 1]));
        }
        break;
      case 4:
        take(s.on_timer(now));
        break;
      case 5:
        if (data[i + 1] == 0) take(s.stop(now));
        break;
    }
  }
}

}  // namespace tumar::tor::fuzz
