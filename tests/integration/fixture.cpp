#include "tests/integration/fixture.hpp"

#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <iostream>

namespace mediation::test {

void server_test::SetUp() {
  db_ = std::make_unique<test_db>(GetParam());
  if (!db_->available()) GTEST_SKIP() << db_->skip_reason();
  start_server();
}

void server_test::start_server() {
  server_.reset();
  std::vector<std::string> args{"--seed-demo-accounts"};
  auto extra = extra_args();
  args.insert(args.end(), extra.begin(), extra.end());
  server_ = std::make_unique<server_process>(db_->url(), args, db_->dir() + "/server.log");
}

void server_test::sql_exec(const std::string& statement) {
  soci::register_factory_sqlite3();
  soci::register_factory_mysql();
  soci::session sql(db_->url());
  if (db_->backend() == "sqlite") sql << "PRAGMA busy_timeout = 10000";
  sql << statement;
}

std::vector<std::string> server_test::sql_strings(const std::string& query) {
  soci::register_factory_sqlite3();
  soci::register_factory_mysql();
  soci::session sql(db_->url());
  if (db_->backend() == "sqlite") sql << "PRAGMA busy_timeout = 10000";
  std::vector<std::string> out;
  soci::rowset<soci::row> rows = (sql.prepare << query);
  for (const auto& r : rows) {
    if (r.get_indicator(0) == soci::i_null) {
      out.emplace_back();
    } else if (r.get_properties(0).get_data_type() == soci::dt_string) {
      out.push_back(r.get<std::string>(0));
    } else if (r.get_properties(0).get_data_type() == soci::dt_integer) {
      out.push_back(std::to_string(r.get<int>(0)));
    } else {
      out.push_back(std::to_string(r.get<long long>(0)));
    }
  }
  return out;
}

std::string server_test::sql_error(const std::string& statement) {
  try {
    sql_exec(statement);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

void server_test::TearDown() {
  if (HasFailure() && server_) {
    std::string log = server_->log();
    if (log.size() > 6000) log = log.substr(log.size() - 6000);
    std::cerr << "---- server log (tail) ----\n" << log << "\n";
  }
  server_.reset();
  db_.reset();
}

std::string server_test::token_for(const std::string& username) {
  auto it = tokens_.find(username);
  if (it != tokens_.end()) return it->second;
  auto r = http_request(port(), "POST", "/api/login", json{{"username", username}, {"password", "mediate"}}.dump());
  auto j = r.json_body();
  if (r.status != 200) throw std::runtime_error("login failed: " + r.body);
  user_ids_[username] = j["user"]["id"].get<std::string>();
  return tokens_[username] = j["token"].get<std::string>();
}

std::string server_test::user_id(const std::string& username) {
  token_for(username);
  return user_ids_.at(username);
}

std::unique_ptr<ws_client> server_test::connect_as(const std::string& username) {
  auto c = std::make_unique<ws_client>(port());
  auto r = c->request({{"type", "auth"}, {"token", token_for(username)}});
  if (r.value("type", "") != "ok") throw std::runtime_error("auth failed: " + r.dump());
  return c;
}

std::string in_minutes(int m) {
  auto t = std::chrono::system_clock::now() + std::chrono::minutes(m);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  std::time_t tt = static_cast<std::time_t>(secs);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return buf;
}

admin_result server_test::run_admin(const std::vector<std::string>& args, const std::string& input) const {
  return run_admin_at(db_->url(), args, input);
}

admin_result run_admin_at(const std::string& url, const std::vector<std::string>& args, const std::string& input) {
  std::string cmd = "printf '%s\\n' '" + input + "' | '" + admin_binary() + "' --db '" + url + "'";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  admin_result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
  const int status = pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string server_test::test_file(const std::string& name, const std::string& text, unsigned mode) const {
  const std::string path = db_->dir() + "/" + name;
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

std::unique_ptr<ws_client> server_test::connect_guest(const std::string& invitation_token) {
  auto r = http_request(port(), "POST", "/api/guest-login", json{{"token", invitation_token}}.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  auto c = std::make_unique<ws_client>(port());
  auto a = c->request({{"type", "auth"}, {"token", r.json_body()["token"]}});
  EXPECT_EQ(a.value("type", ""), "ok") << a.dump();
  return c;
}

json server_test::create_case(ws_client& c, const std::string& title) {
  auto r = c.request({{"type", "case.create"},
                      {"title", title},
                      {"category", "labour_wages"},
                      {"channel", "visit"},
                      {"description", "某建筑公司拖欠农民工工资三个月，涉及12人。"},
                      {"parties", json::array({{{"role", "petitioner"}, {"name", "张三"}},
                                               {{"role", "respondent"}, {"name", "某建筑公司"}}})}});
  if (r.value("type", "") != "ok") throw std::runtime_error("case.create failed: " + r.dump());
  return r["case"];
}

std::string server_test::org_id(ws_client& c, const std::string& name_en) {
  auto r = c.request({{"type", "orgs.list"}});
  for (const auto& o : r["orgs"])
    if (o["name_en"] == name_en) return o["id"].get<std::string>();
  throw std::runtime_error("no org " + name_en);
}

}  // namespace mediation::test
