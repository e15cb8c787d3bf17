#pragma once
// Runs one coroutine, or the loop until a condition holds, on a test's own
// io_context, with a deadline so a hang fails the test instead of ctest.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>

#include "net/asio.hpp"

namespace tumar::net::test {

inline bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  io.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.run_one_for(std::chrono::milliseconds(20));
    if (io.stopped()) io.restart();
  }
  return true;
}

template <typename T>
T run_coroutine(asio::io_context& io, asio::awaitable<T> a,
                std::chrono::milliseconds limit = std::chrono::milliseconds(20'000)) {
  std::optional<T> out;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(a)); }, asio::detached);
  if (!run_until(io, [&] { return out.has_value(); }, limit)) {
    ADD_FAILURE() << "the coroutine did not finish in time";
    std::abort();  // its frame refers to this one
  }
  return std::move(*out);
}

inline void run_coroutine(asio::io_context& io, asio::awaitable<void> a,
                          std::chrono::milliseconds limit = std::chrono::milliseconds(20'000)) {
  bool finished = false;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> {
        co_await std::move(a);
        finished = true;
      },
      asio::detached);
  if (!run_until(io, [&] { return finished; }, limit)) {
    ADD_FAILURE() << "the coroutine did not finish in time";
    std::abort();
  }
}

}  // namespace tumar::net::test
