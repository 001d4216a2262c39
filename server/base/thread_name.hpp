#pragma once
// Names the calling thread (Linux: at most 15 bytes are kept), so that top, perf and /proc show
// which of the server's threads is busy: mn-io (I/O), mn-writer (writer
// lanes applying batches), mn-commit (writer lanes committing and fanning out), mn-db (readers).

#include <pthread.h>

namespace mediation {

inline void name_this_thread(const char* name) noexcept { pthread_setname_np(pthread_self(), name); }

}  // namespace mediation
