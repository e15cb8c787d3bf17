#include "cli/demo/demo_run.hpp"

#include <array>
#include <fstream>
#include <thread>

#include "cli/demo/evidence.hpp"
#include "core/crypto/random.hpp"
#include "core/encoding/hex.hpp"

namespace tumar::cli::demo {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kWireBytesShown = 64;
constexpr std::size_t kPageBytesShown = 64;

std::string first_line(const std::string& text) {
  const auto start = text.find_first_not_of(" \n");
  if (start == std::string::npos) return "";
  std::string line = text.substr(start, text.find('\n', start) - start);
  if (line.rfind("tumar: ", 0) == 0) line.erase(0, 7);
  return line;
}

std::string bytes_word(std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

}  // namespace

std::string shown_args(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) {
    if (!out.empty()) out += ' ';
    const bool plain = !a.empty() && a.find_first_of(" \"'$`\\;&|<>()*?!#") == std::string::npos;
    out += plain ? a : "\"" + a + "\"";
  }
  return out;
}

DemoRun::DemoRun(Scratch scratch, fs::path exe, bool pace, int steps)
    : scratch_(std::move(scratch)), exe_(std::move(exe)), narrator_(pace, steps) {
  // A throwaway passphrase for throwaway profiles: random, so that the
  // search of the disk below cannot be fooled by a known string, and never shown.
  std::array<std::uint8_t, 16> raw{};
  crypto::SystemRandom rng;
  rng.fill(raw);
  passphrase_file_ = dir() / "passphrase";
  std::ofstream(passphrase_file_) << encoding::to_hex(raw) << "\n";
}

DemoRun::~DemoRun() {
  for (auto& p : people_) p->node.stop();
  tap_.reset();
}

Person& DemoRun::add_person(std::string name, std::string display) {
  auto p = std::make_unique<Person>();
  p->home = dir() / name;
  p->name = std::move(name);
  p->display = std::move(display);
  people_.push_back(std::move(p));
  return *people_.back();
}

std::vector<std::string> DemoRun::argv_for(const Person& p, const std::vector<std::string>& args) const {
  std::vector<std::string> argv{exe_.string(), "--home", p.home.string(), "--passphrase-file",
                                passphrase_file_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

CommandResult DemoRun::run(Person& p, const std::vector<std::string>& args, bool quiet, bool may_fail,
                           const std::string& stdin_text) {
  auto r = run_command(argv_for(p, args), stdin_text);
  if (!quiet) narrator_.command(p.name, shown_args(args), r);
  if (r.exit_code != 0 && !may_fail) {
    if (quiet) narrator_.command(p.name, shown_args(args), r);
    throw StepFailed{"`tumar " + args.front() + "` failed for " + p.name + ": " + first_line(r.err),
                     r.exit_code > 0 ? r.exit_code : 5};
  }
  return r;
}

CommandResult DemoRun::wait_for(Person& p, const std::vector<std::string>& args, const std::string& text,
                                int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    auto r = run_command(argv_for(p, args));
    if (r.exit_code == 0 && r.out.find(text) != std::string::npos) return r;
    if (std::chrono::steady_clock::now() >= deadline) {
      throw StepFailed{"Nothing arrived at " + p.name + "'s node within " + std::to_string(seconds) +
                           " seconds, so the demo stops here. The machine may be very busy: run `tumar demo` "
                           "again.",
                       3};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

void DemoRun::start_node(Person& p) {
  std::string error;
  const std::vector<std::string> args{"serve", "--listen", "127.0.0.1:0"};
  if (!p.node.start(argv_for(p, args), dir() / (p.name + "-node.log"), std::chrono::seconds(15), error)) {
    throw StepFailed{p.name + "'s node did not start (" + error + "); run `tumar demo` again.", 3};
  }
  narrator_.raw("\n  " + p.name + "$ tumar " + shown_args(args) + " &\n    " + p.name +
                "'s node is running, listening on 127.0.0.1:" + std::to_string(p.node.port()) + ".\n");
}

std::uint16_t DemoRun::tap(Person& p) {
  std::string error;
  tap_ = net::WireTap::start(p.node.port(), &error);
  if (!tap_) throw StepFailed{"The eavesdropper could not start: " + error + ". Run `tumar demo` again.", 3};
  return tap_->port();
}

void DemoRun::show_wire(const std::string& link, const Needles& needles) {
  // The nodes flush what they write within a moment; give the last bytes
  // time to pass the tap before reading what it saw.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto c = tap_->take();
  std::string out = "On the wire: what an eavesdropper between " + link + " captured in this step\n";
  out += "    " + bytes_word(c.from_dialler.size()) + " towards the lead's node, " + bytes_word(c.from_node.size()) +
         " back, over " + std::to_string(c.connections) + " new connection(s).\n";
  if (!c.from_dialler.empty()) {
    out += "    towards the lead, the first " + bytes_word(std::min(kWireBytesShown, c.from_dialler.size())) + ":\n";
    out += hex_dump(c.from_dialler, kWireBytesShown, "      ");
  }
  if (!c.from_node.empty()) {
    out += "    back, the first " + bytes_word(std::min(kWireBytesShown, c.from_node.size())) + ":\n";
    out += hex_dump(c.from_node, kWireBytesShown, "      ");
  }
  for (const auto& [label, text] : needles) {
    const bool seen = contains(c.from_dialler, text) || contains(c.from_node, text);
    out += "    Searched all of it for " + label + ": " + (seen ? "FOUND (this is a bug: report it)" : "not found") + ".\n";
  }
  narrator_.view(out);
}

void DemoRun::show_disk(Person& p, const Needles& needles) {
  const fs::path db = p.home / "tumar.db";
  std::size_t files = 0;
  std::error_code ec;
  for (fs::directory_iterator it(p.home, ec), end; !ec && it != end; it.increment(ec)) ++files;
  std::string out = "On disk: what a thief of " + p.name + "'s laptop finds in " + p.home.filename().string() + "/\n";
  out += listing(p.home, "    ");
  const std::size_t pages = page_count(db);
  if (pages >= 2) {
    out += "    tumar.db has " + std::to_string(pages) +
           " pages of 4096 bytes, each sealed with XChaCha20-Poly1305. Page 2 begins:\n";
    out += hex_dump(read_page(db, 2), kPageBytesShown, "      ");
  }
  for (const auto& [label, text] : needles) {
    const auto where = files_containing(p.home, text);
    out += "    Searched all " + std::to_string(files) + " files for " + label + ": ";
    out += where.empty() ? "not found.\n" : "FOUND in " + where.front() + " (this is a bug: report it).\n";
  }
  narrator_.view(out);
}

void DemoRun::show_recipient(Person& p, const std::vector<std::string>& args, const std::string& explanation) {
  narrator_.view("What the recipient sees: " + explanation);
  (void)run(p, args);
}

}  // namespace tumar::cli::demo
