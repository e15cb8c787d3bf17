// Runs two Negentropy conformance harnesses against each other, as
// hoytech/negentropy's test/fuzz.pl does, and checks the result: after the
// client reports `done`, applying its have/need lines must leave both sides
// with the same ids. Any harness speaking that stdio protocol works (ours is
// tests/tools/negentropy_harness.cpp; the reference's C++ and JS harnesses
// too), so the same driver checks interoperability.
//
//   negentropy_conformance CLIENT SERVER [--recs N] [--p1 W] [--p2 W] [--p3 W]
//       [--limit1 BYTES] [--limit2 BYTES] [--spread S] [--seed N] [--trace]
//   negentropy_conformance --protoversion HARNESS
//
// Items: --recs records, each with timestamp 1677970534 + rand(spread)
// (spread defaults to recs, like fuzz.pl) and a random id, given to the
// client only, the server only, or both with weights p1 : p2 : p3 (default
// 1 : 1 : 98). --limit1/--limit2 set FRAMESIZELIMIT for each side. --trace
// prints every message, for diffing two implementations' runs byte by byte
// (the reference's DELTATRACE). --protoversion is the reference's
// test/protoversion.pl: an unknown version is answered with "61".
// Exit status 0 when the run is correct.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

extern char** environ;

namespace {

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "negentropy_conformance: FAIL: %s\n", why.c_str());
  std::exit(1);
}

// One harness process with its stdin and stdout as FILE streams.
class Harness {
 public:
  Harness(const std::string& exe, std::uint64_t frame_limit) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) fail("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    for (int fd : {in[0], in[1], out[0], out[1]}) posix_spawn_file_actions_addclose(&fa, fd);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "FRAMESIZELIMIT=", 15) != 0) env_strings.emplace_back(*e);
    }
    env_strings.push_back("FRAMESIZELIMIT=" + std::to_string(frame_limit));
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string exe_copy = exe;
    char* argv[] = {exe_copy.data(), nullptr};
    if (posix_spawn(&pid_, exe.c_str(), &fa, nullptr, argv, envp.data()) != 0) fail("cannot start " + exe);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    to_ = fdopen(in[1], "w");
    from_ = fdopen(out[0], "r");
    if (to_ == nullptr || from_ == nullptr) fail("fdopen");
  }
  ~Harness() {
    std::fclose(to_);
    std::fclose(from_);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  void send(const std::string& line) {
    if (std::fputs(line.c_str(), to_) < 0 || std::fputc('\n', to_) < 0) fail("harness stopped reading");
  }
  void flush() {
    if (std::fflush(to_) != 0) fail("harness stopped reading");
  }
  std::string receive() {
    flush();
    char* buf = nullptr;
    std::size_t cap = 0;
    const ssize_t n = getline(&buf, &cap, from_);
    std::string line = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    std::free(buf);
    if (n <= 0) fail("harness exited early (see its stderr)");
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
  }

 private:
  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
};

std::string random_id_hex(std::mt19937_64& rng) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(64, '0');
  for (char& c : s) c = kDigits[rng() % 16];
  return s;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

int protoversion(const std::string& exe) {
  const std::string item = "item,12345," + std::string(64, 'e');
  std::string expected;
  {
    Harness h(exe, 0);
    h.send(item);
    h.send("seal");
    h.send("msg,6100000200");  // full range bound, empty IdList
    expected = h.receive();
  }
  if (expected != "msg,6100000201" + std::string(64, 'e')) fail("unexpected answer to an empty IdList: " + expected);
  Harness h(exe, 0);
  h.send(item);
  h.send("seal");
  h.send("msg,62aabbccddeeff");  // some future protocol version
  const std::string resp = h.receive();
  if (resp != "msg,61") fail("bad upgrade response: " + resp);
  h.send("msg,6100000200");
  if (h.receive() != expected) fail("did not fall back to protocol version 1");
  std::printf("protoversion OK\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "--protoversion") return protoversion(args[1]);
  if (args.size() < 2) fail("usage: negentropy_conformance CLIENT SERVER [options]");
  std::uint64_t recs = 10000, p1 = 1, p2 = 1, p3 = 98, limit1 = 0, limit2 = 0, spread = 0, seed = 0;
  bool trace = false;
  for (std::size_t i = 2; i < args.size(); ++i) {
    auto value = [&]() -> std::uint64_t {
      if (i + 1 >= args.size()) fail("missing value for " + args[i]);
      return std::stoull(args[++i]);
    };
    const std::string& a = args[i];
    if (a == "--recs") recs = value();
    else if (a == "--p1") p1 = value();
    else if (a == "--p2") p2 = value();
    else if (a == "--p3") p3 = value();
    else if (a == "--limit1") limit1 = value();
    else if (a == "--limit2") limit2 = value();
    else if (a == "--spread") spread = value();
    else if (a == "--seed") seed = value();
    else if (a == "--trace") trace = true;
    else fail("unknown option " + a);
  }
  if (p1 + p2 + p3 == 0) fail("all weights are zero");
  if (spread == 0) spread = recs == 0 ? 1 : recs;

  Harness client(args[0], limit1), server(args[1], limit2);
  std::set<std::string> ids1, ids2;
  std::mt19937_64 rng(seed);
  for (std::uint64_t n = 0; n < recs; ++n) {
    const std::string line = "item," + std::to_string(1677970534 + rng() % spread) + "," + random_id_hex(rng);
    const std::string id = line.substr(line.size() - 64);
    // [0, p1): client only; [p1, p1 + p2): server only; the rest: both.
    const std::uint64_t pick = rng() % (p1 + p2 + p3);
    if (pick < p1 || pick >= p1 + p2) {
      client.send(line);
      ids1.insert(id);
    }
    if (pick >= p1) {
      server.send(line);
      ids2.insert(id);
    }
  }
  client.send("seal");
  server.send("seal");
  client.send("initiate");

  std::uint64_t rounds = 0, up = 0, down = 0, duplicates = 0;
  while (true) {
    const std::string line = client.receive();
    if (starts_with(line, "have,") || starts_with(line, "need,")) {
      const std::string id = line.substr(5);
      auto& target = line[0] == 'h' ? ids2 : ids1;
      if (!target.insert(id).second) ++duplicates;
      continue;
    }
    if (line == "done") break;
    if (!starts_with(line, "msg,")) fail("unexpected line from the client: " + line.substr(0, 80));
    up += (line.size() - 4) / 2;
    if (trace) std::printf("DELTATRACE1 %s\n", line.c_str() + 4);
    server.send(line);
    const std::string reply = server.receive();
    if (!starts_with(reply, "msg,")) fail("unexpected line from the server: " + reply.substr(0, 80));
    down += (reply.size() - 4) / 2;
    if (trace) std::printf("DELTATRACE2 %s\n", reply.c_str() + 4);
    client.send(reply);
    ++rounds;
  }
  if (ids1 != ids2) fail("the two sides still differ after reconciliation");
  std::printf("OK: %llu records, %llu round trips, UP %llu bytes, DOWN %llu bytes, %llu ids reported twice\n",
              static_cast<unsigned long long>(recs), static_cast<unsigned long long>(rounds),
              static_cast<unsigned long long>(up), static_cast<unsigned long long>(down),
              static_cast<unsigned long long>(duplicates));
  return 0;
}
