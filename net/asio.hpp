#pragma once
// The Asio names net/ uses, in one place. Every asynchronous operation is a
// C++20 coroutine (asio::awaitable) that reports errors through an
// error_code (redirect_error), never by throwing: an exception escaping a
// completion handler would take the whole node down with it.

#include <exception>
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tumar::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// Where a coroutine ends: a thrown exception (a bug; never a peer's doing)
// is logged, not rethrown into the event loop.
void log_coroutine_exit(const char* what, std::exception_ptr e) noexcept;

}  // namespace tumar::net
