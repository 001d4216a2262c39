#include "server/admin/backup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include "server/agreements/agreement_repo.hpp"
#include "server/agreements/agreement_service.hpp"
#include "server/base/version.hpp"
#include "server/admin/rotate_key.hpp"
#include "server/core/data_key.hpp"
#include "server/store/migrations.hpp"
#include "server/store/settings_repo.hpp"

namespace mediation::app::admin {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* bundle_format = "mediation-backup 1";

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

// SHA-256 of a file's bytes (hex) and its size.
std::pair<std::string, std::uintmax_t> file_sha256(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + p.string());
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::array<char, 1 << 16> buf{};
  std::uintmax_t size = 0;
  while (f) {
    f.read(buf.data(), buf.size());
    const auto got = f.gcount();
    if (got <= 0) break;
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()), static_cast<unsigned long long>(got));
    size += static_cast<std::uintmax_t>(got);
  }
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  return {hex(out, sizeof out), size};
}

void make_private_dir(const fs::path& p) {
  fs::create_directories(p);
  fs::permissions(p, fs::perms::owner_all, fs::perm_options::replace);
}

void copy_private(const fs::path& from, const fs::path& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
}

bool is_hex_name(const std::string& s, std::size_t n) {
  return s.size() == n && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Whether `inner` is `outer` or lies below it (both made absolute and normal, symbolic links of
// existing parts resolved).
bool inside(const fs::path& inner, const fs::path& outer) {
  const auto a = fs::weakly_canonical(fs::absolute(inner)), b = fs::weakly_canonical(fs::absolute(outer));
  auto ai = a.begin();
  for (auto bi = b.begin(); bi != b.end(); ++bi, ++ai) {
    if (bi->empty()) continue;
    if (ai == a.end() || *ai != *bi) return false;
  }
  return true;
}

// The parts of a "mysql://db=NAME user=U password=P host=H port=N" URL (values may be quoted with
// single quotes, as SOCI allows).
std::map<std::string, std::string> mysql_params(const std::string& url) {
  std::map<std::string, std::string> out;
  std::string rest = url.substr(url.find("://") + 3);
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    const auto eq = rest.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = rest.substr(i, eq - i), value;
    i = eq + 1;
    if (i < rest.size() && rest[i] == '\'') {
      for (++i; i < rest.size() && rest[i] != '\''; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        value += rest[i];
      }
      ++i;
    } else {
      while (i < rest.size() && rest[i] != ' ') value += rest[i++];
    }
    out[key] = value;
  }
  if (!out.count("db") && out.count("dbname")) out["db"] = out["dbname"];
  if (!out.count("db") && out.count("service")) out["db"] = out["service"];
  if (!out.count("password") && out.count("pass")) out["password"] = out["pass"];
  if (!out.count("socket") && out.count("unix_socket")) out["socket"] = out["unix_socket"];
  if (out["db"].empty()) throw usage_error("the --db URL names no database (db=...)");
  return out;
}

std::string option_value(const std::string& v) {
  std::string s = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') s += '\\';
    s += c;
  }
  return s + "\"";
}

// A private folder for the client's only option file (--defaults-file: no ~/.my.cnf of the operator can change
// the user; the password never appears on a command line) and
// the child's error output; removed when done.
class client_files {
 public:
  explicit client_files(const std::map<std::string, std::string>& p) {
    char tmpl[] = "/tmp/mediation-admin.XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error(std::string("cannot make a temporary folder: ") + std::strerror(errno));
    dir_ = tmpl;
    std::string cnf = "[client]\n";
    for (const char* k : {"user", "password", "host", "port", "socket"})
      if (auto it = p.find(k); it != p.end() && !it->second.empty()) cnf += std::string(k) + "=" + option_value(it->second) + "\n";
    cnf += "default-character-set=utf8mb4\n";
    write_private_file((dir_ / "client.cnf").string(), cnf);
  }
  ~client_files() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string option_file() const { return (dir_ / "client.cnf").string(); }
  std::string errors() const { return (dir_ / "errors").string(); }

 private:
  fs::path dir_;
};

std::string read_all(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs `argv` (looked up on PATH) with standard input from `in_fd` (-1: /dev/null), standard output
// into `out_fd`, standard error into the file `errors`. Returns the exit status (127: not found).
int run_child(const std::vector<std::string>& argv, int in_fd, int out_fd, const std::string& errors) {
  const int err_fd = ::open(errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (err_fd < 0) throw std::runtime_error("cannot write " + errors);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    dup2(in_fd >= 0 ? in_fd : null_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  ::close(err_fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// mariadb-dump of the whole database into `target`, with the DEFINER clauses of triggers removed
// (a restore as another user, without SUPER, could not recreate them otherwise).
void dump_mariadb(const std::map<std::string, std::string>& p, const fs::path& target) {
  client_files files(p);
  const fs::path raw = target.string() + ".part";
  const int fd = ::open(raw.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + raw.string());
  const int status = run_child({"mariadb-dump", "--defaults-file=" + files.option_file(), "--single-transaction",
                                "--triggers", "--skip-add-locks", "--skip-add-drop-table", "--no-tablespaces", "--hex-blob", p.at("db")},
                               -1, fd, files.errors());
  ::close(fd);
  if (status != 0) {
    fs::remove(raw);
    if (status == 127) throw std::runtime_error("mariadb-dump is not installed (apt-get install mariadb-client)");
    throw std::runtime_error("mariadb-dump failed (exit status " + std::to_string(status) + "): " + read_all(files.errors()));
  }
  const std::regex definer(R"(/\*!50017 DEFINER=`[^`]*`@`[^`]*`\*/ ?)");
  std::ifstream in(raw);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.find("-- Dump completed") == std::string::npos)
    throw std::runtime_error("mariadb-dump stopped before the end of the dump");
  write_private_file(target.string(), std::regex_replace(text, definer, ""));
  fs::remove(raw);
}

void load_mariadb(const std::map<std::string, std::string>& p, const fs::path& dump) {
  client_files files(p);
  const int fd = ::open(dump.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read " + dump.string());
  const int null_out = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  const int status = run_child({"mariadb", "--defaults-file=" + files.option_file(), p.at("db")}, fd, null_out,
                               files.errors());
  ::close(fd);
  ::close(null_out);
  if (status == 0) return;
  if (status == 127) throw std::runtime_error("the mariadb client is not installed (apt-get install mariadb-client)");
  std::string why = read_all(files.errors());
  if (why.find("binary logging") != std::string::npos)
    why += " (with the binary log on, set log_bin_trust_function_creators = 1 as docs/operations.md says)";
  throw std::runtime_error("loading the dump failed (exit status " + std::to_string(status) + "): " + why +
                           "; drop and re-create the database, fix the cause and run restore again");
}

std::string sqlite_path(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  if (rest.rfind("db=", 0) == 0) rest = rest.substr(3);
  if (auto sp = rest.find(' '); sp != std::string::npos) rest.resize(sp);
  if (rest.empty()) throw usage_error("the --db URL names no database file (sqlite3://db=PATH)");
  return rest;
}

std::string sql_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += '\'';
    q += c;
  }
  return q + "'";
}

// Copies every attachment file (256 sub-folders of files named by their SHA-256) from `from` to `to`,
// checking each against its name. Returns the count and bytes.
std::pair<long long, std::uintmax_t> copy_attachments(const fs::path& from, const fs::path& to, bool check) {
  long long count = 0;
  std::uintmax_t bytes = 0;
  if (!fs::exists(from)) return {0, 0};
  make_private_dir(to);
  for (const auto& sub : fs::directory_iterator(from)) {
    const std::string part = sub.path().filename().string();
    if (!sub.is_directory() || !is_hex_name(part, 2)) continue;
    for (const auto& f : fs::directory_iterator(sub.path())) {
      const std::string name = f.path().filename().string();
      if (!f.is_regular_file() || !is_hex_name(name, 64) || name.compare(0, 2, part) != 0) continue;
      if (check) {
        const auto [sum, size] = file_sha256(f.path());
        if (sum != name) throw std::runtime_error("attachment file " + f.path().string() + " is damaged (its SHA-256 is " + sum + "); bring it back from an older backup");
      }
      fs::create_directories(to / part);
      copy_private(f.path(), to / part / name);
      ++count;
      bytes += fs::file_size(f.path());
    }
  }
  return {count, bytes};
}

std::string key_hex_of(const std::string& key_file) {
  std::ifstream f(key_file);
  std::string line;
  std::getline(f, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// The checks of `verify`, written to `out`; returns the number of problems.
int check_database(soci::session& sql, store::backend kind, const personal_data& pd, const fs::path& files,
                   std::ostream& out) {
  int problems = 0;
  // Agreements: every chain verifies.
  std::vector<long long> agreements;
  {
    long long id = 0;
    soci::statement st = (sql.prepare << "SELECT id FROM agreements ORDER BY id", soci::into(id));
    st.execute();
    while (st.fetch()) agreements.push_back(id);
  }
  int chains_ok = 0;
  for (long long id : agreements) {
    const json v = agreements::verify_json(sql, id);
    if (v["ok"].get<bool>()) {
      ++chains_ok;
    } else {
      ++problems;
      out << "PROBLEM agreement " << id << ": its hash chain breaks: " << v["first_break"].dump() << "\n";
    }
  }
  out << "agreements: " << chains_ok << " of " << agreements.size() << " hash chains verified\n";
  // Sealed numbers: every one opens with the key.
  long long opened = 0;
  auto try_open = [&](const std::string& where, const std::string& value) {
    if (!personal_data::is_sealed(value)) return;
    try {
      pd.open(value);
      ++opened;
    } catch (const std::exception&) {
      if (++problems <= 20) out << "PROBLEM " << where << ": a sealed number does not open with this key\n";
    }
  };
  {
    long long id = 0;
    std::string a, b;
    soci::indicator ia = soci::i_null, ib = soci::i_null;
    soci::statement st = (sql.prepare << "SELECT id, id_number, phone FROM case_parties ORDER BY id", soci::into(id),
                          soci::into(a, ia), soci::into(b, ib));
    st.execute();
    while (st.fetch()) {
      if (ia == soci::i_ok) try_open("case_parties row " + std::to_string(id), a);
      if (ib == soci::i_ok) try_open("case_parties row " + std::to_string(id), b);
    }
  }
  {
    long long id = 0;
    std::string phone;
    soci::indicator ip = soci::i_null;
    soci::statement st =
        (sql.prepare << "SELECT id, phone FROM meeting_participants ORDER BY id", soci::into(id), soci::into(phone, ip));
    st.execute();
    while (st.fetch())
      if (ip == soci::i_ok) try_open("meeting_participants row " + std::to_string(id), phone);
  }
  {
    // A version's numbers as readers take them: re-sealed by a key rotation (bound to the version by
    // a keyed hash of its id and stored text), or as stored.
    long long id = 0;
    std::string content, numbers, binding;
    soci::indicator in = soci::i_null, ib = soci::i_null;
    // A schema from before key rotations (a restored older backup) has no re-sealed numbers.
    const bool resealed = store::table_exists(sql, kind, "agreement_version_seals");
    soci::statement st = (sql.prepare << (resealed ? "SELECT v.id, v.content, s.numbers, s.binding FROM agreement_versions v "
                                                     "LEFT JOIN agreement_version_seals s ON s.version_id = v.id ORDER BY v.id"
                                                   : "SELECT v.id, v.content, NULL, NULL FROM agreement_versions v ORDER BY v.id"),
                          soci::into(id), soci::into(content), soci::into(numbers, in), soci::into(binding, ib));
    st.execute();
    while (st.fetch()) {
      const std::string where = "agreement_versions row " + std::to_string(id);
      json parties;
      if (in == soci::i_ok) {
        if (ib != soci::i_ok || binding != version_seal_binding(pd, id, content, numbers)) {
          if (++problems <= 20) out << "PROBLEM " << where << ": its re-sealed numbers belong to another version or were altered\n";
          continue;
        }
        parties = json::parse(numbers, nullptr, false);
      } else {
        const json parsed = json::parse(content, nullptr, false);
        if (parsed.is_discarded() || !parsed.contains("parties")) continue;
        parties = parsed["parties"];
      }
      if (!parties.is_array()) continue;
      for (const auto& party : parties)
        for (const char* field : {"id_number", "phone"})
          if (party.contains(field) && party[field].is_string()) try_open(where, party[field].get<std::string>());
    }
  }
  out << "personal data: " << opened << " sealed numbers opened with the key\n";
  // Attachments: every file the database names is there, with its hash.
  long long present = 0, rows = 0;
  {
    long long id = 0, size = 0;
    std::string sha;
    soci::statement st =
        (sql.prepare << "SELECT id, sha256, size FROM attachments ORDER BY id", soci::into(id), soci::into(sha), soci::into(size));
    st.execute();
    while (st.fetch()) {
      ++rows;
      const fs::path p = files / sha.substr(0, 2) / sha;
      if (!fs::exists(p)) {
        if (++problems <= 40) out << "PROBLEM attachment " << id << ": its file " << p.string() << " is missing\n";
        continue;
      }
      const auto [sum, bytes] = file_sha256(p);
      if (sum != sha || static_cast<long long>(bytes) != size) {
        if (++problems <= 40) out << "PROBLEM attachment " << id << ": its file " << p.string() << " is damaged\n";
        continue;
      }
      ++present;
    }
  }
  out << "attachments: " << present << " of " << rows << " files present and intact in " << files.string() << "\n";
  return problems;
}

// A keyed hash of the manifest without its "mac" (nlohmann's dump orders keys, so it is canonical).
std::string manifest_mac(const personal_data& key, json manifest) {
  manifest.erase("mac");
  return key.blind("mediation-backup manifest\n" + manifest.dump());
}

personal_data key_of_database(soci::session& sql, store::backend kind, const std::string& key_file) {
  return settle_data_key(sql, kind, check_data_key(sql, kind, key_file, false), false);
}

}  // namespace

int backup(const store::database& db, soci::session& sql, const std::string& url, const options& o, std::ostream& out) {
  const fs::path dir = fs::absolute(o.get("out"));
  const fs::path key_out = fs::absolute(o.get("key-out"));
  const std::string key_file = o.opt("data-key-file").value_or("var/data.key");
  // No default: a backup taken from the wrong folder would look complete until the day it is needed.
  const fs::path files = fs::absolute(o.get("attachments-dir"));
  const auto config = o.opt("config");
  if (fs::exists(dir) && !fs::is_empty(dir))
    throw usage_error("--out " + dir.string() + " exists and is not empty; a backup never overwrites another");
  if (inside(key_out, dir))
    throw usage_error("--key-out must lie outside --out: a backup that leaks must not carry its own key");
  if (fs::exists(key_out)) throw usage_error("--key-out " + key_out.string() + " exists; choose a new file");
  if (config && !fs::is_regular_file(*config)) throw usage_error("--config " + *config + " is not a readable file");
  // The key must be the database's own (never made here).
  const personal_data pd = key_of_database(sql, db.kind(), key_file);
  const int schema = store::schema_version(sql, db.kind());
  // The audit row goes in before the dump, so that the backup records its own making.
  audit_command(db, sql, "admin.backup", std::nullopt, "begun: " + dir.string());

  // The newest attachment row before the dump: the dump names it and every older one, and their files
  // are on disk before their rows, so each must be found in --attachments-dir.
  long long last_attachment = 0;
  {
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(id) FROM attachments", soci::into(last_attachment, ind);
    if (ind != soci::i_ok) last_attachment = 0;
  }
  make_private_dir(dir);
  // A backup that fails leaves no folder behind that could pass for one.
  struct cleanup {
    fs::path dir;
    bool keep = false;
    ~cleanup() {
      std::error_code ec;
      if (!keep) fs::remove_all(dir, ec);
    }
  } partial{dir};
  // Checked again now that the folder exists: a symbolic link on the way to --key-out that led into a
  // folder not yet made could not be resolved before.
  if (inside(key_out, dir)) {
    std::error_code ec;
    fs::remove(dir, ec);
    throw usage_error("--key-out must lie outside --out: a backup that leaks must not carry its own key");
  }
  json manifest = {{"format", bundle_format}, {"release", release()}, {"schema_version", schema},
                   {"backend", db.kind() == store::backend::sqlite ? "sqlite" : "mariadb"},
                   {"created_at", format_rfc3339(now_millis())}, {"created_by", operator_remote()},
                   {"data_key_fingerprint", pd.fingerprint()}};
  fs::path database_file;
  if (db.kind() == store::backend::sqlite) {
    database_file = dir / "database.sqlite";
    sql << "VACUUM INTO " + sql_quoted(fs::absolute(database_file).string());
    fs::permissions(database_file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  } else {
    database_file = dir / "database.sql";
    dump_mariadb(mysql_params(url), database_file);
  }
  const auto [sum, size] = file_sha256(database_file);
  manifest["database"] = {{"file", database_file.filename().string()}, {"sha256", sum}, {"bytes", size}};
  if (last_attachment > 0 && !fs::is_directory(files))
    throw std::runtime_error("--attachments-dir " + files.string() + " is not a folder, but the database names attachment "
                             "files: give the server's attachments folder (its --attachments-dir, or DATA_DIR/attachments)");
  // Each file checked against its SHA-256 name as it is copied: a file damaged in the live folder would
  // make the backup unrestorable, so it stops the backup, naming the file.
  const auto [count, bytes] = copy_attachments(files, dir / "attachments", true);
  {
    long long id = 0, missing = 0;
    std::string sha, first;
    soci::statement st = (sql.prepare << "SELECT id, sha256 FROM attachments WHERE id <= :m ORDER BY id", soci::into(id),
                          soci::into(sha), soci::use(last_attachment, "m"));
    st.execute();
    while (st.fetch())
      if (!fs::exists(dir / "attachments" / sha.substr(0, 2) / sha)) {
        if (missing++ == 0) first = "attachment " + std::to_string(id) + " (" + sha + ")";
      }
    if (missing)
      throw std::runtime_error(std::to_string(missing) + " attachment file(s) the database names are not in " +
                               files.string() + ", e.g. " + first +
                               ": is it the server's attachments folder? No backup was written");
  }
  manifest["attachments"] = {{"files", count}, {"bytes", bytes}, {"from", files.string()}};
  if (config) {
    // The configuration may name the database with its password: that stays out of the backup.
    std::ifstream f(*config);
    json cfg = json::parse(f, nullptr, false);
    if (cfg.is_discarded()) throw usage_error("--config " + *config + " is not a JSON file");
    if (cfg.contains("db") && cfg["db"].is_string())
      cfg["db"] = std::regex_replace(cfg["db"].get<std::string>(), std::regex(R"((password|pass)=('[^']*'|\S*))"), "$1=***");
    write_private_file((dir / "config.json").string(), cfg.dump(2) + "\n");
    manifest["config"] = "config.json (database password masked)";
  }
  manifest["key"] = "not in this folder: restore needs --data-key-file with the key of fingerprint " + pd.fingerprint();
  // Authenticated with the data key: whoever changes the dump and its checksum cannot make a new one.
  manifest["mac"] = manifest_mac(pd, manifest);
  write_private_file((dir / "manifest.json").string(), manifest.dump(2) + "\n");
  if (key_out.has_parent_path()) fs::create_directories(key_out.parent_path());
  write_private_file(key_out.string(), key_hex_of(key_file) + "\n");
  partial.keep = true;
  audit_command(db, sql, "admin.backup", std::nullopt, "finished: " + dir.string());
  out << "backup of schema version " << schema << " written to " << dir.string() << ": " << database_file.filename().string()
      << " (" << size << " bytes), " << count << " attachment files (" << bytes << " bytes)"
      << (config ? ", config.json" : "") << "\n";
  out << "data key written to " << key_out.string() << " (fingerprint " << pd.fingerprint()
      << "): store it apart from the backup\n";
  return 0;
}

int restore(const std::string& url, const options& o, std::ostream& out) {
  const fs::path from = o.get("from");
  const std::string key_file = o.get("data-key-file");
  const fs::path files = fs::absolute(o.get("attachments-dir"));
  json manifest;
  {
    std::ifstream f(from / "manifest.json");
    if (!f) throw usage_error("--from " + from.string() + " holds no manifest.json: not a backup of mediation-admin");
    manifest = json::parse(f, nullptr, false);
  }
  if (manifest.is_discarded() || manifest.value("format", "") != bundle_format)
    throw std::runtime_error(from.string() + "/manifest.json is not a backup manifest this release reads");
  const bool sqlite = url.rfind("sqlite3://", 0) == 0;
  if (manifest["backend"] != (sqlite ? "sqlite" : "mariadb"))
    throw usage_error("the backup is of a " + manifest["backend"].get<std::string>() + " database; --db is not");
  const int schema = manifest["schema_version"].get<int>();
  if (schema > store::known_schema_version())
    throw store::refused("the backup's schema version " + std::to_string(schema) + " is newer than this release knows (" +
                         std::to_string(store::known_schema_version()) + "); restore it with the release that made it (" +
                         manifest.value("release", "?") + ")");
  // The key first: a restore with the wrong key would give a database nobody can read.
  const std::string expected = manifest["data_key_fingerprint"].get<std::string>();
  const std::string found = personal_data::from_file(key_file, false).fingerprint();
  if (found != expected)
    throw data_key_refused("the data key file '" + key_file + "' is not this backup's key: the backup records the data key fingerprint " +
                               expected + ", the file's fingerprint is " + found + "; find the key file stored with this backup",
                           key_file, expected, found);
  if (!manifest.contains("mac") || manifest["mac"] != manifest_mac(personal_data::from_file(key_file, false), manifest))
    throw std::runtime_error(from.string() + "/manifest.json was changed after the backup was made (its keyed hash "
                             "does not match): use another backup");
  const std::string file_name = manifest["database"]["file"].get<std::string>();
  if (file_name != "database.sql" && file_name != "database.sqlite")
    throw std::runtime_error("the manifest names an unexpected database file: " + file_name);
  const fs::path database_file = from / file_name;
  if (!fs::exists(database_file)) throw std::runtime_error("the backup lacks its database file " + database_file.string());
  if (file_sha256(database_file).first != manifest["database"]["sha256"].get<std::string>())
    throw std::runtime_error("the backup's database file " + database_file.string() +
                             " is damaged (its SHA-256 differs from the manifest's); use another backup");

  if (sqlite) {
    const fs::path target = sqlite_path(url);
    for (const std::string suffix : {"", "-wal", "-shm", "-journal"})
      if (fs::exists(target.string() + suffix) && (!suffix.empty() || fs::file_size(target) > 0))
        throw usage_error("the database file " + target.string() + suffix + " exists; restore only into a new database");
    if (target.has_parent_path()) fs::create_directories(target.parent_path());
    copy_private(database_file, target);
  } else {
    store::database target(url, 1);
    soci::session sql(target.pool());
    if (store::table_exists(sql, target.kind(), "schema_migrations") || store::table_exists(sql, target.kind(), "users"))
      throw usage_error("the database '" + mysql_params(url)["db"] + "' of --db is not empty; restore only into a new, "
                        "empty database: DROP DATABASE and CREATE DATABASE it again (as at the start of docs/operations.md, "
                        "\"Restoring into a new database\"), or restore into another name");
    load_mariadb(mysql_params(url), database_file);
  }
  const auto [count, bytes] = copy_attachments(from / "attachments", files, true);
  out << "restored schema version " << schema << " from " << from.string() << " (made " << manifest.value("created_at", "?")
      << " by " << manifest.value("created_by", "?") << "); " << count << " attachment files (" << bytes << " bytes) into "
      << files.string() << "\n";
  store::database restored(url, 1);
  soci::session sql(restored.pool());
  options checks = o;
  checks.values["data-key-file"] = key_file;
  checks.values["attachments-dir"] = files.string();
  const int status = verify(restored, sql, checks, out);
  audit_command(restored, sql, "admin.restore", std::nullopt,
                "from " + from.string() + (status == 0 ? ", verified" : ", verification found problems"));
  if (schema < store::known_schema_version())
    out << "the server migrates it from schema version " << schema << " to " << store::known_schema_version()
        << " when it starts (or run migrate)\n";
  return status;
}

int verify(const store::database& db, soci::session& sql, const options& o, std::ostream& out) {
  const std::string key_file = o.opt("data-key-file").value_or("var/data.key");
  const fs::path files = fs::absolute(o.opt("attachments-dir").value_or("var/attachments"));
  const int schema = store::schema_version(sql, db.kind());
  out << "schema version " << schema << " (release " << release() << " knows " << store::known_schema_version() << ")\n";
  const personal_data pd = key_of_database(sql, db.kind(), key_file);
  out << "data key: " << key_file << " is the database's own (fingerprint " << pd.fingerprint() << ")\n";
  const int problems = check_database(sql, db.kind(), pd, files, out);
  if (problems) {
    out << problems << " problem(s) found\n";
    return 1;
  }
  out << "verified: no problem found\n";
  return 0;
}

}  // namespace mediation::app::admin
