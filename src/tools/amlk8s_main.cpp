// amlk8s: the command-line tool (src/cli). `amlk8s --help` lists the commands.
#include "cli/run.hpp"

#include <iostream>
#include <span>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return amlk8s::cli::run(args, std::span<char* const>(argv + 1, static_cast<std::size_t>(argc - 1)), std::cout,
                          std::cerr);
}
