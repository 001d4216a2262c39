// Parties' ID and phone numbers at rest: sealed, opened, keyed lookups, and the key file.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "server/core/personal_data.hpp"

namespace mediation::app {
namespace {

personal_data make(unsigned char fill) {
  personal_data::key_type k;
  k.fill(fill);
  return personal_data(k);
}

TEST(personal_data, the_fingerprint_is_the_sha256_of_the_key_bytes_in_hex) {
  // sha256sum of 32 zero bytes and of 32 bytes 0x11.
  EXPECT_EQ(make(0).fingerprint(), "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
  EXPECT_EQ(make(0x11).fingerprint(), "02d449a31fbb267c8f352e9968a79e3e5fc95c1bbeaa502fd6454ebde5a4bedc");
}

TEST(personal_data, sealed_values_open_to_the_original_and_reveal_nothing) {
  auto pd = make(7);
  const std::string id = "370214198001011234";
  auto a = pd.seal(id), b = pd.seal(id);
  EXPECT_TRUE(personal_data::is_sealed(a));
  EXPECT_NE(a, b);  // a fresh nonce each time: equal values do not look equal
  EXPECT_EQ(a.find("1980"), std::string::npos);
  EXPECT_EQ(pd.open(a), id);
  EXPECT_EQ(pd.open(pd.seal("13812345678")), "13812345678");
  EXPECT_EQ(pd.open(pd.seal("张三的电话")), "张三的电话");
  EXPECT_EQ(pd.seal(""), "");
  EXPECT_EQ(pd.open("13812345678"), "13812345678");  // written before encryption: read as it is
}

TEST(personal_data, another_key_or_an_altered_value_is_refused) {
  auto pd = make(7);
  auto sealed = pd.seal("370214198001011234");
  EXPECT_THROW(make(8).open(sealed), std::runtime_error);
  auto altered = sealed;
  altered[10] = altered[10] == 'A' ? 'B' : 'A';
  EXPECT_THROW(pd.open(altered), std::runtime_error);
  EXPECT_THROW(pd.open("pd1:not base64!"), std::runtime_error);
  EXPECT_THROW(pd.open("pd1:"), std::runtime_error);
}

TEST(personal_data, blind_keys_are_stable_and_keyed) {
  EXPECT_EQ(make(1).blind("id:370214198001011234"), make(1).blind("id:370214198001011234"));
  EXPECT_NE(make(1).blind("id:370214198001011234"), make(2).blind("id:370214198001011234"));
  EXPECT_EQ(make(1).blind("x").size(), 64u);
}

TEST(personal_data, agreement_parties_are_sealed_and_opened_field_by_field) {
  auto pd = make(3);
  nlohmann::json c{{"parties", {{{"name", "张三"}, {"id_number", "370214198001011234"}, {"phone", "13812345678"}},
                                {{"name", "某公司"}}}},
                   {"facts", "13812345678 stays in the facts"}};
  auto sealed = pd.seal_parties(c);
  EXPECT_TRUE(personal_data::is_sealed(sealed["parties"][0]["id_number"].get<std::string>()));
  EXPECT_TRUE(personal_data::is_sealed(sealed["parties"][0]["phone"].get<std::string>()));
  EXPECT_EQ(sealed["parties"][0]["name"], "张三");
  EXPECT_FALSE(sealed["parties"][1].contains("phone"));
  EXPECT_EQ(pd.open_parties(sealed), c);
  EXPECT_EQ(pd.seal_parties(nlohmann::json::array({1, 2})), nlohmann::json::array({1, 2}));  // not content: untouched
}

TEST(personal_data, the_key_file_is_made_once_private_and_checked) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / ("pdkey-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "data.key").string();
  EXPECT_THROW(personal_data::from_file(path, false), std::runtime_error);  // not made unless asked
  // Several processes starting at once agree on one key.
  std::vector<std::string> sealed(4);
  std::vector<int> created(4, 0);
  std::vector<std::thread> starters;
  for (int i = 0; i < 4; ++i)
    starters.emplace_back([&, i] {
      bool c = false;
      sealed[i] = personal_data::from_file(path, true, &c).seal("13812345678");
      created[i] = c;
    });
  for (auto& t : starters) t.join();
  EXPECT_EQ(created[0] + created[1] + created[2] + created[3], 1);
  auto again = personal_data::from_file(path, false);
  for (const auto& s : sealed) EXPECT_EQ(again.open(s), "13812345678");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A key others may read, or that is not 32 bytes of hex, is refused with the file's name.
  auto refusal = [](const std::string& file) {
    try {
      personal_data::from_file(file, false);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  ::chmod(path.c_str(), 0644);
  EXPECT_NE(refusal(path).find("chmod 600"), std::string::npos);
  const std::string bad = (dir / "bad.key").string();
  std::ofstream(bad) << "abc\n";
  ::chmod(bad.c_str(), 0600);
  EXPECT_NE(refusal(bad).find("64 hexadecimal digits"), std::string::npos);
  EXPECT_NE(refusal(bad).find(bad), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mediation::app
