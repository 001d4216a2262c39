#include "server/admin/rotate_key.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <ostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/core/data_key.hpp"
#include "server/core/masking.hpp"
#include "server/core/personal_data.hpp"
#include "server/store/settings_repo.hpp"

namespace mediation::app::admin {

std::string version_seal_binding(const personal_data& key, long long version_id, const std::string& stored,
                                 const std::string& numbers) {
  return key.blind(std::to_string(version_id) + "\n" + stored + "\n" + numbers);
}

namespace {

using nlohmann::json;
constexpr int batch_rows = 500;

// Both keys of a rotation. `reseal` gives a value sealed under the new key: unchanged when it opens
// under the new key already (done by an earlier, interrupted run), re-sealed when it opens under the
// old one; a value under neither stops the rotation with the row named (nothing of that batch changes).
struct key_pair {
  const personal_data& old_key;
  const personal_data& new_key;
  // Run at the start of every batch's transaction: throws when this run no longer owns the rotation
  // (it was abandoned, or another rotate-key took it over), so that it changes nothing more.
  std::function<void(store::write_context&)> guard = [](store::write_context&) {};

  // The plain text of a value sealed under either key.
  std::string open(const std::string& value, const std::string& where) const {
    try {
      return new_key.open(value);
    } catch (const std::exception&) {
    }
    try {
      return old_key.open(value);
    } catch (const std::exception&) {
      throw std::runtime_error(where + " holds a number sealed under neither key; nothing of its batch was changed");
    }
  }
  bool under_new(const std::string& value) const {
    try {
      new_key.open(value);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }
  // The value sealed under the new key, and whether it had to change.
  std::pair<std::string, bool> reseal(const std::string& value, const std::string& where) const {
    if (!personal_data::is_sealed(value) || under_new(value)) return {value, false};
    return {new_key.seal(open(value, where)), true};
  }
};

// Runs `fn` over the rows of `select` (ordered by id, `:last` the last id done) in transactions of
// batch_rows; `fn` gets the write context and the id, returns whether it changed the row. Returns
// the rows changed.
template <class Row, class Fetch, class Change>
long long in_batches(const store::database& db, soci::session& sql,
                     const std::function<void(store::write_context&)>& guard, Fetch fetch, Change change) {
  long long last = 0, changed = 0;
  for (;;) {
    std::vector<Row> rows = fetch(last);
    if (rows.empty()) return changed;
    last = rows.back().id;
    changed += in_transaction(db, sql, [&](store::write_context& ctx) {
      guard(ctx);
      long long n = 0;
      for (const auto& r : rows) n += change(ctx, r) ? 1 : 0;
      return n;
    });
  }
}

struct sealed_row {
  long long id = 0;
  std::string value;
};

// Re-seals one column of sealed numbers (case_parties.id_number and .phone, meeting_participants.phone).
long long reseal_column(const store::database& db, soci::session& sql, const key_pair& keys, const std::string& table,
                        const std::string& column) {
  return in_batches<sealed_row>(
      db, sql, keys.guard,
      [&](long long last) {
        std::vector<sealed_row> rows;
        sealed_row r;
        soci::indicator ind = soci::i_null;
        soci::statement st = (sql.prepare << "SELECT id, " + column + " FROM " + table +
                                                 " WHERE id > :l ORDER BY id LIMIT " + std::to_string(batch_rows),
                              soci::into(r.id), soci::into(r.value, ind), soci::use(last, "l"));
        st.execute();
        while (st.fetch()) {
          if (ind != soci::i_ok) r.value.clear();
          rows.push_back(r);
        }
        return rows;
      },
      [&](store::write_context& ctx, const sealed_row& r) {
        auto [value, changed] = keys.reseal(r.value, table + " row " + std::to_string(r.id));
        if (!changed) return false;
        long long id = r.id;
        ctx.sql << "UPDATE " + table + " SET " + column + " = :v WHERE id = :i", soci::use(value, "v"), soci::use(id, "i");
        return true;
      });
}

struct case_row {
  long long id = 0;
  std::string key;
  bool has_key = false;
};

// The petitioner key (case_logic's create): the first petitioner or applicant whose name and numbers
// give one, hashed under the new key.
long long rekey_petitioners(const store::database& db, soci::session& sql, const key_pair& keys) {
  return in_batches<case_row>(
      db, sql, keys.guard,
      [&](long long last) {
        std::vector<case_row> rows;
        case_row r;
        soci::indicator ik = soci::i_null;
        soci::statement st = (sql.prepare << "SELECT id, petitioner_key FROM cases WHERE id > :l ORDER BY id LIMIT " +
                                                 std::to_string(batch_rows),
                              soci::into(r.id), soci::into(r.key, ik), soci::use(last, "l"));
        st.execute();
        while (st.fetch()) {
          r.has_key = ik == soci::i_ok;
          if (!r.has_key) r.key.clear();
          rows.push_back(r);
        }
        return rows;
      },
      [&](store::write_context& ctx, const case_row& r) {
        if (!r.has_key) return false;
        long long id = r.id;
        std::string role, name, phone, id_number;
        soci::indicator i1 = soci::i_null, i2 = soci::i_null;
        soci::statement st = (ctx.sql.prepare << "SELECT role, name, phone, id_number FROM case_parties WHERE case_id = :c "
                                                 "ORDER BY position",
                              soci::into(role), soci::into(name), soci::into(phone, i1), soci::into(id_number, i2),
                              soci::use(id, "c"));
        st.execute();
        std::optional<std::string> key;
        while (st.fetch()) {
          if (key || (role != "petitioner" && role != "applicant")) continue;
          const std::string where = "case_parties of case " + std::to_string(r.id);
          const std::string p = i1 == soci::i_ok ? keys.open(phone, where) : "";
          const std::string n = i2 == soci::i_ok ? keys.open(id_number, where) : "";
          if (auto k = petitioner_key(name, p, n)) key = keys.new_key.blind(*k);
        }
        if (!key || *key == r.key) return false;
        ctx.sql << "UPDATE cases SET petitioner_key = :k WHERE id = :i", soci::use(*key, "k"), soci::use(id, "i");
        return true;
      });
}

struct version_seal_row {
  long long id = 0;
  std::string stored, numbers, key_fingerprint;
  bool resealed = false;
};

long long reseal_agreements(const store::database& db, soci::session& sql, const key_pair& keys) {
  const std::string new_fp = keys.new_key.fingerprint();
  return in_batches<version_seal_row>(
      db, sql, keys.guard,
      [&](long long last) {
        std::vector<version_seal_row> rows;
        version_seal_row r;
        soci::indicator in = soci::i_null, ik = soci::i_null;
        soci::statement st =
            (sql.prepare << "SELECT v.id, v.content, s.numbers, s.key_fingerprint FROM agreement_versions v "
                            "LEFT JOIN agreement_version_seals s ON s.version_id = v.id WHERE v.id > :l ORDER BY v.id "
                            "LIMIT " + std::to_string(batch_rows),
             soci::into(r.id), soci::into(r.stored), soci::into(r.numbers, in), soci::into(r.key_fingerprint, ik),
             soci::use(last, "l"));
        st.execute();
        while (st.fetch()) {
          r.resealed = in == soci::i_ok;
          if (!r.resealed) r.numbers.clear();
          if (ik != soci::i_ok) r.key_fingerprint.clear();
          rows.push_back(r);
        }
        return rows;
      },
      [&](store::write_context& ctx, const version_seal_row& r) {
        if (r.resealed && r.key_fingerprint == new_fp) return false;
        const json stored = json::parse(r.stored, nullptr, false);
        if (stored.is_discarded() || !stored.contains("parties") || !stored["parties"].is_array()) return false;
        // The numbers as they read now: from an earlier rotation's seals, or as stored.
        json current = json::array();
        if (r.resealed) current = json::parse(r.numbers, nullptr, false);
        const std::string where = "agreement_versions row " + std::to_string(r.id);
        json numbers = json::array();
        bool any = false;
        for (std::size_t i = 0; i < stored["parties"].size(); ++i) {
          json entry = json::object();
          for (const char* field : {"id_number", "phone"}) {
            std::string value;
            if (current.is_array() && i < current.size() && current[i].contains(field) && current[i][field].is_string())
              value = current[i][field];
            else if (stored["parties"][i].contains(field) && stored["parties"][i][field].is_string())
              value = stored["parties"][i][field];
            if (!personal_data::is_sealed(value)) continue;
            entry[field] = keys.new_key.seal(keys.open(value, where));
            any = true;
          }
          numbers.push_back(entry);
        }
        if (!any) return false;
        long long id = r.id, now = ctx.now;
        std::string text = numbers.dump(), fp = new_fp,
                    binding = version_seal_binding(keys.new_key, r.id, r.stored, text);
        ctx.sql << "DELETE FROM agreement_version_seals WHERE version_id = :i", soci::use(id, "i");
        ctx.sql << "INSERT INTO agreement_version_seals (version_id, key_fingerprint, numbers, binding, sealed_at) "
                   "VALUES (:i, :f, :n, :b, :a)",
            soci::use(id, "i"), soci::use(fp, "f"), soci::use(text, "n"), soci::use(binding, "b"), soci::use(now, "a");
        return true;
      });
}

constexpr const char* run_setting = "data_key_rotation_run";

// The value of a setting read in `ctx`'s transaction, locking its row on MariaDB (SQLite's write
// transaction holds the whole database): a batch and an abandon never interleave.
std::optional<std::string> locked_setting(store::write_context& ctx, store::backend kind, const std::string& name) {
  std::string key = name, value;
  soci::indicator ind = soci::i_null;
  ctx.sql << std::string("SELECT value FROM settings WHERE name = :n") + (kind == store::backend::mysql ? " FOR UPDATE" : ""),
      soci::into(value, ind), soci::use(key, "n");
  if (!ctx.sql.got_data() || ind != soci::i_ok) return std::nullopt;
  return value;
}

void write_setting(store::write_context& ctx, const std::string& name, const std::string& value) {
  std::string key = name, v = value;
  long long now = ctx.now;
  ctx.sql << "DELETE FROM settings WHERE name = :n", soci::use(key, "n");
  ctx.sql << "INSERT INTO settings (name, value, updated_at) VALUES (:n, :v, :a)", soci::use(key, "n"), soci::use(v, "v"),
      soci::use(now, "a");
}

std::string random_hex() {
  std::random_device rd;
  std::string s;
  static const char* digits = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) s += digits[rd() & 15];
  return s;
}

struct rotation_counts {
  long long parties = 0, guests = 0, petitioners = 0, versions = 0;
  long long total() const { return parties + guests + petitioners + versions; }
  std::string text() const {
    return std::to_string(parties) + " party numbers, " + std::to_string(guests) + " guest phones, " +
           std::to_string(petitioners) + " petitioner keys, " + std::to_string(versions) + " agreement versions";
  }
};

// Passes until one changes nothing: a server that sealed a value just before it stopped is caught by
// the next.
rotation_counts reseal_until_settled(const store::database& db, soci::session& sql, const key_pair& keys) {
  rotation_counts c;
  for (int pass = 1;; ++pass) {
    const long long p = reseal_column(db, sql, keys, "case_parties", "id_number") +
                        reseal_column(db, sql, keys, "case_parties", "phone"),
                    g = reseal_column(db, sql, keys, "meeting_participants", "phone"),
                    k = rekey_petitioners(db, sql, keys), v = reseal_agreements(db, sql, keys);
    c.parties += p;
    c.guests += g;
    c.petitioners += k;
    c.versions += v;
    if (p + g + k + v == 0) return c;
    if (pass == 5)
      throw std::runtime_error("values under the old key keep appearing: is a server still running? Stop every "
                               "server and run rotate-key again with the same files");
  }
}

}  // namespace

int rotate_key(const store::database& db, soci::session& sql, const options& o, std::ostream& out) {
  const std::string old_path = o.get("data-key-file");
  const std::string new_path = o.has("abandon") ? o.opt("new-key-file").value_or("") : o.get("new-key-file");
  const long long wait = to_id("--wait-seconds", o.opt("wait-seconds").value_or("10"));
  const store::backend kind = db.kind();
  const auto recorded = recorded_fingerprint(sql, kind);
  const auto rotation = data_key_rotation(sql, kind);
  // A rotation in progress names both keys by fingerprint: say which file must hold which.
  if (rotation) {
    const auto arrow = rotation->find(" -> ");
    const std::string from = rotation->substr(0, arrow), to = arrow == std::string::npos ? "" : rotation->substr(arrow + 4);
    auto fingerprint_of = [](const std::string& path) -> std::string {
      if (!std::filesystem::exists(path)) return "";
      return personal_data::from_file(path, false).fingerprint();
    };
    const std::string old_found = fingerprint_of(old_path);
    if (old_found != from)
      throw data_key_refused("a rotation of the data key from " + from + " to " + to + " is in progress: --data-key-file must "
                                 "be the old key, of fingerprint " + from + " ('" + old_path + "' " +
                                 (old_found.empty() ? "does not exist" : "has " + old_found) +
                                 "; the backup taken before the rotation has it beside it). Nothing was changed",
                             old_path, from, old_found);
    if (o.has("abandon")) {
      // Only when nothing is sealed under the new key yet (the rotation stopped during its wait, say):
      // then the old key still opens everything, and the rotation can be forgotten.
      const personal_data old_only = personal_data::from_file(old_path, false);
      long long foreign = 0;
      auto count = [&](soci::session& q, const std::string& value) {
        (void)q;
        if (!personal_data::is_sealed(value)) return;
        try {
          old_only.open(value);
        } catch (const std::exception&) {
          ++foreign;
        }
      };
      // In one write transaction that holds the rotation's lock: a running rotate-key's batch either
      // committed before (and is counted here) or finds the rotation gone and changes nothing.
      in_transaction(db, sql, [&](store::write_context& ctx) {
        locked_setting(ctx, kind, run_setting);
        if (locked_setting(ctx, kind, rotation_setting) != rotation)
          throw store::refused("the rotation changed meanwhile; run the command again");
        std::string a, b;
        soci::indicator ia = soci::i_null, ib = soci::i_null;
        soci::statement st = (ctx.sql.prepare << "SELECT id_number, phone FROM case_parties", soci::into(a, ia), soci::into(b, ib));
        st.execute();
        while (st.fetch()) {
          if (ia == soci::i_ok) count(ctx.sql, a);
          if (ib == soci::i_ok) count(ctx.sql, b);
        }
        soci::statement g = (ctx.sql.prepare << "SELECT phone FROM meeting_participants", soci::into(a, ia));
        g.execute();
        while (g.fetch())
          if (ia == soci::i_ok) count(ctx.sql, a);
        long long n = 0;
        std::string fp = to;
        ctx.sql << "SELECT COUNT(*) FROM agreement_version_seals WHERE key_fingerprint = :f", soci::into(n), soci::use(fp, "f");
        foreign += n;
        if (foreign)
          throw store::refused(std::to_string(foreign) + " value(s) are already sealed under the new key " + to +
                               ": the rotation cannot be abandoned; finish it with the new key file");
        std::string rot = rotation_setting, run = run_setting;
        ctx.sql << "DELETE FROM settings WHERE name = :n", soci::use(rot, "n");
        ctx.sql << "DELETE FROM settings WHERE name = :n", soci::use(run, "n");
        store::audit(ctx, std::nullopt, "admin.rotate_key", std::nullopt, "abandoned: " + *rotation, operator_remote());
        return 0;
      });
      out << "the rotation to " << to << " was abandoned: nothing was sealed under it; the data key is still "
          << old_path << " (" << from << ")" << std::endl;
      return 0;
    }
    const std::string new_found = fingerprint_of(new_path);
    if (new_found != to)
      throw data_key_refused("a rotation of the data key from " + from + " to " + to + " is in progress: --new-key-file "
                                 "must be the new key, of fingerprint " + to + " ('" + new_path + "' " +
                                 (new_found.empty() ? "does not exist" : "has " + new_found) +
                                 "). If that file is lost and the rotation stopped before re-sealing anything, "
                                 "rotate-key --abandon with the old key forgets it. Nothing was changed",
                             new_path, to, new_found);
  } else if (o.has("abandon")) {
    throw usage_error("no rotation of the data key is in progress; nothing to abandon");
  }
  const personal_data old_key = personal_data::from_file(old_path, false);
  if (!rotation) {
    if (!recorded)
      throw store::refused("this database records no data key fingerprint yet: start the server once with its key, "
                           "then rotate");
    if (*recorded != old_key.fingerprint()) {
      if (std::filesystem::exists(new_path) && personal_data::from_file(new_path, false).fingerprint() == *recorded) {
        // Finished before: re-seal anything still under the old key (a server that wrote after the end).
        const personal_data done_key = personal_data::from_file(new_path, false);
        const rotation_counts late = reseal_until_settled(db, sql, key_pair{old_key, done_key});
        if (late.total()) {
          out << "the data key is already " << new_path << "; re-sealed values left under the old key: " << late.text() << "\n";
          audit_command(db, sql, "admin.rotate_key", std::nullopt, "late values re-sealed: " + late.text());
        } else {
          out << "the data key is already " << new_path << " (fingerprint " << *recorded << "); nothing to do\n";
        }
        return 0;
      }
      throw data_key_refused("the data key file '" + old_path + "' does not belong to this database: it records the "
                                 "data key fingerprint " + *recorded + ", the file's is " + old_key.fingerprint() +
                                 ". Nothing was changed",
                             old_path, *recorded, old_key.fingerprint());
    }
  }
  bool created = false;
  const personal_data new_key = personal_data::from_file(new_path, !rotation, &created);
  if (new_key.fingerprint() == old_key.fingerprint())
    throw usage_error("--new-key-file holds the same key as --data-key-file");
  const std::string plan = old_key.fingerprint() + " -> " + new_key.fingerprint();
  if (rotation && *rotation != plan)
    throw store::refused("another rotation of the data key is in progress (" + *rotation +
                         "): run rotate-key with the two key files of those fingerprints to finish it first");
  if (created) out << "made the new key " << new_path << " (mode 600, fingerprint " << new_key.fingerprint() << ")" << std::endl;

  if (!rotation) {
    const std::string stored = store::record_setting_once(sql, kind, rotation_setting, plan, now_millis());
    if (stored != plan) throw store::refused("another rotation of the data key began meanwhile (" + stored + ")");
    audit_command(db, sql, "admin.rotate_key", std::nullopt, "begun: " + plan);
    out << "rotation begun (" << plan << "): servers refuse to start, and running ones stop, until it ends; waiting "
        << wait << " s for them. If interrupted, run the same command again: both key files are needed until it ends"
        << std::endl;
    std::this_thread::sleep_for(std::chrono::seconds(wait));
  } else {
    out << "resuming the rotation " << plan << std::endl;
  }

  // This run takes the rotation over (a run still going elsewhere stops at its next batch), and checks
  // at every batch that it still owns it: an abandon, or a later run, stops it before it changes more.
  const std::string run = random_hex();
  in_transaction(db, sql, [&](store::write_context& ctx) {
    if (locked_setting(ctx, kind, rotation_setting) != plan)
      throw store::refused("the rotation " + plan + " was abandoned or changed meanwhile; nothing more was changed");
    write_setting(ctx, run_setting, run);
    return 0;
  });
  key_pair keys{old_key, new_key};
  keys.guard = [&](store::write_context& ctx) {
    if (locked_setting(ctx, kind, run_setting) != run || locked_setting(ctx, kind, rotation_setting) != plan)
      throw store::refused("the rotation " + plan + " was abandoned, or another rotate-key took it over: this run "
                           "stopped and changed nothing more");
  };
  const rotation_counts counts = reseal_until_settled(db, sql, keys);
  in_transaction(db, sql, [&](store::write_context& ctx) {
    keys.guard(ctx);
    std::string fp = new_key.fingerprint(), name = fingerprint_setting, rot = rotation_setting;
    long long now = ctx.now;
    ctx.sql << "UPDATE settings SET value = :v, updated_at = :a WHERE name = :n", soci::use(fp, "v"),
        soci::use(now, "a"), soci::use(name, "n");
    ctx.sql << "DELETE FROM settings WHERE name = :n", soci::use(rot, "n");
    std::string run_name = run_setting;
    ctx.sql << "DELETE FROM settings WHERE name = :n", soci::use(run_name, "n");
    store::audit(ctx, std::nullopt, "admin.rotate_key", std::nullopt, "finished: " + plan, operator_remote());
    return 0;
  });
  out << "re-sealed under the new key: " << counts.text() << "\n";
  // A server that had not yet noticed the rotation (its session check is slower than --wait-seconds)
  // may have sealed a value under the old key after the last pass: wait once more and catch it.
  std::this_thread::sleep_for(std::chrono::seconds(wait));
  keys.guard = [](store::write_context&) {};  // the rotation has ended: stragglers only
  const rotation_counts late = reseal_until_settled(db, sql, keys);
  if (late.total()) out << "re-sealed late arrivals: " << late.text() << "\n";
  out << "the database now records the data key fingerprint " << new_key.fingerprint() << ": start every server with "
      << "--data-key-file " << new_path << " (install it in place of the old file)\n";
  return 0;
}

}  // namespace mediation::app::admin
