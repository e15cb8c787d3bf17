// `tumar demo`: the trainer's demo (README, "The trainer's demo"). Three
// throwaway profiles, three real nodes on 127.0.0.1, and at every step what
// an eavesdropper on the wire, a thief of the laptop and the recipient each
// see. Every action is a real tumar command run as a child process, so the
// workshop sees exactly what its members will type.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/app_context.hpp"
#include "cli/demo/demo_run.hpp"
#include "cli/demo/evidence.hpp"
#include "cli/exit_codes.hpp"
#include "cli/front_end_error.hpp"

namespace tumar::cli {
namespace {

using demo::DemoRun;
using demo::Person;
using demo::StepFailed;

constexpr int kSteps = 8;
const std::string kNetwork = "Shelters KZ (training)";
const std::string kNoteTitle = "Almaty crisis centre hotline";
const std::string kNoteBody = "24h hotline: +7 727 000 00 00";
const std::string kBroadcast = "Office closed today, meet at the library at 15:00";
const std::string kMessage = "Can you take a woman and her two children tonight? They can travel by 20:00.";

std::string invite_in(const std::string& out) {
  const auto at = out.find("tumar-demo-invite-");  // a demo network's code says so
  if (at == std::string::npos) throw StepFailed{"`tumar invite create` printed no invite code.", 5};
  return out.substr(at, out.find_first_of(" \n", at) - at);
}

std::string ms_of(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f ms", std::chrono::duration<double, std::milli>(d).count());
  return buf;
}

void script(DemoRun& d) {
  auto& n = d.narrator();
  Person& aigerim = d.add_person("aigerim", "Aigerim (Almaty crisis centre)");
  Person& bota = d.add_person("bota", "Bota (Shymkent women's shelter)");
  Person& olga = d.add_person("olga", "Olga (Kazan crisis line)");

  n.step("Three throwaway profiles");
  n.say("Aigerim leads a network of shelters; Bota and Olga are joining it. Each makes a demo profile\n"
        "(a real profile would never work with these networks; step 7 shows it).");
  for (Person* p : {&aigerim, &bota, &olga}) d.run(*p, {"init", "--demo", "--kdf", "interactive", "--name", p->display});
  d.show_disk(aigerim, {{"her display name", "Aigerim"}});

  n.step("Aigerim creates a network and starts her node");
  d.run(aigerim, {"network", "create", kNetwork});
  d.run(aigerim, {"network", "list"});
  d.start_node(aigerim);
  const std::uint16_t tap = d.tap(aigerim);
  n.say("\nAn eavesdropper now sits on the path to Aigerim's node (a relay on 127.0.0.1:" + std::to_string(tap) +
        " that copies\nevery byte): Bota and Olga reach her only through it, as if through a watched ISP.");
  d.show_disk(aigerim, {{"the network's name", kNetwork}});

  n.step("Bota and Olga are invited and join");
  const std::string address = "127.0.0.1:" + std::to_string(tap);
  for (Person* p : {&bota, &olga}) {
    auto invite = d.run(aigerim, {"invite", "create", "--network", kNetwork, "--address", address});
    d.run(*p, {"join", invite_in(invite.out)});
  }
  d.start_node(bota);
  d.start_node(olga);
  d.show_wire("the members and Aigerim's node", {{"the network's name", kNetwork},
                                                 {"Aigerim's name", "Aigerim"},
                                                 {"Bota's name", "Bota"},
                                                 {"Olga's name", "Olga"}});
  d.show_recipient(bota, {"members"}, "Bota's directory of the network, with fingerprints to compare aloud.");

  n.step("A resource note syncs");
  d.run(aigerim, {"note", "add", "--title", kNoteTitle, "--tags", "hotline,almaty", "--region", "Almaty", "--body",
                  kNoteBody});
  n.say("\nNobody runs `tumar sync`: the nodes pass the note on within seconds.");
  (void)d.wait_for(bota, {"note", "list"}, kNoteTitle, 30);
  const demo::Needles note{{"the note's title", kNoteTitle}, {"its phone number", "727 000 00 00"}};
  d.show_wire("Bota's node and Aigerim's", note);
  d.show_disk(bota, note);
  d.show_recipient(bota, {"note", "list"}, "Bota's library.");

  n.step("An urgent broadcast");
  d.run(aigerim, {"broadcast", "send", "--urgent", kBroadcast});
  (void)d.wait_for(olga, {"broadcast", "list", "--json"}, "library at 15:00", 30);
  const demo::Needles broadcast{{"the broadcast's text", kBroadcast}, {"the word \"library\"", "library"}};
  d.show_wire("the members' nodes and Aigerim's", broadcast);
  d.show_disk(olga, broadcast);
  d.show_recipient(olga, {"broadcast", "list"},
                   "Olga's broadcasts (until she reads it, every tumar command shows the urgent one).");

  n.step("A direct message");
  n.say("Olga writes to Bota. Their nodes have no link of their own: Aigerim's node carries the message,\n"
        "and cannot read it. (Olga can write once Bota's node has published its keys, within seconds.)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const std::vector<std::string> send{"msg", "send", bota.display, kMessage};
  while (d.run(olga, send, true, true).exit_code != 0) {
    if (std::chrono::steady_clock::now() >= deadline) (void)d.run(olga, send);  // shows why, and stops
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  n.raw("\n  olga$ tumar " + demo::shown_args(send) + "\n    Sent.\n");
  (void)d.wait_for(bota, {"msg", "list", "--json"}, "travel by 20:00", 30);
  const demo::Needles message{{"the message", kMessage}, {"the word \"children\"", "children"}};
  d.show_wire("the members' nodes and Aigerim's", message);
  n.say("\nAigerim's node carried it. Her disk:");
  d.show_disk(aigerim, message);
  d.show_recipient(bota, {"msg", "list"}, "Bota's messages; only she and Olga can read this one.");

  n.step("The sandbox: a real profile refuses the training network");
  n.say("A training must never leak into a real network. The demo mark is signed into the network's\n"
        "first object and written into every invite code (tumar-demo-invite-...): a real profile refuses\n"
        "such a code before it dials, a lead's node refuses a joiner of the other kind before the invite\n"
        "is spent, and a demo profile refuses real ones the same way.");
  Person& zarina = d.add_person("zarina", "Zarina (a real profile)");
  d.run(zarina, {"init", "--kdf", "interactive", "--name", zarina.display});
  auto invite = d.run(aigerim, {"invite", "create", "--network", kNetwork, "--address",
                                "127.0.0.1:" + std::to_string(aigerim.node.port())});
  auto refused = d.run(zarina, {"join", invite_in(invite.out)}, false, true);
  if (refused.exit_code != kExitRefused) {
    throw StepFailed{"A real profile joined the training network: the sandbox failed. Report this.", 4};
  }
  d.run(zarina, {"network", "list"});

  n.step("Panic wipe");
  n.say("Bota's laptop is about to be seized. One command, no passphrase needed; her node is still running.");
  auto wiped = d.run(bota, {"panic", "--yes"});
  const auto stopped = bota.node.wait_exit(std::chrono::seconds(5));
  n.say("\nThe command took " + ms_of(wiped.took) + " in all (starting tumar included). Bota's node " +
        (stopped ? "noticed and stopped (exit code " + std::to_string(*stopped) + ")." : "is still running."));
  n.view("On disk: what is left in bota/\n" + demo::listing(bota.home, "    ") +
         "    Key file (tumar.key): " + (std::filesystem::exists(bota.home / "tumar.key") ? "STILL THERE" : "gone") +
         ". Without it nothing of the profile can ever be decrypted, even from a copy made before.");
}

core::Result<void> run_demo(AppContext& ctx, bool pace) {
  const auto started = std::chrono::steady_clock::now();
  char exe[4096];
  const ssize_t len = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) return cli::fail(core::Errc::kStorage, "Cannot find the tumar program itself (/proc is not mounted?).");
  exe[len] = '\0';
  std::string error;
  auto scratch = demo::Scratch::create(error);
  if (!scratch) return cli::fail(core::Errc::kStorage, error);
  const std::filesystem::path dir = scratch->dir();
  std::printf("tumar demo: three throwaway profiles in %s, deleted at the end (also on Ctrl-C).\n", dir.c_str());
  if (pace && isatty(STDIN_FILENO) == 0) std::printf("(--pace: no terminal on stdin, so running straight through.)\n");
  std::optional<StepFailed> failed;
  {
    DemoRun d(std::move(*scratch), exe, pace, kSteps);
    try {
      script(d);
    } catch (const StepFailed& f) {
      failed = f;
    } catch (...) {
      if (demo::interrupt_in_progress()) demo::await_interrupt_exit();
      throw;
    }
    // A step that failed because Ctrl-C was stopping its nodes is not the
    // demo's failure: the interrupt thread ends the process with 128 + the
    // signal (a loaded CI run once saw exit 5 here instead of 130).
    if (demo::interrupt_in_progress()) demo::await_interrupt_exit();
  }  // nodes stopped, directory deleted
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("\nDeleted %s%s. The demo took %.1f s.\n", dir.c_str(),
              std::filesystem::exists(dir) ? " (NOT deleted: remove it by hand)" : "", seconds);
  if (failed) {
    std::fprintf(stderr, "tumar: %s\n", failed->message.c_str());
    ctx.exit_code = failed->exit_code;
  }
  return {};
}

}  // namespace

void add_demo_command(CLI::App& app, AppContext& ctx) {
  auto pace = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("demo", "The trainer's demo: three nodes, and what an eavesdropper, a thief and "
                                         "the recipient each see");
  cmd->add_flag("--pace", *pace, "Wait for Enter before each step (only when run from a terminal)");
  cmd->footer(
      "Makes three throwaway demo profiles in a temporary directory, runs their nodes on 127.0.0.1,\n"
      "and walks through a network, invites, a note, an urgent broadcast, a direct message, the\n"
      "sandbox and panic wipe. Needs no profile of yours and touches none; takes well under a minute.\n"
      "Example:\n  tumar demo --pace        # in a workshop\n  tumar demo > demo.log    # a record");
  cmd->callback([&ctx, pace] { ctx.action = [&ctx, pace] { return run_demo(ctx, *pace); }; });
}

}  // namespace tumar::cli
