#pragma once
// Resident memory of a process from /proc/PID/status, in KiB: VmRSS (now)
// and VmHWM (the peak since it started). 0 if unreadable.

#include <sys/types.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace tumar::test {

inline std::uint64_t proc_status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream rest(line.substr(field.size() + 1));
      std::uint64_t kib = 0;
      rest >> kib;
      return kib;
    }
  }
  return 0;
}

}  // namespace tumar::test
