// schema_gen: writes the JSON Schema of every request (protocol/schema/<type>.json) from the
// requests' declarations (protocol/messages/*.hpp), or with --check compares them with the files in
// a folder and fails naming each one that differs or is missing.
//   schema_gen OUT_DIR            write every request's schema into OUT_DIR
//   schema_gen --check DIR        exit 1 unless DIR holds exactly what would be written
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <variant>

#include "protocol/messages.hpp"

using namespace mediation::protocol;

namespace {

template <class F, std::size_t... I>
void each_request(F&& f, std::index_sequence<I...>) {
  (f(schema_of<std::variant_alternative_t<I, request>>(), std::variant_alternative_t<I, request>::type), ...);
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  const bool check = argc == 3 && std::string(argv[1]) == "--check";
  if (!(argc == 2 || check)) {
    std::cerr << "usage: schema_gen OUT_DIR | schema_gen --check DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[argc - 1];
  std::filesystem::create_directories(dir);
  int differ = 0, written = 0;
  each_request(
      [&](const ojson& schema, std::string_view type) {
        const auto path = dir / (std::string(type) + ".json");
        const std::string text = schema.dump(2) + "\n";
        if (check) {
          if (!std::filesystem::exists(path) || read(path) != text) {
            std::cerr << path.string() << " differs from the declaration of " << type << "\n";
            ++differ;
          }
          return;
        }
        if (!std::filesystem::exists(path) || read(path) != text) {
          std::ofstream(path, std::ios::binary) << text;
          ++written;
        }
      },
      std::make_index_sequence<std::variant_size_v<request>>{});
  if (check) {
    // A request schema whose request is gone is stale; the hand-written ones are those of replies and pushes.
    static const std::set<std::string> hand_written = {"ok", "error", "event", "notice", "case", "user", "org", "login"};
    std::set<std::string> declared;
    each_request([&](const ojson&, std::string_view type) { declared.insert(std::string(type)); },
                 std::make_index_sequence<std::variant_size_v<request>>{});
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
      const std::string name = f.path().stem().string();
      if (f.path().extension() == ".json" && !declared.count(name) && !hand_written.count(name)) {
        std::cerr << f.path().string() << " belongs to no declared request\n";
        ++differ;
      }
    }
  }
  if (check && differ) {
    std::cerr << differ << " request schema(s) in " << dir.string()
              << " are not what protocol/messages/*.hpp declare; run: cmake --build build --target update_schemas\n";
    return 1;
  }
  if (!check) std::cout << "schema_gen: " << written << " file(s) written in " << dir.string() << "\n";
  return 0;
}
