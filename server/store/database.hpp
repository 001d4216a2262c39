#pragma once
// The database: a SOCI connection pool on SQLite (embedded default) or MySQL/MariaDB.
// Construction opens and configures every pooled session; it throws std::runtime_error with a
// message fit for the operator when the URL is unsupported or the database cannot be opened.
// Sessions leased from pool() are used by one thread at a time (SOCI's rule).

#include <cstddef>
#include <memory>
#include <string>

namespace soci {
class connection_pool;
class session;
}  // namespace soci

namespace mediation::store {

enum class backend { sqlite, mysql };

class database {
 public:
  // `url`: "sqlite3://db=PATH" or "mysql://db=NAME user=U password=P host=H port=N".
  database(std::string url, std::size_t pool_size);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  backend kind() const noexcept { return kind_; }
  std::size_t pool_size() const noexcept { return pool_size_; }
  soci::connection_pool& pool() noexcept { return *pool_; }

  // Opens `sql` as a new connection (for the batched writer, which keeps its own).
  void open(soci::session& sql) const;
  // Begins a transaction that will write, on `sql` (end it with sql.commit() or sql.rollback()).
  // On SQLite it takes the write lock now (BEGIN IMMEDIATE), waiting up to 10 s for another
  // connection or process to finish; later statements then never fail with "database is locked".
  // Throws a soci error when the lock is not had in that time.
  void begin_write(soci::session& sql) const;
  // Reconnects `sql` when its MySQL connection was lost (no-op on SQLite). Never throws. Returns
  // whether the connection had been lost (reconnected or not).
  bool ensure_connected(soci::session& sql) const noexcept;

 private:
  void configure(soci::session& sql) const;

  std::string url_;
  backend kind_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
};

}  // namespace mediation::store
