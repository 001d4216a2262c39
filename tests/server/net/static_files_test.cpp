#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "server/net/static_files.hpp"

namespace mediation::net {
namespace {

TEST(static_files, serves_files_under_the_root_and_refuses_escapes) {
  auto root = std::filesystem::temp_directory_path() / ("mn-static-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "sub");
  std::ofstream(root / "index.html") << "<html>首页</html>";
  std::ofstream(root / "sub" / "app.js") << "let x = 1;";
  auto index = serve_static(root.string(), "/");
  EXPECT_EQ(index.status, 200u);
  EXPECT_EQ(index.body, "<html>首页</html>");
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  auto js = serve_static(root.string(), "/sub/app.js");
  EXPECT_EQ(js.status, 200u);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(serve_static(root.string(), "/missing.css").status, 404u);
  EXPECT_EQ(serve_static(root.string(), "/sub").status, 404u);  // a folder
  EXPECT_EQ(serve_static(root.string(), "/../etc/passwd").status, 400u);
  EXPECT_EQ(serve_static(root.string(), "/sub/..%2f").status, 400u);
  EXPECT_EQ(serve_static(root.string(), "relative").status, 400u);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace mediation::net
