#include "net/asio.hpp"

#include <exception>
#include <string>

#include "core/log/log.hpp"

namespace tumar::net {

void log_coroutine_exit(const char* what, std::exception_ptr e) noexcept {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::write(log::Level::kError, std::string(what) + " stopped on an internal error: " + ex.what());
  } catch (...) {
    log::write(log::Level::kError, std::string(what) + " stopped on an internal error.");
  }
}

}  // namespace tumar::net
