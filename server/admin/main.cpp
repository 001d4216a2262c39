// mediation-admin: wiring only. See server/admin/admin.hpp.
#include <iostream>
#include <string>
#include <vector>

#include "server/admin/admin.hpp"

int main(int argc, char** argv) {
  return mediation::app::admin::run(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr, std::cin);
}
