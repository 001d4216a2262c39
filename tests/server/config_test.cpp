#include <gtest/gtest.h>

#include "server/config.hpp"

namespace mediation {
namespace {

TEST(config, defaults_match_the_contract) {
  auto p = parse_args({});
  ASSERT_TRUE(p.cfg);
  EXPECT_EQ(p.cfg->listen_host, "127.0.0.1");
  EXPECT_EQ(p.cfg->listen_port, 8080);
  EXPECT_EQ(p.cfg->db_url, "sqlite3://db=var/mediation.db");
  EXPECT_FALSE(p.cfg->seed_demo);
  EXPECT_EQ(p.cfg->max_frame_bytes, 1u << 20);
  EXPECT_GE(p.cfg->threads, 1u);
}

TEST(config, flags_are_parsed) {
  auto p = parse_args({"--listen", "0.0.0.0:0", "--db", "mysql://db=x user=u", "--seed-demo", "--threads", "3",
                       "--log-level", "warn", "--max-frame=2048", "--token-ttl", "120"});
  ASSERT_TRUE(p.cfg) << p.error;
  EXPECT_EQ(p.cfg->listen_host, "0.0.0.0");
  EXPECT_EQ(p.cfg->listen_port, 0);
  EXPECT_EQ(p.cfg->db_url, "mysql://db=x user=u");
  EXPECT_TRUE(p.cfg->seed_demo);
  EXPECT_EQ(p.cfg->threads, 3u);
  EXPECT_EQ(p.cfg->log_level, log::level::warn);
  EXPECT_EQ(p.cfg->max_frame_bytes, 2048u);
  EXPECT_EQ(p.cfg->app.token_ttl_ms, 120000);
}

TEST(config, bad_flags_are_clear_errors) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--listen", "nope"}, {"--listen", "1.2.3.4:70000"}, {"--db", "postgres://x"}, {"--threads", "0"},
           {"--threads"}, {"--log-level", "loud"}, {"--frobnicate"}, {"stray"}, {"--max-frame", "12"},
           {"--idle-timeout", "x"}}) {
    auto p = parse_args(args);
    EXPECT_FALSE(p.cfg) << args[0];
    EXPECT_FALSE(p.error.empty()) << args[0];
  }
  EXPECT_TRUE(parse_args({"--help"}).help);
}

}  // namespace
}  // namespace mediation
