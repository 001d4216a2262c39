// The batched writer on both backends: group commit, per-job rollback, ordered fan-out.
#include <algorithm>
#include <atomic>
#include <future>
#include <memory>
#include <thread>

#include <soci/mysql/soci-mysql.h>

#include "protocol/errors.hpp"
#include "server/admin/seed.hpp"
#include "server/store/batched_writer.hpp"
#include "server/cases/case_repo.hpp"
#include "server/store/access_repo.hpp"
#include "server/store/event_repo.hpp"
#include "server/store/identity_repo.hpp"
#include "tests/server/store/store_fixture.hpp"

namespace mediation::store {
namespace {

using batched_writer_test = store_test;

struct fixture_case {
  long long thread;
  author by;
};

// Holds the writer with a job that waits until the returned promise is set, and returns once the
// writer is inside that job: the jobs submitted meanwhile queue up and form the writer's next
// batch. (Returning before the job ran let the writer take the hold and some of them together.)
std::promise<void> hold_writer(batched_writer& writer) {
  std::promise<void> release;
  auto running = std::make_shared<std::promise<void>>();
  auto is_running = running->get_future();
  auto told = std::make_shared<std::atomic<bool>>(false);
  writer.submit([released = release.get_future().share(), running, told](write_context&) {
    if (!told->exchange(true)) running->set_value();  // once, should the batch be applied again
    released.wait();
  }, [](std::exception_ptr, const std::vector<stored_event>&) {});
  is_running.wait();
  return release;
}

fixture_case make_case(soci::session& sql) {
  app::seed_demo(sql);
  auto li = *find_user(sql, find_login(sql, "officer.li")->user_id);
  soci::transaction tr(sql);
  transaction_memo memo;
  write_context ctx(sql, 1, memo);
  protocol::case_create_request req{"t", "other", "online", "", {}};
  auto c = insert_case(ctx, li.org.id, li.id, req);
  tr.commit();
  return {c.thread, {li.id, li.name}};
}

// Waits (10 s at most) until a writer connection has been waiting 50 ms or more in the statement
// that locks the batch's thread rows (MariaDB; the test's account sees its own connections).
bool a_transaction_waits_for_a_lock(soci::session& probe) {
  for (int i = 0; i < 1000; ++i) {
    int waiting = 0;
    probe << "SELECT COUNT(*) FROM information_schema.processlist WHERE command = 'Query' AND time_ms >= 50"
             " AND info LIKE 'SELECT id, head_seq, access_version FROM threads%'", soci::into(waiting);
    if (waiting > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Makes the writer's first commit fail with MySQL error `error` once `next_in` is ready and a writer
// connection waits at the row lock of a thread (the next batch, behind the one committing).
void fail_the_first_commit_behind_a_waiting_batch(batched_writer& writer, soci::session& probe, std::shared_future<void> next_in,
                                                  int error) {
  auto commits = std::make_shared<std::atomic<int>>(0);
  writer.set_before_commit([&probe, next_in, commits, error](soci::session&) {
    if ((*commits)++ != 0) return;
    next_in.wait();
    EXPECT_TRUE(a_transaction_waits_for_a_lock(probe));
    throw soci::mysql_soci_error(error == 1213 ? "Deadlock found when trying to get lock" : "Lost connection to server during query", error);
  });
}

// An event sink that records the seqs it is given, in the order it is given them.
struct published_seqs {
  std::mutex m;
  std::vector<long long> seqs;
  batched_writer::event_sink sink() {
    return [this](const std::vector<stored_event>& events) {
      std::lock_guard lock(m);
      for (const auto& e : events) seqs.push_back(e.seq);
    };
  }
};

// Submits `count` posts to the case's thread (cmids prefix0, prefix1, ...), counting every time one
// is applied in `runs`; each future gives the post's seq (-1: it failed).
std::vector<std::future<long long>> submit_posts(batched_writer& writer, const fixture_case& fc, const std::string& prefix,
                                                 int count, std::atomic<int>& runs) {
  std::vector<std::future<long long>> seqs;
  for (int i = 0; i < count; ++i) {
    auto seq = std::make_shared<std::promise<long long>>();
    seqs.push_back(seq->get_future());
    writer.submit([&fc, &runs, cmid = prefix + std::to_string(i)](write_context& ctx) {
      ++runs;
      append_event(ctx, fc.thread, "message", fc.by, "{}", cmid);
    }, [seq](std::exception_ptr e, const std::vector<stored_event>& ev) { seq->set_value(e ? -1 : ev.at(0).seq); },
                  {write_hint{fc.thread, fc.by.id, std::nullopt}});
  }
  return seqs;
}

TEST_P(batched_writer_test, commits_many_jobs_and_publishes_in_seq_order_after_commit) {
  auto fc = make_case(*sql_);
  published_seqs published;
  batched_writer writer(*db_, published.sink());
  const int n = 500;
  std::vector<std::promise<long long>> acks(n);
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(writer.submit(
        [&, i](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", "c" + std::to_string(i)); },
        [&, i](std::exception_ptr e, const std::vector<stored_event>& ev) {
          if (e || ev.size() != 1) acks[i].set_value(-1);
          else acks[i].set_value(ev[0].seq);
        }));
  }
  for (int i = 0; i < n; ++i) EXPECT_EQ(acks[i].get_future().get(), i + 1);
  writer.stop();
  std::vector<long long> expected(n);
  for (int i = 0; i < n; ++i) expected[i] = i + 1;
  EXPECT_EQ(published.seqs, expected);
  auto st = writer.stats();
  EXPECT_EQ(st.jobs, static_cast<unsigned long long>(n));
  EXPECT_LT(st.batches, static_cast<unsigned long long>(n));  // grouped
  EXPECT_EQ(thread_head(*sql_, fc.thread), n);
}

TEST_P(batched_writer_test, a_failing_job_is_rolled_back_alone) {
  auto fc = make_case(*sql_);
  std::vector<long long> published;
  batched_writer writer(*db_, [&](const std::vector<stored_event>& events) {
    for (const auto& e : events) published.push_back(e.seq);
  });
  std::promise<std::string> a, b, c;
  // Submitted together so that they share a batch as far as timing allows; the outcome must
  // not depend on it.
  writer.submit([&](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("a")); },
                [&](std::exception_ptr e, const auto&) { a.set_value(e ? "error" : "ok"); });
  writer.submit(
      [&](write_context& ctx) {
        append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("b"));
        throw protocol::error(protocol::errc::forbidden, "no");
      },
      [&](std::exception_ptr e, const auto& ev) { b.set_value(e && ev.empty() ? "error" : "ok"); });
  writer.submit([&](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("c")); },
                [&](std::exception_ptr e, const auto&) { c.set_value(e ? "error" : "ok"); });
  EXPECT_EQ(a.get_future().get(), "ok");
  EXPECT_EQ(b.get_future().get(), "error");
  EXPECT_EQ(c.get_future().get(), "ok");
  writer.stop();
  EXPECT_EQ(published, (std::vector<long long>{1, 2}));
  auto events = events_after(*sql_, fc.thread, 0, 10);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].cmid, "a");
  EXPECT_EQ(events[1].cmid, "c");
  EXPECT_EQ(events[1].seq, 2);  // the rolled-back job's seq was not consumed
}

TEST_P(batched_writer_test, only_a_job_that_failed_after_writing_makes_the_batch_replay) {
  auto fc = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {});
  std::promise<void> clean, dirty;
  // A job that fails before writing anything is simply left out...
  writer.submit([&](write_context& ctx) {
    if (thread_head(ctx, fc.thread) >= 0) throw protocol::error(protocol::errc::conflict, "no");
  }, [&](std::exception_ptr, const auto&) { clean.set_value(); });
  clean.get_future().get();
  EXPECT_EQ(writer.stats().replays, 0u);
  // ...one that wrote first makes the writer undo and apply the batch again without it.
  writer.submit([&](write_context& ctx) {
    append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("gone"));
    throw protocol::error(protocol::errc::conflict, "no");
  }, [&](std::exception_ptr, const auto&) { dirty.set_value(); });
  dirty.get_future().get();
  writer.stop();
  EXPECT_EQ(writer.stats().replays, 1u);
  EXPECT_EQ(thread_head(*sql_, fc.thread), 0);
  EXPECT_TRUE(events_after(*sql_, fc.thread, 0, 10).empty());
}

TEST_P(batched_writer_test, a_job_that_fails_after_writing_is_undone_alone_and_the_rest_of_its_batch_commits) {
  auto fc = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {}, 1000);
  auto release = hold_writer(writer);  // the next 100 form one batch
  std::vector<int> applied(100, 0);
  std::vector<std::promise<long long>> acks(100);
  for (int i = 0; i < 100; ++i)
    writer.submit([&, i](write_context& ctx) {
      ++applied[i];
      append_event(ctx, fc.thread, "message", fc.by, "{}", "sp" + std::to_string(i));
      if (i == 50) throw protocol::error(protocol::errc::conflict, "fails after writing");
    }, [&, i](std::exception_ptr e, const std::vector<stored_event>& ev) { acks[i].set_value(e ? -1 : ev.at(0).seq); });
  release.set_value();
  std::vector<long long> seqs;
  for (int i = 0; i < 100; ++i) seqs.push_back(acks[i].get_future().get());
  writer.stop();
  EXPECT_EQ(seqs[50], -1);
  // Everyone else is stored, numbered without a gap in submission order.
  long long expect = 1;
  for (int i = 0; i < 100; ++i)
    if (i != 50) EXPECT_EQ(seqs[i], expect++) << i;
  EXPECT_EQ(thread_head(*sql_, fc.thread), 99);
  EXPECT_EQ(writer.stats().replays, 1u);
  if (GetParam() == "mysql") {
    // No savepoints (a round trip each): the batch was applied again from its start, without it.
    for (int i = 0; i < 100; ++i) EXPECT_EQ(applied[i], i < 50 ? 2 : 1) << i;
  } else {
    // Back to the savepoint taken before it: nothing else was applied twice.
    for (int i = 0; i < 100; ++i) EXPECT_EQ(applied[i], 1) << i;
  }
}

TEST_P(batched_writer_test, many_jobs_that_fail_after_writing_make_their_batch_apply_again_once_at_most) {
  auto fc = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {}, 1000);
  auto release = hold_writer(writer);  // the next 100 form one batch
  std::vector<int> applied(100, 0);
  std::vector<std::promise<bool>> acks(100);
  for (int i = 0; i < 100; ++i)
    writer.submit([&, i](write_context& ctx) {
      ++applied[i];
      append_event(ctx, fc.thread, "message", fc.by, "{}", "f" + std::to_string(i));
      if (i % 10 == 5) throw protocol::error(protocol::errc::conflict, "fails after writing, on purpose");
    }, [&, i](std::exception_ptr e, const auto&) { acks[i].set_value(!e); });
  release.set_value();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(acks[i].get_future().get(), i % 10 != 5) << i;
  writer.stop();
  // Ten such jobs: at most one pass again (MySQL: the first restarts the batch, which then takes a
  // savepoint per job; SQLite: a savepoint per job from the start).
  int again = 0;
  for (int i = 0; i < 100; ++i) {
    EXPECT_LE(applied[i], 2) << i;
    again += applied[i] - 1;
  }
  EXPECT_LE(again, GetParam() == "mysql" ? 5 : 0);
  EXPECT_EQ(thread_head(*sql_, fc.thread), 90);
  EXPECT_EQ(events_after(*sql_, fc.thread, 0, 200).size(), 90u);
}

TEST_P(batched_writer_test, seqs_of_a_busy_thread_are_numbered_in_memory_and_stored_at_commit) {
  auto fc = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {}, 1000);
  std::vector<std::promise<long long>> heads(50);
  for (int i = 0; i < 50; ++i)
    writer.submit([&, i](write_context& ctx) {
      append_event(ctx, fc.thread, "message", fc.by, "{}", "h" + std::to_string(i));
      heads[i].set_value(thread_head(ctx, fc.thread));  // sees the seq just allocated
    }, [](std::exception_ptr, const auto&) {});
  for (int i = 0; i < 50; ++i) EXPECT_EQ(heads[i].get_future().get(), i + 1);
  writer.stop();
  EXPECT_EQ(thread_head(*sql_, fc.thread), 50);
  EXPECT_EQ(events_after(*sql_, fc.thread, 0, 100).size(), 50u);
}

TEST_P(batched_writer_test, hinted_jobs_read_heads_access_and_cmids_for_the_whole_batch) {
  auto fc = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {}, 1000);
  std::promise<long long> first;
  writer.submit([&](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("k1")); },
                [&](std::exception_ptr e, const auto& ev) { first.set_value(e ? -1 : ev[0].seq); },
                {write_hint{fc.thread, fc.by.id, std::string("k1")}});
  EXPECT_EQ(first.get_future().get(), 1);
  // A later batch: the stored key is found through the prefetch, an unknown one is not; the
  // access facts and the head come from the prefetch too (on both backends).
  std::promise<std::string> probe;
  writer.submit([&](write_context& ctx) {
    auto known = find_cmid(ctx, fc.thread, fc.by.id, "k1");
    auto unknown = find_cmid(ctx, fc.thread, fc.by.id, "k2");
    bool cached = ctx.memo.access.count(fc.thread) && ctx.memo.heads.count(fc.thread);
    probe.set_value(std::to_string(known.value_or(-1)) + "," + std::to_string(unknown.value_or(-1)) + "," +
                    (cached ? "cached" : "not cached") + "," + std::to_string(thread_head(ctx, fc.thread)));
  }, [](std::exception_ptr, const auto&) {},
     {write_hint{fc.thread, fc.by.id, std::string("k1")}, write_hint{fc.thread, fc.by.id, std::string("k2")}});
  EXPECT_EQ(probe.get_future().get(), "1,-1,cached,1");
  writer.stop();
}

// What a hinted job of a new batch is given of the thread's access facts.
case_access access_seen(batched_writer& writer, const fixture_case& fc) {
  std::promise<std::optional<case_access>> facts;
  writer.submit([&](write_context& ctx) { facts.set_value(access_by_thread(ctx, fc.thread)); },
                [](std::exception_ptr, const auto&) {}, {write_hint{fc.thread, fc.by.id, std::nullopt}});
  auto a = facts.get_future().get();
  EXPECT_TRUE(a.has_value());
  return a.value_or(case_access{});
}

// The writer keeps a thread's access facts across batches, by the version the triggers of
// sql/*/011_access_version.sql move; every change to what decides them, made behind its back (an
// admin tool, another server node), is seen by the next batch.
TEST_P(batched_writer_test, access_facts_kept_across_batches_are_read_again_once_what_decides_them_changes) {
  auto fc = make_case(*sql_);
  long long case_id = 0, guest = 0, org = 0;
  *sql_ << "SELECT case_id FROM threads WHERE id = :t", soci::into(case_id), soci::use(fc.thread);
  *sql_ << "SELECT MIN(id) FROM users WHERE id <> :u", soci::into(guest), soci::use(fc.by.id);
  *sql_ << "SELECT MAX(id) FROM orgs", soci::into(org);
  batched_writer writer(*db_, [](const auto&) {}, 1000);
  auto seen = [&] { return access_seen(writer, fc); };
  auto has = [](const std::vector<long long>& list, long long x) { return std::count(list.begin(), list.end(), x) > 0; };
  auto version = [&] {
    long long v = -1;
    *sql_ << "SELECT access_version FROM threads WHERE id = :t", soci::into(v), soci::use(fc.thread);
    return v;
  };
  soci::session other(db_->pool());
  EXPECT_FALSE(has(seen().invited, guest));
  const long long before = version();

  // While the version stands, the facts are the writer's own (a change that moved no version, as
  // none can, is not seen): the cache is what the batch reads.
  other << "INSERT INTO case_invites (case_id, user_id, invited_by, created_at, capacity) VALUES (:c, :u, :b, 1, 'guest')",
      soci::use(case_id, "c"), soci::use(guest, "u"), soci::use(fc.by.id, "b");
  EXPECT_GT(version(), before);
  other << "UPDATE threads SET access_version = :v WHERE case_id = :c", soci::use(before, "v"), soci::use(case_id, "c");
  EXPECT_FALSE(has(seen().invited, guest));
  other << "UPDATE threads SET access_version = :v WHERE case_id = :c", soci::use(before + 100, "v"), soci::use(case_id, "c");
  EXPECT_TRUE(has(seen().invited, guest));
  EXPECT_TRUE(has(seen().party_side, guest));

  // Each change to what decides them moves the version of both threads of the case.
  other << "UPDATE case_invites SET capacity = 'professional' WHERE case_id = :c AND user_id = :u", soci::use(case_id, "c"),
      soci::use(guest, "u");
  EXPECT_FALSE(has(seen().party_side, guest));
  other << "DELETE FROM case_invites WHERE case_id = :c AND user_id = :u", soci::use(case_id, "c"), soci::use(guest, "u");
  EXPECT_FALSE(has(seen().invited, guest));
  other << "INSERT INTO case_leaders (case_id, user_id, at) VALUES (:c, :u, 1)", soci::use(case_id, "c"), soci::use(guest, "u");
  EXPECT_TRUE(has(seen().leaders, guest));
  other << "DELETE FROM case_leaders WHERE case_id = :c", soci::use(case_id, "c");
  EXPECT_FALSE(has(seen().leaders, guest));
  other << "INSERT INTO case_orgs (case_id, org_id, from_org_id, status, note, created_by, created_at) "
           "VALUES (:c, :o, :o, 'pending', '', :b, 1)",
      soci::use(case_id, "c"), soci::use(org, "o"), soci::use(fc.by.id, "b");
  auto handlers = seen().handlers;
  ASSERT_EQ(handlers.size(), 1u);
  EXPECT_EQ(handlers[0].status, "pending");
  other << "UPDATE case_orgs SET status = 'accepted' WHERE case_id = :c", soci::use(case_id, "c");
  EXPECT_EQ(seen().handlers.at(0).status, "accepted");
  other << "DELETE FROM case_orgs WHERE case_id = :c", soci::use(case_id, "c");
  EXPECT_TRUE(seen().handlers.empty());
  other << "UPDATE cases SET handling_org_id = :o WHERE id = :c", soci::use(org, "o"), soci::use(case_id, "c");
  EXPECT_EQ(seen().handling_org, org);
  other << "UPDATE cases SET closed_at = 5 WHERE id = :c", soci::use(case_id, "c");
  EXPECT_TRUE(seen().closed);
  other << "UPDATE cases SET kind = 'group' WHERE id = :c", soci::use(case_id, "c");
  EXPECT_EQ(seen().kind, "group");
  long long parties_version = -1, internal_version = version();
  other << "SELECT access_version FROM threads WHERE case_id = :c AND id <> :t", soci::into(parties_version),
      soci::use(case_id, "c"), soci::use(fc.thread, "t");
  EXPECT_EQ(parties_version, internal_version);  // moved with the internal one's from the same start
  // A change of the organisation tree moves every thread's version.
  long long parent = 0, child = 0;
  *sql_ << "SELECT MIN(id) FROM orgs WHERE parent_id IS NOT NULL", soci::into(child);
  *sql_ << "SELECT parent_id FROM orgs WHERE id = :o", soci::into(parent), soci::use(child, "o");
  other << "UPDATE orgs SET parent_id = NULL WHERE id = :o", soci::use(child, "o");
  EXPECT_GT(version(), internal_version);
  other << "UPDATE orgs SET parent_id = :p WHERE id = :o", soci::use(parent, "p"), soci::use(child, "o");
  internal_version = version();
  // What decides nobody's access moves nothing.
  other << "UPDATE cases SET updated_at = 7 WHERE id = :c", soci::use(case_id, "c");
  EXPECT_EQ(version(), internal_version);
  writer.stop();
}

TEST_P(batched_writer_test, without_every_access_trigger_the_writer_reads_access_facts_in_every_batch) {
  auto fc = make_case(*sql_);
  long long case_id = 0, guest = 0;
  *sql_ << "SELECT case_id FROM threads WHERE id = :t", soci::into(case_id), soci::use(fc.thread);
  *sql_ << "SELECT MIN(id) FROM users WHERE id <> :u", soci::into(guest), soci::use(fc.by.id);
  *sql_ << "DROP TRIGGER case_invites_access_insert";  // say a table rebuilt without its triggers
  batched_writer writer(*db_, [](const auto&) {}, 1000);
  auto invited = [&] {
    auto a = access_seen(writer, fc);
    return std::count(a.invited.begin(), a.invited.end(), guest) > 0;
  };
  EXPECT_FALSE(invited());
  *sql_ << "INSERT INTO case_invites (case_id, user_id, invited_by, created_at, capacity) VALUES (:c, :u, :b, 1, 'guest')",
      soci::use(case_id, "c"), soci::use(guest, "u"), soci::use(fc.by.id, "b");
  EXPECT_TRUE(invited());  // no version moved, and the facts are read again all the same
  writer.stop();
}

TEST_P(batched_writer_test, a_statement_error_fails_its_job_only) {
  auto fc = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {});
  std::promise<bool> dup_failed, next_ok;
  writer.submit([&](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("x")); },
                [](std::exception_ptr, const auto&) {});
  writer.submit([&](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("x")); },
                [&](std::exception_ptr e, const auto&) { dup_failed.set_value(e != nullptr); });
  writer.submit([&](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("y")); },
                [&](std::exception_ptr e, const auto&) { next_ok.set_value(e == nullptr); });
  EXPECT_TRUE(dup_failed.get_future().get());
  EXPECT_TRUE(next_ok.get_future().get());
  writer.stop();
  EXPECT_EQ(thread_head(*sql_, fc.thread), 2);
}

TEST_P(batched_writer_test, stop_commits_what_is_queued_then_refuses_more) {
  auto fc = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {});
  std::atomic<int> done{0};
  for (int i = 0; i < 200; ++i)
    writer.submit([&, i](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", "s" + std::to_string(i)); },
                  [&](std::exception_ptr e, const auto&) { if (!e) ++done; });
  writer.stop();
  EXPECT_EQ(done.load(), 200);
  EXPECT_FALSE(writer.submit([](write_context&) {}, [](std::exception_ptr, const auto&) {}));
  EXPECT_EQ(thread_head(*sql_, fc.thread), 200);
}

TEST_P(batched_writer_test, lanes_commit_side_by_side_and_a_thread_written_from_two_lanes_stays_gapless) {
  std::vector<fixture_case> cases;
  for (int i = 0; i < 4; ++i) cases.push_back(make_case(*sql_));
  batched_writer writer(*db_, [](const auto&) {}, 64, 200000, 0, 2);
  EXPECT_EQ(writer.lanes(), GetParam() == "mysql" ? 2u : 1u);  // SQLite has one writer
  const int n = 400;
  std::vector<std::promise<bool>> acks(n);
  std::vector<int> expected(4, 0);
  for (int i = 0; i < n; ++i) {
    const auto& home = cases[i % 4];
    const auto& other = cases[(i + 1) % 4];
    const bool both = i % 10 == 0;  // also appends to a thread another lane owns
    ++expected[i % 4];
    if (both) ++expected[(i + 1) % 4];
    ASSERT_TRUE(writer.submit(
        [&, i, both](write_context& ctx) {
          append_event(ctx, home.thread, "message", home.by, "{}", "l" + std::to_string(i));
          if (both) append_event(ctx, other.thread, "message", other.by, "{}", "x" + std::to_string(i));
        },
        [&, i](std::exception_ptr e, const auto&) { acks[i].set_value(!e); }, {write_hint{home.thread, home.by.id, std::nullopt}}));
  }
  for (int i = 0; i < n; ++i) EXPECT_TRUE(acks[i].get_future().get()) << i;
  writer.stop();
  EXPECT_EQ(writer.stats().failed_commits, 0u);
  for (int t = 0; t < 4; ++t) {
    // Every append: seq 1..head without a gap or a repeat.
    auto events = events_after(*sql_, cases[t].thread, 0, 1000);
    ASSERT_EQ(events.size(), static_cast<std::size_t>(expected[t])) << t;
    for (std::size_t k = 0; k < events.size(); ++k) EXPECT_EQ(events[k].seq, static_cast<long long>(k + 1));
    EXPECT_EQ(thread_head(*sql_, cases[t].thread), expected[t]);
  }
}

TEST_P(batched_writer_test, a_batch_the_database_undoes_to_break_a_deadlock_is_applied_again) {
  if (GetParam() != "mysql") GTEST_SKIP() << "SQLite has one writer: no deadlock between writers";
  auto a = make_case(*sql_);
  auto b = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {});
  // Another transaction (another node's writer) does more work first, so that the database undoes
  // ours when the two wait on each other: it holds thread B and will ask for thread A.
  soci::session other(db_->pool());
  other << "START TRANSACTION";
  for (int i = 0; i < 50; ++i) other << "INSERT INTO audit (at, action, detail, remote) VALUES (1, 'test', 'weight', '')";
  long long head = 0;
  other << "SELECT head_seq FROM threads WHERE id = :t FOR UPDATE", soci::into(head), soci::use(b.thread);
  std::atomic<int> attempts{0};
  std::promise<bool> ack;
  ASSERT_TRUE(writer.submit(
      [&](write_context& ctx) {
        ++attempts;
        append_event(ctx, a.thread, "message", a.by, "{}", "dl");  // locks A
        append_event(ctx, b.thread, "message", b.by, "{}", "dl");  // waits for B
      },
      [&](std::exception_ptr e, const auto&) { ack.set_value(!e); }, {write_hint{a.thread, a.by.id, std::nullopt}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the writer now waits for B
  other << "SELECT head_seq FROM threads WHERE id = :t FOR UPDATE", soci::into(head), soci::use(a.thread);  // deadlock
  other << "ROLLBACK";
  auto acked = ack.get_future();
  ASSERT_EQ(acked.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_TRUE(acked.get());
  writer.stop();
  EXPECT_GE(attempts.load(), 2);
  EXPECT_GE(writer.stats().replays, 1u);
  EXPECT_EQ(writer.stats().failed_commits, 0u);
  EXPECT_EQ(thread_head(*sql_, a.thread), 1);
  EXPECT_EQ(thread_head(*sql_, b.thread), 1);
}

TEST_P(batched_writer_test, a_backlog_is_applied_while_the_batch_before_it_commits_and_fans_out) {
  auto fc = make_case(*sql_);
  published_seqs published;
  batched_writer writer(*db_, published.sink());
  const std::vector<write_hint> hint{write_hint{fc.thread, fc.by.id, std::nullopt}};
  std::promise<void> first_completing, release_first, backlog_applied;
  auto first_released = release_first.get_future().share();
  std::promise<long long> first_seq;
  // The first batch's completion (its fan-out) waits...
  writer.submit([&](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("first")); },
                [&](std::exception_ptr e, const std::vector<stored_event>& ev) {
                  first_completing.set_value();
                  first_released.wait();
                  first_seq.set_value(e ? -1 : ev.at(0).seq);
                },
                hint);
  first_completing.get_future().wait();
  // ...and meanwhile a backlog on the same thread is applied, after the first batch's commit.
  constexpr int backlog = 40;
  std::vector<std::promise<long long>> seqs(backlog);
  std::atomic<bool> told{false};
  for (int i = 0; i < backlog; ++i)
    writer.submit([&, i](write_context& ctx) {
      append_event(ctx, fc.thread, "message", fc.by, "{}", "b" + std::to_string(i));
      if (!told.exchange(true)) backlog_applied.set_value();
    }, [&, i](std::exception_ptr e, const std::vector<stored_event>& ev) { seqs[i].set_value(e ? -1 : ev.at(0).seq); }, hint);
  auto applied = backlog_applied.get_future();
  const bool overlapped = applied.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  EXPECT_TRUE(overlapped) << "the backlog waited for the first batch's completion";
  release_first.set_value();
  EXPECT_EQ(first_seq.get_future().get(), 1);
  for (int i = 0; i < backlog; ++i) EXPECT_EQ(seqs[i].get_future().get(), i + 2) << i;
  writer.stop();
  std::vector<long long> expected;
  for (long long q = 1; q <= backlog + 1; ++q) expected.push_back(q);
  EXPECT_EQ(published.seqs, expected);  // completed in order all the same
  EXPECT_EQ(thread_head(*sql_, fc.thread), backlog + 1);
}

TEST_P(batched_writer_test, a_few_jobs_arriving_while_a_batch_fans_out_wait_for_it_and_go_in_one_batch) {
  auto fc = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {});
  const std::vector<write_hint> hint{write_hint{fc.thread, fc.by.id, std::nullopt}};
  std::promise<void> first_completing, release_first;
  auto first_released = release_first.get_future().share();
  std::atomic<bool> released{false};
  writer.submit([&](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("first")); },
                [&](std::exception_ptr, const auto&) {
                  first_completing.set_value();
                  first_released.wait();
                },
                hint);
  first_completing.get_future().wait();
  std::atomic<int> applied_early{0};
  std::vector<std::promise<void>> done(3);
  for (int i = 0; i < 3; ++i)
    writer.submit([&, i](write_context& ctx) {
      if (!released) ++applied_early;
      append_event(ctx, fc.thread, "message", fc.by, "{}", "few" + std::to_string(i));
    }, [&, i](std::exception_ptr, const auto&) { done[i].set_value(); }, hint);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  released = true;
  release_first.set_value();
  for (auto& d : done) d.get_future().wait();
  writer.stop();
  EXPECT_EQ(applied_early.load(), 0);  // a transaction for three jobs alone would cost a log flush
  EXPECT_EQ(writer.stats().batches, 2u);
  EXPECT_EQ(writer.stats().largest_batch, 3u);
  EXPECT_EQ(thread_head(*sql_, fc.thread), 4);
}

TEST_P(batched_writer_test, a_batch_undone_at_its_commit_is_applied_again_before_the_batch_applied_after_it) {
  if (GetParam() != "mysql") GTEST_SKIP() << "SQLite commits where it applies: nothing is applied after an open batch";
  auto fc = make_case(*sql_);
  std::mutex m;
  std::vector<std::string> published;  // cmid:seq, in the order the sink saw them
  batched_writer writer(*db_, [&](const std::vector<stored_event>& events) {
    std::lock_guard lock(m);
    for (const auto& e : events) published.push_back(e.cmid.value_or("") + ":" + std::to_string(e.seq));
  });
  std::promise<void> first_applied, second_submitted;
  // The first commit fails as a Galera commit does when another node's commit certified first
  // (MySQL error 1213); meanwhile the second batch, on the same thread, waits on its row lock.
  soci::session probe(db_->pool());
  fail_the_first_commit_behind_a_waiting_batch(writer, probe, second_submitted.get_future().share(), 1213);
  const std::vector<write_hint> hint{write_hint{fc.thread, fc.by.id, std::nullopt}};
  std::atomic<int> first_runs{0}, second_runs{0};
  std::promise<long long> first_seq;
  writer.submit([&](write_context& ctx) {
    append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("first"));
    if (first_runs++ == 0) first_applied.set_value();
  }, [&](std::exception_ptr e, const std::vector<stored_event>& ev) { first_seq.set_value(e ? -1 : ev.at(0).seq); }, hint);
  first_applied.get_future().wait();
  // A backlog (a few jobs would wait for the first batch instead: see the test above).
  constexpr int backlog = 20;
  auto seqs = submit_posts(writer, fc, "s", backlog, second_runs);
  second_submitted.set_value();
  EXPECT_EQ(first_seq.get_future().get(), 1);
  for (int i = 0; i < backlog; ++i) EXPECT_EQ(seqs[i].get(), i + 2) << i;
  writer.stop();
  EXPECT_EQ(first_runs.load(), 2);
  // The backlog's batch (at least the 16 jobs that make a backlog; the rest may have formed the
  // batch after it) had read the head the first batch then gave back: applied again, whole.
  EXPECT_GE(second_runs.load(), backlog + 16);
  EXPECT_LE(second_runs.load(), 2 * backlog);
  std::vector<std::string> expected{"first:1"};
  for (int i = 0; i < backlog; ++i) expected.push_back("s" + std::to_string(i) + ":" + std::to_string(i + 2));
  EXPECT_EQ(published, expected);
  EXPECT_EQ(thread_head(*sql_, fc.thread), backlog + 1);
  auto events = events_after(*sql_, fc.thread, 0, 100);
  ASSERT_EQ(events.size(), static_cast<std::size_t>(backlog + 1));
  EXPECT_EQ(events[0].cmid, "first");
  EXPECT_EQ(events[1].cmid, "s0");
  EXPECT_EQ(writer.stats().failed_commits, 0u);
}

TEST_P(batched_writer_test, a_commit_that_fails_for_good_acknowledges_nothing_of_its_batch_and_the_batch_after_it_commits) {
  if (GetParam() != "mysql") GTEST_SKIP() << "SQLite commits where it applies";
  auto fc = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {});
  std::promise<void> first_applied, second_submitted;
  soci::session probe(db_->pool());
  // The first commit fails for good (a connection lost) while the second batch, on the same
  // thread, waits at its row lock: it reads the head as the failed batch left it.
  fail_the_first_commit_behind_a_waiting_batch(writer, probe, second_submitted.get_future().share(), 2013);
  const std::vector<write_hint> hint{write_hint{fc.thread, fc.by.id, std::nullopt}};
  std::promise<std::string> first;
  std::atomic<int> second_runs{0};
  writer.submit([&](write_context& ctx) {
    append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("lost"));
    first_applied.set_value();
  }, [&](std::exception_ptr e, const auto&) { first.set_value(e ? "error" : "ok"); }, hint);
  first_applied.get_future().wait();
  constexpr int backlog = 20;
  auto seqs = submit_posts(writer, fc, "kept", backlog, second_runs);
  second_submitted.set_value();
  EXPECT_EQ(first.get_future().get(), "error");
  for (int i = 0; i < backlog; ++i) EXPECT_EQ(seqs[i].get(), i + 1) << i;  // nothing of the first stored: no gap
  writer.stop();
  EXPECT_EQ(second_runs.load(), backlog);  // applied once, while the first waited for its commit
  EXPECT_EQ(writer.stats().failed_commits, 1u);
  auto events = events_after(*sql_, fc.thread, 0, 100);
  ASSERT_EQ(events.size(), static_cast<std::size_t>(backlog));
  EXPECT_EQ(events[0].cmid, "kept0");
}

TEST_P(batched_writer_test, a_job_without_hints_starts_once_the_batch_before_it_is_completed_with_one_lane) {
  auto fc = make_case(*sql_);
  batched_writer writer(*db_, [](const auto&) {});  // one lane
  ASSERT_EQ(writer.lanes(), 1u);
  std::mutex m;
  std::vector<std::string> order;
  auto note = [&](const std::string& what) {
    std::lock_guard lock(m);
    order.push_back(what);
  };
  std::promise<void> post_completing, release_post, change_done;
  auto post_released = release_post.get_future().share();
  writer.submit([&](write_context& ctx) { append_event(ctx, fc.thread, "message", fc.by, "{}", std::string("post")); },
                [&](std::exception_ptr, const auto&) {
                  post_completing.set_value();
                  post_released.wait();
                  note("post completed");
                },
                {write_hint{fc.thread, fc.by.id, std::nullopt}});
  post_completing.get_future().wait();
  // A job without hints (the search indexer, an access change) must not begin while the post's
  // completion (its fan-out) is still running: it would read past it, or its holds could follow it.
  writer.submit([&](write_context&) { note("change begins"); }, [&](std::exception_ptr, const auto&) { change_done.set_value(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  note("post released");
  release_post.set_value();
  change_done.get_future().wait();
  writer.stop();
  EXPECT_EQ(order, (std::vector<std::string>{"post released", "post completed", "change begins"}));
}

TEST_P(batched_writer_test, a_job_without_hints_runs_alone_between_the_lanes_batches) {
  if (GetParam() != "mysql") GTEST_SKIP() << "SQLite has one lane";
  // A thread that lane 1 owns (jobs without hints go to lane 0).
  std::vector<fixture_case> cases;
  for (int i = 0; i < 8; ++i) cases.push_back(make_case(*sql_));
  const fixture_case* odd = nullptr;
  for (const auto& c : cases)
    if (batched_writer::lane_of(c.thread, 2) == 1) odd = &c;
  ASSERT_NE(odd, nullptr);
  std::mutex m;
  std::vector<std::string> order;  // what started and ended, in order
  auto note = [&](const std::string& what) {
    std::lock_guard lock(m);
    order.push_back(what);
  };
  batched_writer writer(*db_, [](const auto&) {}, 512, 200000, 0, 2);
  std::promise<void> release_post;
  auto post_released = release_post.get_future().share();
  std::promise<void> post_started;
  // A post on lane 1 that holds its batch open.
  writer.submit(
      [&](write_context& ctx) {
        note("post begins");
        post_started.set_value();
        post_released.wait();
        append_event(ctx, odd->thread, "message", odd->by, "{}", "held");
      },
      [&](std::exception_ptr, const auto&) { note("post done"); }, {write_hint{odd->thread, odd->by.id, std::nullopt}});
  post_started.get_future().wait();
  // A job without hints (an access change) waits for the post's batch to be committed and published.
  std::promise<void> change_done;
  std::promise<void> release_change;
  auto change_released = release_change.get_future().share();
  writer.submit(
      [&](write_context& ctx) {
        note("change begins");
        change_released.wait();
        append_event(ctx, odd->thread, "case_update", odd->by, "{}");
      },
      [&](std::exception_ptr e, const auto&) {
        note(e ? "change failed" : "change done");
        change_done.set_value();
      });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  note("post released");
  release_post.set_value();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // While the change runs, a later post on lane 1 waits for it.
  std::promise<void> later_done;
  writer.submit(
      [&](write_context& ctx) {
        note("later post begins");
        append_event(ctx, odd->thread, "message", odd->by, "{}", "later");
      },
      [&](std::exception_ptr, const auto&) {
        note("later post done");
        later_done.set_value();
      },
      {write_hint{odd->thread, odd->by.id, std::nullopt}});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  note("change released");
  release_change.set_value();
  change_done.get_future().wait();
  later_done.get_future().wait();
  writer.stop();
  const std::vector<std::string> expected{"post begins",   "post released",  "post done",        "change begins",
                                          "change released", "change done", "later post begins", "later post done"};
  EXPECT_EQ(order, expected);
  auto events = events_after(*sql_, odd->thread, 0, 10);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].kind, "case_update");
}

STORE_SUITE(batched_writer_test);

}  // namespace
}  // namespace mediation::store
