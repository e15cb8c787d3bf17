// Runs Noise test vectors in the cacophony JSON format against tumar's Noise
// implementation. Usage: tumar_noise_vector_test FILE.json
//
// For each vector: initiator and responder are set up with the given
// prologues and keys (ephemerals injected through a RandomSource that returns
// exactly them); every message is written by its sender and compared with the
// expected ciphertext, then read by the other side and compared with the
// payload. Handshake messages alternate initiator/responder per the pattern;
// transport messages keep alternating (one-way patterns: all go initiator →
// responder). Both sides' handshake hashes must equal handshake_hash.
// Prints PASS/FAIL/SKIP per vector and a summary; exits non-zero if anything
// failed, the file is malformed, or no vector ran.

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/encoding/hex.hpp"
#include "core/noise/handshake_state.hpp"
#include "core/noise/patterns.hpp"
#include "strict_json.hpp"

namespace {

using tumar::noise::HandshakeConfig;
using tumar::noise::HandshakeResult;
using tumar::noise::HandshakeState;
using Bytes = std::vector<std::uint8_t>;
namespace json = tumar::test::json;

// Hands out one given ephemeral private key, once. Anything else is recorded
// as misuse and fails the vector.
class InjectedEphemeral final : public tumar::crypto::RandomSource {
 public:
  explicit InjectedEphemeral(std::optional<Bytes> key) : key_(std::move(key)) {}
  void fill(std::span<std::uint8_t> out) override {
    if (!key_ || used_ || key_->size() != out.size()) {
      misused_ = true;
      std::fill(out.begin(), out.end(), std::uint8_t{0});
      return;
    }
    std::copy(key_->begin(), key_->end(), out.begin());
    used_ = true;
  }
  bool misused() const { return misused_; }

 private:
  std::optional<Bytes> key_;
  bool used_ = false;
  bool misused_ = false;
};

struct Message {
  Bytes payload;
  Bytes ciphertext;
};

struct Vector {
  std::string protocol_name;
  Bytes init_prologue, resp_prologue, handshake_hash;
  std::optional<Bytes> init_ephemeral, init_static, init_remote_static;
  std::optional<Bytes> resp_ephemeral, resp_static, resp_remote_static;
  bool has_psks = false;
  std::vector<Message> messages;
};

// Strict field mapping: every key must be known, every hex string valid.
bool decode_vector(const json::Value& v, Vector& out, std::string& why) {
  if (v.kind != json::Value::Kind::kObject) return why = "a vector is not an object", false;
  auto hex = [&why](const json::Value& s, const std::string& key, Bytes& to) {
    if (s.kind != json::Value::Kind::kString) return why = key + " is not a string", false;
    auto b = tumar::encoding::from_hex(s.string);
    if (!b) return why = key + " is not valid hex", false;
    to = std::move(*b);
    return true;
  };
  bool have_name = false, have_ip = false, have_rp = false, have_hash = false, have_msgs = false;
  for (std::size_t i = 0; i < v.keys.size(); ++i) {
    const std::string& k = v.keys[i];
    const json::Value& x = v.items[i];
    Bytes b;
    if (k == "protocol_name") {
      if (x.kind != json::Value::Kind::kString) return why = "protocol_name is not a string", false;
      out.protocol_name = x.string;
      have_name = true;
    } else if (k == "init_prologue") { if (!hex(x, k, out.init_prologue)) return false; have_ip = true; }
    else if (k == "resp_prologue") { if (!hex(x, k, out.resp_prologue)) return false; have_rp = true; }
    else if (k == "handshake_hash") { if (!hex(x, k, out.handshake_hash)) return false; have_hash = true; }
    else if (k == "init_ephemeral") { if (!hex(x, k, b)) return false; out.init_ephemeral = b; }
    else if (k == "init_static") { if (!hex(x, k, b)) return false; out.init_static = b; }
    else if (k == "init_remote_static") { if (!hex(x, k, b)) return false; out.init_remote_static = b; }
    else if (k == "resp_ephemeral") { if (!hex(x, k, b)) return false; out.resp_ephemeral = b; }
    else if (k == "resp_static") { if (!hex(x, k, b)) return false; out.resp_static = b; }
    else if (k == "resp_remote_static") { if (!hex(x, k, b)) return false; out.resp_remote_static = b; }
    else if (k == "init_psks" || k == "resp_psks") { out.has_psks = true; }
    else if (k == "messages") {
      if (x.kind != json::Value::Kind::kArray) return why = "messages is not an array", false;
      for (const json::Value& m : x.items) {
        if (m.kind != json::Value::Kind::kObject || m.keys.size() != 2) return why = "a message is malformed", false;
        const json::Value* p = m.find("payload");
        const json::Value* c = m.find("ciphertext");
        if (p == nullptr || c == nullptr) return why = "a message lacks payload or ciphertext", false;
        Message msg;
        if (!hex(*p, "payload", msg.payload) || !hex(*c, "ciphertext", msg.ciphertext)) return false;
        out.messages.push_back(std::move(msg));
      }
      have_msgs = true;
    } else {
      return why = "unknown key '" + k + "'", false;
    }
  }
  if (!have_name || !have_ip || !have_rp || !have_hash || !have_msgs) return why = "a required key is missing", false;
  return true;
}

std::optional<tumar::noise::KeyPair> key_pair(const std::optional<Bytes>& priv, std::string& why) {
  if (!priv) return std::nullopt;
  if (priv->size() != tumar::noise::kDhLen) return why = "a private key has the wrong length", std::nullopt;
  return tumar::noise::KeyPair::from_private(std::span<const std::uint8_t, tumar::noise::kDhLen>(priv->data(), 32));
}

std::optional<tumar::noise::PublicKey> public_key(const std::optional<Bytes>& pub, std::string& why) {
  if (!pub) return std::nullopt;
  if (pub->size() != tumar::noise::kDhLen) return why = "a public key has the wrong length", std::nullopt;
  tumar::noise::PublicKey k{};
  std::copy(pub->begin(), pub->end(), k.begin());
  return k;
}

enum class Outcome { kPass, kFail, kSkip };

Outcome run_vector(const Vector& v, std::string& why) {
  const tumar::noise::Pattern* pattern = tumar::noise::pattern_for_protocol(v.protocol_name);
  if (pattern == nullptr || v.has_psks) return why = "unsupported protocol", Outcome::kSkip;

  HandshakeConfig ic{pattern, tumar::noise::Role::kInitiator, v.init_prologue, key_pair(v.init_static, why),
                     std::nullopt, public_key(v.init_remote_static, why), std::nullopt};
  HandshakeConfig rc{pattern, tumar::noise::Role::kResponder, v.resp_prologue, key_pair(v.resp_static, why),
                     std::nullopt, public_key(v.resp_remote_static, why), std::nullopt};
  if (!why.empty()) return Outcome::kFail;
  auto init = HandshakeState::initialize(std::move(ic));
  auto resp = HandshakeState::initialize(std::move(rc));
  if (!init || !resp) return why = "initialize: " + (init ? resp.error() : init.error()).describe(), Outcome::kFail;
  InjectedEphemeral init_rng(v.init_ephemeral), resp_rng(v.resp_ephemeral);

  std::optional<HandshakeResult> init_done, resp_done;
  for (std::size_t i = 0; i < v.messages.size(); ++i) {
    const Message& m = v.messages[i];
    const bool from_initiator = pattern->one_way() || i % 2 == 0;
    const std::string at = "message " + std::to_string(i) + ": ";
    if (!init_done) {
      HandshakeState& writer = from_initiator ? *init : *resp;
      HandshakeState& reader = from_initiator ? *resp : *init;
      auto ct = writer.write_message(m.payload, from_initiator ? init_rng : resp_rng);
      if (!ct) return why = at + "write failed: " + ct.error().describe(), Outcome::kFail;
      if (*ct != m.ciphertext) return why = at + "ciphertext differs", Outcome::kFail;
      auto pt = reader.read_message(*ct);
      if (!pt) return why = at + "read failed: " + pt.error().describe(), Outcome::kFail;
      if (*pt != m.payload) return why = at + "payload differs", Outcome::kFail;
      if (init->is_complete() != resp->is_complete()) return why = at + "sides disagree on completion", Outcome::kFail;
      if (init->is_complete()) {
        init_done = std::move(*init).finish();
        resp_done = std::move(*resp).finish();
      }
      continue;
    }
    tumar::noise::CipherState& send = from_initiator ? init_done->send : resp_done->send;
    tumar::noise::CipherState& receive = from_initiator ? resp_done->receive : init_done->receive;
    Bytes ct(m.payload.size() + tumar::noise::kTagLen);
    if (!send.encrypt_with_ad({}, m.payload, ct)) return why = at + "transport encrypt failed", Outcome::kFail;
    if (ct != m.ciphertext) return why = at + "transport ciphertext differs", Outcome::kFail;
    Bytes pt(m.payload.size());
    if (!receive.decrypt_with_ad({}, ct, pt)) return why = at + "transport decrypt failed", Outcome::kFail;
    if (pt != m.payload) return why = at + "transport payload differs", Outcome::kFail;
  }
  if (!init_done) return why = "the handshake did not complete", Outcome::kFail;
  if (init_rng.misused() || resp_rng.misused()) return why = "ephemeral key use does not match the vector", Outcome::kFail;
  const Bytes ih(init_done->handshake_hash.begin(), init_done->handshake_hash.end());
  const Bytes rh(resp_done->handshake_hash.begin(), resp_done->handshake_hash.end());
  if (ih != v.handshake_hash || rh != v.handshake_hash) return why = "handshake hash differs", Outcome::kFail;
  return Outcome::kPass;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s VECTORS.json\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string error;
  const auto doc = json::Reader::parse(text, &error);
  if (!doc) {
    std::fprintf(stderr, "%s: malformed JSON: %s\n", argv[1], error.c_str());
    return 2;
  }
  const json::Value* vectors = doc->kind == json::Value::Kind::kObject ? doc->find("vectors") : nullptr;
  if (vectors == nullptr || vectors->kind != json::Value::Kind::kArray) {
    std::fprintf(stderr, "%s: no \"vectors\" array at the top level\n", argv[1]);
    return 2;
  }
  for (const std::string& key : doc->keys) {
    if (key != "vectors" && key != "source") {
      std::fprintf(stderr, "%s: unknown top-level key '%s'\n", argv[1], key.c_str());
      return 2;
    }
  }

  int passed = 0, failed = 0, skipped = 0;
  for (std::size_t i = 0; i < vectors->items.size(); ++i) {
    Vector v;
    std::string why;
    if (!decode_vector(vectors->items[i], v, why)) {
      std::printf("FAIL vector %zu: %s\n", i, why.c_str());
      ++failed;
      continue;
    }
    switch (run_vector(v, why)) {
      case Outcome::kPass: std::printf("PASS %s\n", v.protocol_name.c_str()); ++passed; break;
      case Outcome::kSkip: std::printf("SKIP %s (%s)\n", v.protocol_name.c_str(), why.c_str()); ++skipped; break;
      case Outcome::kFail: std::printf("FAIL %s: %s\n", v.protocol_name.c_str(), why.c_str()); ++failed; break;
    }
  }
  std::printf("%d passed, %d failed, %d skipped (%zu vectors)\n", passed, failed, skipped, vectors->items.size());
  return (failed == 0 && passed > 0) ? 0 : 1;
}
