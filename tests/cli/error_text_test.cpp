// The words for core's errors: every id core/ can report has an English
// template, each template names exactly the fields core/error_ids.hpp gives
// that id, and the fields are filled in as the sentences read before ids.

#include "cli/error_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "cli/front_end_error.hpp"
#include "core/error_ids.hpp"
#include "core/network/object_types.hpp"

namespace tumar::cli {
namespace {

using core::ErrorId;

TEST(ErrorText, EveryIdCoreCanReportHasATemplateNamingExactlyItsFields) {
  for (const core::ErrorSpec& spec : core::kErrorCatalog) {
    const auto text = english_template(spec.id);
    ASSERT_TRUE(text.has_value()) << "no English for " << spec.key;
    const auto used = template_fields(*text);
    const std::set<std::string_view> in_template(used.begin(), used.end());
    const std::set<std::string_view> in_catalog(spec.fields.begin(), spec.fields.begin() + spec.field_count());
    EXPECT_EQ(in_template, in_catalog) << spec.key << ": \"" << *text << "\"";
  }
}

TEST(ErrorText, FieldsAreFilledInWhereTheTemplateNamesThem) {
  const core::Error e = core::make_error<ErrorId::kProfileFileTooLarge>(core::Errc::kCorrupt, "/h/key", 500, 384u);
  EXPECT_EQ(error_text(e), "/h/key is 500 bytes, more than the 384 expected.");
  EXPECT_EQ(e.field("size"), "500");
  EXPECT_EQ(e.describe(), "profile.file_too_large{path=/h/key, size=500, limit=384}");
}

TEST(ErrorText, AFieldValueIsNotReadAsATemplate) {
  const core::Error e = core::make_error<ErrorId::kProfileNone>(core::Errc::kNoProfile, "/h/{path}");
  EXPECT_EQ(error_text(e), "There is no tumar profile at /h/{path}. Create one with: tumar init");
}

TEST(ErrorText, TheFrontEndsOwnSentenceIsShownAsItIs) {
  const core::Error e = sentence_error(core::Errc::kRefused, "Not now.");
  EXPECT_EQ(e.id(), ErrorId::kFrontEndSentence);
  EXPECT_EQ(error_text(e), "Not now.");
  EXPECT_EQ(e.describe(), "Not now.");
}

TEST(ErrorText, APartIsWordedFromItsKey) {
  EXPECT_EQ(error_text(core::make_error<ErrorId::kPayloadTextTooLong>(core::Errc::kRefused, "network_name", 80)),
            "The network name is too long (at most 80 bytes).");
  EXPECT_EQ(error_text(core::make_error<ErrorId::kPayloadMalformed>(core::Errc::kRefused, "direct_content")),
            "The direct message's content is malformed.");
  EXPECT_EQ(error_text(core::make_error<ErrorId::kNetworkStoredDamaged>(core::Errc::kCorrupt, "member_row")),
            "The profile database holds a damaged member row.");
  EXPECT_EQ(error_text(core::make_error<ErrorId::kPayloadEmptyEntry>(core::Errc::kRefused, "tags")),
            "An empty entry in tags.");
}

TEST(ErrorText, AStepAndAnArgumentAreWordedFromTheirKeys) {
  // core/ names what it was doing by key; the words are the CLI's.
  EXPECT_EQ(error_text(core::make_error<ErrorId::kProfileCannotDo>(core::Errc::kStorage, "sync_directory", "/home/a",
                                                                   "Input/output error")),
            "Cannot sync the directory /home/a: Input/output error.");
  EXPECT_EQ(error_text(core::make_error<ErrorId::kProfileCannotDo>(core::Errc::kStorage, "read", "/home/a/tumar.key",
                                                                   "Permission denied")),
            "Cannot read /home/a/tumar.key: Permission denied.");
  EXPECT_EQ(error_text(core::make_error<ErrorId::kTorControlArgumentUnsafe>(core::Errc::kInvalidArgument,
                                                                            "unix_socket_path")),
            "The Unix socket path for a tor control command holds a character that is not allowed there (a space, "
            "quote, backslash, comma or line break); nothing was sent.");
}

TEST(ErrorText, ATimeFieldIsShownAsADate) {
  // core/ passes Unix seconds (a field named *_at); the words and the date's
  // format are the CLI's (cli/dates.hpp).
  EXPECT_EQ(error_text(core::make_error<ErrorId::kNodeInviteExpired>(core::Errc::kRefused, 1'700'000'000)),
            "This invite expired on 2023-11-14 22:13 UTC. Ask whoever sent it for a new one.");
  // Not a number, or past what cli/dates formats: shown as it came.
  EXPECT_EQ(error_text(core::make_error<ErrorId::kNodeInviteExpired>(core::Errc::kRefused, "soon")),
            "This invite expired on soon. Ask whoever sent it for a new one.");
}

TEST(ErrorText, ACountOfOneReadsAsEnglishSaysIt) {
  EXPECT_EQ(error_text(core::make_error<ErrorId::kNetworkNoteClockAhead>(core::Errc::kInvalidArgument, 1)),
            "The note's newest revision carries a clock ahead of this computer's; edit it again in 1 minute.");
  EXPECT_EQ(error_text(core::make_error<ErrorId::kNetworkNoteClockAhead>(core::Errc::kInvalidArgument, 3)),
            "The note's newest revision carries a clock ahead of this computer's; edit it again in 3 minutes.");
}

TEST(ErrorText, AHandshakeSizeErrorReadsAsBefore) {
  EXPECT_EQ(error_text(core::make_error<ErrorId::kNoiseMessage1Size>(core::Errc::kProtocol, 31, 32)),
            "Handshake failed: expected message 1 (exactly 32 bytes: the initiator's ephemeral key), got a 31-byte "
            "message.");
}

TEST(ErrorText, EveryObjectKindIsWordedWithItsArticle) {
  for (int k = static_cast<int>(network::Kind::kGenesis); k <= static_cast<int>(network::Kind::kEpochStart); ++k) {
    const auto kind = static_cast<network::Kind>(k);
    const std::string words =
        error_text(core::make_error<ErrorId::kObjectLeadOnlyKind>(core::Errc::kRefused, network::kind_name(kind)));
    EXPECT_EQ(words.find('_'), std::string::npos) << words;
    EXPECT_TRUE(words.find("write a ") != std::string::npos || words.find("write an ") != std::string::npos) << words;
  }
}

TEST(ErrorText, ARefusalWordsItsReasonFromTheCause) {
  const core::Error why = core::make_error<ErrorId::kObjectNoKeyOpens>(core::Errc::kRefused, 3);
  const core::Error refused =
      core::make_error<ErrorId::kNetworkRefused>(core::Errc::kRefused, why.key()).because(why);
  EXPECT_EQ(error_text(refused), "Refused: we hold no key that opens it (epoch 3).");
  EXPECT_EQ(refused.describe(), "network.refused{reason=object.no_key_opens} because object.no_key_opens{epoch=3}");
  const core::Error lead = core::make_error<ErrorId::kObjectLeadOnlyKind>(core::Errc::kRefused, "epoch_grant");
  EXPECT_EQ(error_text(core::make_error<ErrorId::kNetworkRefused>(core::Errc::kRefused, lead.key()).because(lead)),
            "Refused: only a lead may write an epoch grant.");
  // A payload error as the reason reads as it did when it was passed up as text.
  const core::Error title = core::make_error<ErrorId::kPayloadNoteNoTitle>(core::Errc::kRefused);
  EXPECT_EQ(error_text(core::make_error<ErrorId::kNetworkRefused>(core::Errc::kRefused, title.key()).because(title)),
            "Refused: The note has no title.");
  // A `reason` field with no cause (the system's error text) is shown as it is.
  EXPECT_EQ(error_text(core::make_error<ErrorId::kStoreOpenFailed>(core::Errc::kStorage, "disk I/O error")),
            "Opening the database failed: disk I/O error.");
}

}  // namespace
}  // namespace tumar::cli
