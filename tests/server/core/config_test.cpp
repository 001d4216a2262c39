#include <unistd.h>

#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include "server/core/config.hpp"

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

TEST(config, written_paths_derive_from_the_data_dir_and_explicit_ones_win) {
  auto p = parse_args({});
  ASSERT_TRUE(p.cfg);
  EXPECT_EQ(p.cfg->data_dir, "var");
  EXPECT_EQ(p.cfg->data_key_file, "var/data.key");
  EXPECT_EQ(p.cfg->app.attachments_dir, "var/attachments");
  EXPECT_EQ(p.cfg->drain_seconds, 5u);
  EXPECT_EQ(p.cfg->log_file, "");

  p = parse_args({"--data-dir", "/var/lib/mediation/"});
  ASSERT_TRUE(p.cfg) << p.error;
  EXPECT_EQ(p.cfg->db_url, "sqlite3://db=/var/lib/mediation/mediation.db");
  EXPECT_EQ(p.cfg->data_key_file, "/var/lib/mediation/data.key");
  EXPECT_EQ(p.cfg->app.attachments_dir, "/var/lib/mediation/attachments");

  // Explicit paths win, whichever comes first and wherever they come from.
  std::map<std::string, std::string> env{{"MEDIATION_DATA_KEY_FILE", "/etc/mediation/data.key"}};
  p = parse_args({"--attachments-dir", "/srv/files", "--data-dir", "/data", "--db", "mysql://db=m user=u"},
                 [&](const char* n) { return env.count(n) ? env[n].c_str() : nullptr; });
  ASSERT_TRUE(p.cfg) << p.error;
  EXPECT_EQ(p.cfg->app.attachments_dir, "/srv/files");
  EXPECT_EQ(p.cfg->data_key_file, "/etc/mediation/data.key");
  EXPECT_EQ(p.cfg->db_url, "mysql://db=m user=u");

  p = parse_args({"--drain-seconds", "0", "--log-file", "/var/log/mediation/server.log"});
  ASSERT_TRUE(p.cfg) << p.error;
  EXPECT_EQ(p.cfg->drain_seconds, 0u);
  EXPECT_EQ(p.cfg->log_file, "/var/log/mediation/server.log");
  EXPECT_NE(describe(*p.cfg).find("\"drain-seconds\": 0"), std::string::npos) << describe(*p.cfg);
  p = parse_args({"--drain-seconds", "601"});
  EXPECT_FALSE(p.cfg);
  EXPECT_NE(p.error.find("--drain-seconds"), std::string::npos) << p.error;
  EXPECT_FALSE(parse_args({"--data-dir", ""}).cfg);
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

std::string write_file(const std::string& text) {
  std::string path = ::testing::TempDir() + "mediation-config-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << text;
  return path;
}

TEST(config, file_then_environment_then_flags) {
  auto path = write_file(R"({"listen": "0.0.0.0:9000", "db": "mysql://db=m user=u password=s3cret host=h",
                             "threads": 3, "seed-demo": true, "trusted-proxy": ["10.0.0.2", "10.0.0.3"],
                             "log-level": "warn"})");
  std::map<std::string, std::string> env{{"MEDIATION_THREADS", "5"}, {"MEDIATION_LOG_LEVEL", "error"}};
  auto lookup = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto p = parse_args({"--config", path, "--log-level", "debug"}, lookup);
  ASSERT_TRUE(p.cfg) << p.error;
  EXPECT_EQ(p.cfg->listen_port, 9000);           // from the file
  EXPECT_TRUE(p.cfg->seed_demo);
  EXPECT_EQ(p.cfg->trusted_proxies, (std::vector<std::string>{"10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(p.cfg->threads, 5u);                 // the environment beats the file
  EXPECT_EQ(p.cfg->log_level, log::level::debug);  // the command line beats both
  std::string shown = describe(*p.cfg);
  EXPECT_EQ(shown.find("s3cret"), std::string::npos);
  EXPECT_NE(shown.find("password=****"), std::string::npos);
  EXPECT_NE(shown.find("\"listen\": \"0.0.0.0:9000\""), std::string::npos);
  EXPECT_TRUE(parse_args({"--config", path, "--print-config"}, nullptr).print_config);
}

TEST(config, bad_files_are_clear_errors) {
  EXPECT_NE(parse_args({"--config", "/nonexistent/x.json"}).error.find("cannot read"), std::string::npos);
  EXPECT_NE(parse_args({"--config", write_file("[1, 2]")}).error.find("not a JSON object"), std::string::npos);
  EXPECT_NE(parse_args({"--config", write_file(R"({"colour": "red"})")}).error.find("unknown setting 'colour'"),
            std::string::npos);
  EXPECT_NE(parse_args({"--config", write_file(R"({"threads": 1.5})")}).error.find("whole number"), std::string::npos);
  EXPECT_NE(parse_args({"--config", write_file(R"({"seed-demo": "yes"})")}).error.find("true or false"), std::string::npos);
  EXPECT_NE(parse_args({"--config", write_file(R"({"threads": 0})")}).error.find("--threads"), std::string::npos);
  auto env = [](const char* n) -> const char* { return std::string(n) == "MEDIATION_DB" ? "postgres://x" : nullptr; };
  EXPECT_NE(parse_args({}, env).error.find("--db"), std::string::npos);
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

TEST(config, version_answers_whatever_else_is_given) {
  EXPECT_TRUE(parse_args({"--version"}).version);
  // Even beside a configuration file that cannot be read or an unknown flag.
  auto p = parse_args({"--config", "/nonexistent/config.json", "--frobnicate", "--version"});
  EXPECT_TRUE(p.version);
  EXPECT_FALSE(p.cfg);
  EXPECT_FALSE(parse_args({"--threads", "2"}).version);
}

TEST(config, turn_servers_get_per_user_credentials_never_a_static_password) {
  // A standing password would be handed to every participant, guests included.
  EXPECT_NE(parse_args({"--turn-password", "p"}).error.find("unknown option"), std::string::npos);
  EXPECT_NE(parse_args({"--ice-server", "turn:turn.example.cn:3478"}).error.find("--turn-secret-file"), std::string::npos);
  const std::string secret = write_file("a-long-shared-secret\n");
  EXPECT_NE(parse_args({"--turn-secret-file", secret}).error.find("owner only"), std::string::npos)
      << "a secret others may read is refused";
  ::chmod(secret.c_str(), 0600);
  auto p = parse_args({"--ice-server", "turn:turn.example.cn:3478", "--turn-secret-file", secret, "--turn-ttl", "600"});
  ASSERT_TRUE(p.cfg) << p.error;
  EXPECT_EQ(p.cfg->app.turn_secret, "a-long-shared-secret");
  EXPECT_EQ(p.cfg->app.turn_ttl_s, 600);
  EXPECT_EQ(describe(*p.cfg).find("a-long-shared-secret"), std::string::npos);  // --print-config never shows it
  const std::string short_secret = write_file("short");
  ::chmod(short_secret.c_str(), 0600);
  EXPECT_NE(parse_args({"--turn-secret-file", short_secret}).error.find("at least 16"), std::string::npos);
}

TEST(config, tls_needs_both_readable_files) {
  auto cert = write_file("certificate");
  EXPECT_EQ(parse_args({"--tls-cert", cert}).error, "--tls-cert needs --tls-key");
  EXPECT_EQ(parse_args({"--tls-key", cert}).error, "--tls-key needs --tls-cert");
  EXPECT_NE(parse_args({"--tls-cert", "/nonexistent/cert.pem", "--tls-key", cert}).error.find("--tls-cert: cannot read"),
            std::string::npos);
  auto p = parse_args({"--tls-cert", cert, "--tls-key", cert});
  ASSERT_TRUE(p.cfg) << p.error;
  EXPECT_EQ(p.cfg->tls_cert_file, cert);
  EXPECT_NE(describe(*p.cfg).find("\"tls-key\": \"" + cert + "\""), std::string::npos);
}

}  // namespace
}  // namespace mediation
