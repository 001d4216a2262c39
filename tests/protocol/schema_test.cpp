// protocol/schema/ holds one JSON Schema per message; this keeps it in step with the code.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "protocol/parse.hpp"

namespace mediation::protocol {
namespace {

const std::filesystem::path schema_dir = std::filesystem::path(MEDIATION_SOURCE_DIR) / "protocol" / "schema";

json load(const std::filesystem::path& p) {
  std::ifstream in(p);
  return json::parse(in, nullptr, false);
}

TEST(schemas, every_request_type_has_a_valid_schema_naming_it) {
  for (auto type : request_types()) {
    auto path = schema_dir / (std::string(type) + ".json");
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    json s = load(path);
    ASSERT_FALSE(s.is_discarded()) << path << " is not valid JSON";
    EXPECT_EQ(s["$schema"], "https://json-schema.org/draft/2020-12/schema") << path;
    EXPECT_EQ(s["properties"]["type"]["const"], std::string(type)) << path;
    auto required = s["required"];
    EXPECT_NE(std::find(required.begin(), required.end(), "rid"), required.end()) << path;
  }
}

TEST(schemas, replies_and_pushes_have_schemas) {
  for (const char* name : {"ok", "error", "event", "notice", "login", "user", "org", "case"}) {
    auto path = schema_dir / (std::string(name) + ".json");
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_FALSE(load(path).is_discarded()) << path;
  }
  auto error = load(schema_dir / "error.json");
  auto codes = error["properties"]["code"]["enum"];
  EXPECT_EQ(codes.size(), 9u);
}

}  // namespace
}  // namespace mediation::protocol
